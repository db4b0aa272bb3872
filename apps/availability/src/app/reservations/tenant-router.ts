import { Logger } from '@nestjs/common';
import { describeLoad, GroupCommitter, ReservationLog, StandbySnapshots } from '@circulate/availability/data-access';
import { AvailabilityIndex } from '@circulate/availability/engine';
import type { ReadModel, ReservationSource } from '@circulate/availability/read-model';
import { ReservationState } from '@circulate/availability/reservations';
import {
  DomainError,
  ErrorCode,
  REPEATABLE_COMMANDS,
  tenantOwnerSubject,
  type OwnerPacket,
  type OwnerReply,
  type ErrorPayload,
  type RequestContext,
  tenantId as toTenantId,
} from '@circulate/contracts';
import { outcomeOf, recordRpc, startTimer, type NatsConnectionService } from '@circulate/platform/messaging';
import type { Connection } from 'mongoose';
import { JSONCodec, type Msg } from 'nats';
import type { ReadModelFeed } from '../read-model-feed';
import { OwnedTenant } from './owned-tenant';
import { TenantOutbox } from './outbox';
import { TenantLeases } from './tenant-leases';

export interface RouterOptions {
  /** Owner lease TTL (failover bound); refreshed every 30 % of it. */
  readonly leaseTtlMs: number;
  /** How long a request keeps looking for an owner before DEPENDENCY_UNAVAILABLE. */
  readonly routeTimeoutMs: number;
  /** Hold expiry / overdue timer period. */
  readonly tickMs: number;
  readonly snapshotEvery: number;
  /** A snapshot once the tenant is idle this long after commits (0: off). */
  readonly idleSnapshotMs: number;
  /** Records of other replicas' tenants kept read as standby copies (0: none; see StandbySnapshots). */
  readonly standbyRecords: number;
  /** A standby copy is re-read once the owner's snapshot pointer has not moved for this long. */
  readonly standbySettleMs: number;
  /** Test-only fault injection (AVAILABILITY_FAULT): `exit-after-append` dies between a log write and its publish. */
  readonly fault: string | undefined;
}

/** What runs on the owner: the replica that holds the tenant's lease. */
export type LocalHandler = (owned: OwnedTenant, ctx: RequestContext, op: string, data: unknown) => Promise<unknown>;

type ForwardPacket = OwnerPacket;
type ForwardReply = OwnerReply;

const codec = JSONCodec<unknown>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The operations an owner runs (a bounded label set for the RPC metrics). */
const OWNER_OPS = new Set(['check', 'calendar', 'schedule', 'of', 'command']);
/** Ops whose repeat after a lost answer does no harm (so a forward that timed out may be retried). */
const RETRIABLE = new Set(['check', 'calendar', 'schedule', 'of', ...REPEATABLE_COMMANDS]);

/**
 * One owner per tenant (DESIGN.md "How, given our storage"). A request for a tenant is served
 * here when this replica owns the tenant, else here after taking the tenant's free lease (and
 * loading it: snapshot + tail of the log), else forwarded to the owner's subject. A request
 * that finds no owner (it just died; its lease has not expired yet) retries until the lease
 * frees or `routeTimeoutMs` passes.
 */
