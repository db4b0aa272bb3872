import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DomainError, ErrorCode, lockBucket, ServiceName } from '@circulate/contracts';
import { createHash } from 'node:crypto';
import type { KV } from 'nats';
import { recordLeaseWait, startTimer } from './metrics';
import { NatsConnectionService } from './nats-connection';

export const LEASES_SERVICE = Symbol('LEASES_SERVICE');

/** A lease left by a replica that died is free again after this long (held ones are refreshed). */
export const LEASE_TTL_MS = 30_000;
const REFRESH_MS = LEASE_TTL_MS / 3;
/** Longest a writer waits for a lease before answering 503 (the holder is alive but slow, or NATS is away). */
const ACQUIRE_TIMEOUT_MS = 10_000;
const WRONG_LAST_SEQUENCE = 10071;

interface Held {
  key: string;
  revision: number;
  /** A refresh in flight: a release waits for it, so it deletes at the latest revision. */
  refreshing?: Promise<void>;
}

/** Whether a key-value compare-and-set lost to another writer (the revision moved on). */
export function isRaceLost(err: unknown): boolean {
  return (
    (err as { api_error?: { err_code?: number } })?.api_error?.err_code === WRONG_LAST_SEQUENCE ||
    /wrong last sequence/i.test(String(err))
  );
}

/** Longest lock key kept readable (base64url); longer ones are hashed (a NATS subject stays short). */
const MAX_ENCODED_KEY = 200;

/**
 * The KV key of a lock key (`<collection>:<id>`, the id straight from a request path). KV keys
 * allow only `[-/_=.a-zA-Z0-9]` with no empty `.` token, so ids like `a.`, `a..b`, `*`, `>` or
 * unicode must not reach the key as they are: it is `b.<base64url of the key>`, or
 * `h.<base64url of its SHA-256>` when that would be long. Distinct lock keys never share a lease.
 */
export function leaseKvKey(key: string): string {
  const encoded = Buffer.from(key, 'utf8').toString('base64url');
  if (encoded.length <= MAX_ENCODED_KEY) return `b.${encoded}`;
  return `h.${createHash('sha256').update(key, 'utf8').digest('base64url')}`;
}

/**
 * Leases in a NATS JetStream key-value bucket (`<ns>_<service>_locks`) so that the replicas of a
 * service take turns on one aggregate: FerretDB v1 applies updates as read, modify, write back,
 * so two replicas changing one document at once could lose a change (DESIGN.md). Acquiring is a
 * compare-and-set the NATS server applies atomically (create when absent, or update of the
 * delete marker at its revision); releasing deletes at the held revision. Held leases are
 * refreshed every 10 s; a replica that dies holding one frees it when the bucket's 30 s TTL
 * removes the entry.
 */
@Injectable()
export class ClusterLeases implements OnApplicationShutdown {
  private readonly logger = new Logger(ClusterLeases.name);
  private bucket?: Promise<KV>;
  private readonly held = new Set<Held>();
  private timer?: NodeJS.Timeout;
  /** What a held lease's entry says: which process holds it. */
  private readonly owner = new TextEncoder().encode(`${process.pid}-${Math.random().toString(36).slice(2, 8)}`);

  constructor(
    private readonly nats: NatsConnectionService,
    @Inject(LEASES_SERVICE) private readonly service: ServiceName,
  ) {}

  private kv(): Promise<KV> {
    this.bucket ??= this.nats.js.views
      .kv(lockBucket(this.service), { ttl: LEASE_TTL_MS, history: 1 })
      .catch((err: unknown) => {
        this.bucket = undefined;
        throw err;
      });
    return this.bucket;
  }

  /** Waits for the lease of `key` and returns its release. */
  async acquire(key: string): Promise<() => Promise<void>> {
    const waited = startTimer();
    const kv = await this.kv().catch((err: unknown) => {
      recordLeaseWait('unavailable', waited(), 0);
      throw this.unavailable(err);
    });
    const k = leaseKvKey(key);
    const deadline = Date.now() + ACQUIRE_TIMEOUT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        const entry = await kv.get(k);
        let revision: number | undefined;
        if (!entry) revision = await kv.create(k, this.owner);
        else if (entry.operation !== 'PUT') revision = await kv.update(k, this.owner, entry.revision);
        if (revision !== undefined) {
          recordLeaseWait('acquired', waited(), attempt);
          return this.hold({ key: k, revision }, kv);
        }
      } catch (err) {
        if (!isRaceLost(err)) {
          recordLeaseWait('unavailable', waited(), attempt);
          throw this.unavailable(err);
        }
      }
      if (Date.now() > deadline) {
        recordLeaseWait('timeout', waited(), attempt);
        throw new DomainError(
          ErrorCode.DEPENDENCY_UNAVAILABLE,
          'another replica is still changing this record; try again',
        );
      }
      // Held elsewhere: back off a little, with jitter, so waiting replicas do not march in step.
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, 2 + attempt * 3) * (0.5 + Math.random())));
    }
  }

  /** NATS away or JetStream unable to answer: the write waits for nothing and answers 503. */
  private unavailable(err: unknown): DomainError {
    this.logger.warn(`no lease (NATS key-value unavailable): ${String(err)}`);
    return new DomainError(
      ErrorCode.DEPENDENCY_UNAVAILABLE,
      'cannot coordinate with the other replicas right now (NATS unavailable); try again',
    );
  }

  private hold(lease: Held, kv: KV): () => Promise<void> {
    this.held.add(lease);
    this.timer ??= setInterval(() => void this.refresh(), REFRESH_MS).unref();
    return async () => {
      this.held.delete(lease);
      await lease.refreshing;
      await kv.delete(lease.key, { previousSeq: lease.revision }).catch(() => undefined);
    };
  }

  /** Keeps held leases alive past the TTL (a long SKU fan-out holds many at once). */
  private async refresh(): Promise<void> {
    const kv = await this.kv().catch(() => undefined);
    if (!kv) return;
    for (const lease of [...this.held]) {
      lease.refreshing = kv.update(lease.key, this.owner, lease.revision).then(
        (revision) => {
          lease.revision = revision;
        },
        (err: unknown) => {
          if (this.held.has(lease)) this.logger.warn(`lease ${lease.key} could not be refreshed: ${String(err)}`);
        },
      );
      await lease.refreshing;
      lease.refreshing = undefined;
    }
  }

  get heldCount(): number {
    return this.held.size;
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
