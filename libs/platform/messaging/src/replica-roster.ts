import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { rosterBucket, ServiceName } from '@circulate/contracts';
import type { KV, KvEntry } from 'nats';
import { hostname } from 'node:os';
import { isRaceLost, LEASES_SERVICE } from './cluster-leases';
import { NatsConnectionService } from './nats-connection';

/** Timings of a roster (tests shorten them). */
export interface RosterTimings {
  /** How often a replica renews its entry and looks at the others'. */
  beatMs: number;
  /** An entry not renewed for this long belongs to a replica that died. */
  staleMs: number;
}
export const ROSTER_TIMINGS = Symbol('ROSTER_TIMINGS');
const DEFAULT_TIMINGS: RosterTimings = { beatMs: 3_000, staleMs: 15_000 };

const encoder = new TextEncoder();

/**
 * Which replicas of a service are running, in a JetStream key-value bucket
 * (`<ns>_<service>_replicas`), so that what a dead replica may have left half done is taken up
 * once, when it dies, instead of being looked for all the time. Each replica puts its entry
 * before it writes anything (onModuleInit) and renews it every `beatMs`; a clean shutdown
 * deletes it (`leave`). Every replica watches the others' entries: one whose revision has not
 * changed for `staleMs` of the watcher's own clock (or whose last renewal, by the NATS server's
 * clock, is that old when first seen: a restarted replica finds its predecessor's at once) is a
 * replica that died. The watchers race to claim it with a compare-and-set on its revision; the
 * winner renews the claimed entry with its own and runs the recovery handlers (the outbox sweep),
 * then deletes it. A claimer that dies in turn stops renewing the claim, so another replica takes
 * it up again; a handler that fails leaves the entry to go stale once more.
 *
 * A replica cut off from NATS for longer than `staleMs` is taken for dead: the recovery runs
 * while it lives, which is harmless (the sweep is idempotent). Without a bucket of its own yet
 * (`fresh`), the replica cannot know what came before it and its handlers run once at boot.
 */
@Injectable()
export class ReplicaRoster implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ReplicaRoster.name);
  /** This replica's key: host, pid and a random part (KV keys allow `[-/_=.a-zA-Z0-9]`). */
  readonly key = `r.${hostname().replace(/[^A-Za-z0-9_-]/g, '_')}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  private kv?: KV;
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private left = false;
  /** True when this replica created the bucket: nothing tells what ran before it. */
  fresh = false;
  /** Other replicas' entries: the revision last seen and since when (this process's clock). */
  private readonly seen = new Map<string, { revision: number; since: number }>();
  /** Entries of dead replicas this one claimed and is recovering: key → revision of the claim. */
  private readonly claimed = new Map<string, number>();
  private readonly handlers: (() => Promise<void>)[] = [];
  private readonly timings: RosterTimings;

  constructor(
    private readonly nats: NatsConnectionService,
    @Inject(LEASES_SERVICE) private readonly service: ServiceName,
    @Optional() @Inject(ROSTER_TIMINGS) timings?: RosterTimings,
  ) {
    this.timings = timings ?? DEFAULT_TIMINGS;
  }

  /** Runs `handler` for each replica found dead (it throws when the recovery did not complete). */
  onDeparted(handler: () => Promise<void>): void {
    this.handlers.push(handler);
  }

  async onModuleInit(): Promise<void> {
    const bucket = rosterBucket(this.service);
    this.fresh = !(await this.nats.jsm.streams.info(`KV_${bucket}`).then(
      () => true,
      () => false,
    ));
    this.kv = await this.nats.js.views.kv(bucket, { history: 1 });
    await this.kv.put(this.key, encoder.encode('alive'));
    this.timer = setInterval(() => void this.tick(), this.timings.beatMs);
    this.timer.unref();
  }

  /** One beat: renew this replica's entry (and the claims it works on), then look at the others. */
  async tick(): Promise<void> {
    const kv = this.kv;
    if (!kv || this.ticking || this.left) return;
    this.ticking = true;
    try {
      await kv.put(this.key, encoder.encode('alive'));
      for (const [key, revision] of this.claimed) {
        const renewed = await kv.update(key, encoder.encode(`claimed by ${this.key}`), revision).catch(() => undefined);
        if (renewed !== undefined) this.claimed.set(key, renewed);
      }
      const keys: string[] = [];
      for await (const key of await kv.keys()) keys.push(key);
      const now = Date.now();
      for (const key of keys) {
        if (key === this.key || this.claimed.has(key)) continue;
        const entry = await kv.get(key);
        if (!entry || entry.operation !== 'PUT') continue;
        let seen = this.seen.get(key);
        if (!seen || seen.revision !== entry.revision) {
          seen = { revision: entry.revision, since: seen ? now : Math.min(now, entry.created.getTime()) };
          this.seen.set(key, seen);
        }
        if (now - seen.since >= this.timings.staleMs) await this.claim(kv, entry);
      }
      for (const key of [...this.seen.keys()]) if (!keys.includes(key)) this.seen.delete(key);
    } catch (err) {
      if (!this.left) this.logger.warn(`replica roster of ${this.service}: ${String(err)}`);
    } finally {
      this.ticking = false;
    }
  }

  private async claim(kv: KV, entry: KvEntry): Promise<void> {
    let revision: number;
    try {
      revision = await kv.update(entry.key, encoder.encode(`claimed by ${this.key}`), entry.revision);
    } catch (err) {
      if (isRaceLost(err)) return; // another replica claimed it first
      throw err;
    }
    this.seen.delete(entry.key);
    this.claimed.set(entry.key, revision);
    this.logger.log(`replica ${entry.key.slice(2)} of ${this.service} stopped without leaving: recovering after it`);
    // Not awaited: the beats (this replica's and the claim's) go on while the handlers run.
    void this.recover(kv, entry.key);
  }

  private async recover(kv: KV, key: string): Promise<void> {
    try {
      for (const handler of this.handlers) await handler();
      await kv.delete(key, { previousSeq: this.claimed.get(key) }).catch(() => undefined);
    } catch (err) {
      this.logger.warn(`recovery after ${key.slice(2)} failed, it will be retried: ${String(err)}`);
    } finally {
      this.claimed.delete(key);
    }
  }

  /** A clean exit: nothing left to recover after this replica (its entry is deleted). */
  async leave(): Promise<void> {
    this.left = true;
    if (this.timer) clearInterval(this.timer);
    await this.kv?.delete(this.key).catch(() => undefined);
  }

  /**
   * Stops beating without leaving: a shutdown with events still unpublished, so another replica
   * sweeps after this one (the same as a crash to the others; tests use it as one).
   */
  halt(): void {
    this.left = true;
    if (this.timer) clearInterval(this.timer);
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