export class TenantRouter implements ReservationSource {
  private readonly logger = new Logger(TenantRouter.name);
  readonly leases: TenantLeases;
  readonly log: ReservationLog;
  readonly standby: StandbySnapshots;
  private readonly owned = new Map<string, OwnedTenant>();
  private readonly loading = new Map<string, Promise<OwnedTenant>>();
  /** Tenants seen owned elsewhere, and when: no lease read for them on every request. */
  private readonly elsewhere = new Map<string, number>();
  private sweepTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly db: Connection,
    private readonly feed: ReadModelFeed,
    private readonly local: LocalHandler,
    private readonly options: RouterOptions,
  ) {
    this.leases = new TenantLeases(nats, options.leaseTtlMs, (t) => void this.drop(t));
    this.log = new ReservationLog(db);
    this.standby = new StandbySnapshots(this.log, {
      maxRecords: options.standbyRecords,
      settleMs: options.standbySettleMs,
    });
  }

  /** A rebuilt read model went into service: every owned tenant's reservations move into it. */
  modelInService(model: ReadModel): void {
    for (const o of this.owned.values()) o.moveTo(model);
  }

  ownedTenants(): string[] {
    return [...this.owned.keys()];
  }

  /**
   * Every few seconds, takes the free leases of tenants the read model knows, so that holds
   * expire and a dead owner's unpublished events go out even when no request comes; of the
   * tenants owned elsewhere, keeps a standby copy of the latest snapshot (a takeover then folds
   * it at once).
   */
  startSweeper(everyMs: number): void {
    this.sweepTimer = setInterval(() => void this.sweep(), everyMs);
    this.sweepTimer.unref();
  }

  private async sweep(): Promise<void> {
    for (const tenantId of this.feed.current().tenantIds()) {
      if (this.stopped) return;
      if (this.owned.has(tenantId) || this.loading.has(tenantId)) continue;
      try {
        if (await this.leases.tryAcquire(tenantId)) await this.load(tenantId);
        else await this.standby.refresh(tenantId);
      } catch (err) {
        this.logger.warn(`sweep: tenant ${tenantId}: ${String(err)}`);
      }
    }
  }

  async execute(ctx: RequestContext, op: string, data: unknown): Promise<unknown> {
    const tenantId = ctx.tenantId;
    const deadline = Date.now() + this.options.routeTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      const mine = await this.ownedNow(tenantId);
      if (mine) return this.local(mine, ctx, op, data);
      const seen = this.elsewhere.get(tenantId);
      if (attempt > 0 || seen === undefined || Date.now() - seen > 1000) {
        if (await this.acquire(tenantId)) return this.local(await this.load(tenantId), ctx, op, data);
        // Another process holds the lease: whatever this replica still holds of the tenant is stale.
        if (this.owned.has(tenantId)) await this.drop(tenantId);
        this.elsewhere.set(tenantId, Date.now());
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      const reply = await this.forward(tenantId, { op, ctx, data }, Math.min(1500, left), attempt);
      if (reply) {
        if (reply.ok) return reply.value;
        throw DomainError.fromPayload(reply.error);
      }
      if (Date.now() >= deadline) break;
      this.elsewhere.delete(tenantId);
      await sleep(Math.min(250, 25 * (attempt + 1)));
    }
    throw new DomainError(
      ErrorCode.DEPENDENCY_UNAVAILABLE,
      `no availability replica owns tenant ${tenantId} right now (failover in progress); try again`,
    );
  }

  private async acquire(tenantId: string): Promise<boolean> {
    try {
      return await this.leases.tryAcquire(tenantId);
    } catch (err) {
      this.logger.warn(`owner lease of ${tenantId} not readable: ${String(err)}`);
      return false;
    }
  }

  /** The tenant's state when this replica owns it now (waiting for a load in progress). */
  private async ownedNow(tenantId: string): Promise<OwnedTenant | undefined> {
    const loading = this.loading.get(tenantId);
    if (loading) return loading.catch(() => undefined);
    const o = this.owned.get(tenantId);
    return o && !o.closed && this.leases.holds(tenantId) ? o : undefined;
  }

  /** Sends the request to the owner's subject; undefined when nobody owns it there (or in time). */
  private async forward(
    tenantId: string,
    packet: ForwardPacket,
    timeoutMs: number,
    attempt: number,
  ): Promise<ForwardReply | undefined> {
    const op = packet.op === 'command' ? (packet.data as { command?: { type?: string } }).command?.type : packet.op;
    try {
      const msg = await this.nats.nc.request(tenantOwnerSubject(tenantId), codec.encode(packet), {
        timeout: timeoutMs,
      });
      return codec.decode(msg.data) as ForwardReply;
    } catch (err) {
      const timedOut = /timeout/i.test(String((err as Error)?.message ?? err));
      if (timedOut && !RETRIABLE.has(String(op))) {
        throw new DomainError(
          ErrorCode.DEPENDENCY_UNAVAILABLE,
          `the owner of tenant ${tenantId} did not answer in time`,
        );
      }
      if (attempt % 20 === 19) this.logger.warn(`forward to the owner of ${tenantId}: ${String(err)}`);
      return undefined;
    }
  }

  /** Loads an acquired tenant (once): snapshot + tail, outbox recovery, owner subject, timer. */
  private load(tenantId: string): Promise<OwnedTenant> {
    const existing = this.owned.get(tenantId);
    if (existing && !existing.closed) return Promise.resolve(existing);
    let p = this.loading.get(tenantId);
    if (p) return p;
    p = this.open(tenantId).finally(() => this.loading.delete(tenantId));
    this.loading.set(tenantId, p);
    return p;
  }

  private async open(tenantId: string): Promise<OwnedTenant> {
    const started = performance.now();
    const model = this.feed.current();
    const tenantState = model.ensure(tenantId);
    const state = new ReservationState(
      tenantState.index,
      (id) => this.feed.current().find(tenantId)?.listings.get(id)?.engine,
    );
    const outbox = new TenantOutbox(toTenantId(tenantId), this.nats, this.db);
    const fault = this.options.fault;
    let committer: GroupCommitter;
    try {
      committer = await GroupCommitter.open(this.log, tenantId, state, {
        snapshotEvery: this.options.snapshotEvery,
        idleSnapshotMs: this.options.idleSnapshotMs,
        standby: await this.standby.take(tenantId),
        onCommitted: (_t, entry) => {
          if (fault === 'exit-after-append') {
            // Test-only: the entry is in the log, its events are not published.
            process.kill(process.pid, 'SIGKILL');
          }
          outbox.enqueue(entry);
        },
        onSnapshotError: (err) => this.logger.warn(`snapshot of ${tenantId} failed: ${String(err)}`),
      });
    } catch (err) {
      state.rebind(new AvailabilityIndex());
      await this.leases.release(tenantId);
      this.logger.error(`tenant ${tenantId} could not be loaded: ${String(err)}`);
      throw new DomainError(
        ErrorCode.DEPENDENCY_UNAVAILABLE,
        `the reservations of tenant ${tenantId} cannot be loaded now`,
      );
    }
    const owned = new OwnedTenant(tenantId, state, committer, outbox);
    owned.moveTo(this.feed.current());
    outbox.recover(this.log, committer.seq);
    owned.subscription = this.nats.nc.subscribe(tenantOwnerSubject(tenantId), {
      callback: (err, msg) => {
        if (!err) void this.answer(owned, msg);
      },
    });
    owned.startTimer(this.options.tickMs, (err) => this.logger.warn(`timer of ${tenantId}: ${String(err)}`));
    this.owned.set(tenantId, owned);
    this.elsewhere.delete(tenantId);
    if (!this.leases.holds(tenantId) || this.stopped) {
      void this.drop(tenantId);
      throw new DomainError(ErrorCode.DEPENDENCY_UNAVAILABLE, `the owner lease of tenant ${tenantId} was lost`);
    }
    const ms = Math.round(performance.now() - started);
    const how = committer.loadStats ? ` (${describeLoad(committer.loadStats)})` : '';
    this.logger.log(
      `owns tenant ${tenantId}: ${state.records.size} records up to seq ${committer.seq} in ${ms} ms${how}`,
    );
    return owned;
  }

  private async answer(owned: OwnedTenant, msg: Msg): Promise<void> {
    if (owned.closed || !this.leases.holds(owned.tenantId)) {
      // Not (or no longer) the owner: stay silent, so the request gets the real owner's answer
      // (both may be subscribed for a moment after a takeover), and stop listening.
      if (this.owned.get(owned.tenantId) === owned) void this.drop(owned.tenantId);
      else void owned.close();
      return;
    }
    let reply: ForwardReply;
    const elapsed = startTimer();
    let op = 'unknown';
    try {
      const p = codec.decode(msg.data) as ForwardPacket;
      if (OWNER_OPS.has(p.op)) op = p.op;
      reply = { ok: true, value: (await this.local(owned, p.ctx, p.op, p.data)) ?? null };
      recordRpc('server', `availability.owner.${op}`, 'ok', elapsed());
    } catch (err) {
      reply = { ok: false, error: toPayload(err, this.logger) };
      recordRpc('server', `availability.owner.${op}`, outcomeOf(err), elapsed());
    }
    msg.respond(codec.encode(reply));
  }

  private async drop(tenantId: string): Promise<void> {
    const o = this.owned.get(tenantId);
    if (!o) return;
    this.owned.delete(tenantId);
    await o.close();
    this.logger.warn(`dropped tenant ${tenantId}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.standby.clear();
    await Promise.all([...this.loading.values()].map((p) => p.catch(() => undefined)));
    await Promise.all([...this.owned.values()].map((o) => o.close()));
    this.owned.clear();
    await this.leases.close();
  }
}

function toPayload(err: unknown, logger: Logger): ErrorPayload {
  if (err instanceof DomainError) return err.toPayload();
  if (DomainError.isPayload(err)) return err;
  logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  return { code: ErrorCode.INTERNAL, message: 'internal error' };
}
