import { Logger } from '@nestjs/common';
import { tenantOwnerBucket } from '@circulate/contracts';
import { leaseKvKey, type NatsConnectionService } from '@circulate/platform/messaging';
import { hostname } from 'node:os';
import type { KV } from 'nats';

const WRONG_LAST_SEQUENCE = 10071;

function isRaceLost(err: unknown): boolean {
  return (
    (err as { api_error?: { err_code?: number } })?.api_error?.err_code === WRONG_LAST_SEQUENCE ||
    /wrong last sequence/i.test(String(err))
  );
}

interface Held {
  readonly key: string;
  revision: number;
  /** Local time just before the last successful create/refresh was sent. */
  lastOk: number;
}

const codec = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Per-tenant ownership leases in their own NATS key-value bucket (`<ns>_availability_owners`,
 * TTL `ttlMs`): a replica owns a tenant's reservations while its entry stands. Taking a free
 * lease is a compare-and-set applied by the NATS server (create when absent, update of a delete
 * marker at its revision); held leases are refreshed every `ttlMs * 0.3` by an update at the
 * held revision, so a refresh after another replica took the key fails and the tenant is
 * dropped (`onLost`). A replica that dies frees its tenants when the bucket's TTL removes them.
 *
 * Correctness does not rest on this (a paused ex-owner's append collides in the log); the lease
 * only keeps one replica deciding for a tenant at a time, so that appends rarely collide.
 */
export class TenantLeases {
  private readonly logger = new Logger(TenantLeases.name);
  private bucket?: Promise<KV>;
  private readonly held = new Map<string, Held>();
  private timer?: NodeJS.Timeout;
  private refreshing = false;
  /** This process, as the lease entries name it. */
  readonly holderId = `${process.pid}@${hostname()}#${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    private readonly nats: NatsConnectionService,
    readonly ttlMs: number,
    private readonly onLost: (tenantId: string) => void,
  ) {}

  private kv(): Promise<KV> {
    this.bucket ??= this.nats.js.views.kv(tenantOwnerBucket(), { ttl: this.ttlMs, history: 1 }).catch((err) => {
      this.bucket = undefined;
      throw err;
    });
    return this.bucket;
  }

  /** True when this process holds the tenant's lease and refreshed it within the TTL (its own clock). */
  holds(tenantId: string): boolean {
    const h = this.held.get(tenantId);
    return h !== undefined && Date.now() - h.lastOk < this.ttlMs;
  }

  /** True when some process's entry stands for the tenant (this one's included). */
  async holder(tenantId: string): Promise<string | null> {
    const entry = await (await this.kv()).get(leaseKvKey(tenantId));
    return entry && entry.operation === 'PUT' ? decoder.decode(entry.value) : null;
  }

  /** Takes the tenant's lease when it is free; false when another process holds it. */
  async tryAcquire(tenantId: string): Promise<boolean> {
    if (this.holds(tenantId)) return true;
    const kv = await this.kv();
    const key = leaseKvKey(tenantId);
    const sent = Date.now();
    try {
      const entry = await kv.get(key);
      let revision: number;
      if (!entry) revision = await kv.create(key, codec.encode(this.holderId));
      else if (entry.operation !== 'PUT' || decoder.decode(entry.value) === this.holderId) {
        revision = await kv.update(key, codec.encode(this.holderId), entry.revision);
      } else return false;
      this.held.set(tenantId, { key, revision, lastOk: sent });
      this.timer ??= setInterval(() => void this.refresh(), Math.max(100, Math.round(this.ttlMs * 0.3))).unref();
      return true;
    } catch (err) {
      if (isRaceLost(err)) return false;
      throw err;
    }
  }

  /** Tenants held now. */
  tenants(): string[] {
    return [...this.held.keys()];
  }

  private async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const kv = await this.kv();
      await Promise.all(
        [...this.held].map(async ([tenantId, h]) => {
          const sent = Date.now();
          try {
            h.revision = await kv.update(h.key, codec.encode(this.holderId), h.revision);
            h.lastOk = sent;
          } catch (err) {
            // Another holder (we were paused or slow past the TTL), or NATS away for longer than
            // the TTL: in both cases this process may no longer decide for the tenant.
            if (isRaceLost(err) || Date.now() - h.lastOk >= this.ttlMs) this.lose(tenantId, String(err));
          }
        }),
      );
    } catch (err) {
      this.logger.warn(`owner leases could not be refreshed: ${String(err)}`);
      for (const [tenantId, h] of this.held) if (Date.now() - h.lastOk >= this.ttlMs) this.lose(tenantId, 'expired');
    } finally {
      this.refreshing = false;
    }
  }

  private lose(tenantId: string, why: string): void {
    if (!this.held.delete(tenantId)) return;
    this.logger.warn(`lost the owner lease of tenant ${tenantId}: ${why}`);
    this.onLost(tenantId);
  }

  /** Gives a lease up (shutdown, or a load that failed), so another replica can take it at once. */
  async release(tenantId: string): Promise<void> {
    const h = this.held.get(tenantId);
    if (!h) return;
    this.held.delete(tenantId);
    const kv = await this.kv().catch(() => undefined);
    await kv?.delete(h.key, { previousSeq: h.revision }).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all(this.tenants().map((t) => this.release(t)));
  }
}
