import { Inject, Injectable, Logger, Optional, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventEnvelope, IdPrefix, newId, TenantId } from '@circulate/contracts';
import type { Model } from 'mongoose';
import { EventPublisher } from './event-publisher';
import { KeyedMutex } from './keyed-mutex';
import { recordOutbox, scrapeGauge } from './metrics';

/** Documents whose pending events a flush could not publish, known to this process, per relay. */
const relays = new Set<OutboxRelay>();
/** Most documents remembered as unflushed (beyond it the gauge reads "at least" this many). */
const MAX_TRACKED = 100_000;
const SWEEP_PAGE = 200;

scrapeGauge(
  'circulate_outbox_backlog_documents',
  'Documents with outbox events this process could not publish yet (failed flushes, left-overs the sweeper found and could not publish), by collection',
  ['collection'],
  (set) => {
    for (const relay of relays) for (const [collection, n] of relay.backlog()) set({ collection }, n);
  },
);

/**
 * Transactional outbox, embedded: the events of a change are written in the SAME document
 * write as the change itself (field `_outbox`), which is atomic on every MongoDB-compatible
 * backend without multi-document transactions. The relay publishes them to JetStream and then
 * pulls them from the document. If the process dies in between, the sweeper publishes them
 * later; the Nats-Msg-Id de-duplicates a second publish and consumers are idempotent anyway.
 */
export const OUTBOX_FIELD = '_outbox';

/** Injection token of the sweep interval (ServiceEnv.OUTBOX_SWEEP_MS, through MessagingModule). */
export const OUTBOX_SWEEP_MS = Symbol('OUTBOX_SWEEP_MS');

export interface OutboxDocument {
  _id: string;
  [OUTBOX_FIELD]?: EventEnvelope[];
}

export function outboxEvent<T>(
  type: string,
  tenantId: TenantId,
  aggregateId: string,
  aggregateVersion: number,
  data: T,
  requestId?: string,
): EventEnvelope<T> {
  return {
    id: newId(IdPrefix.event),
    type,
    tenantId,
    aggregateId,
    aggregateVersion,
    occurredAt: new Date().toISOString(),
    ...(requestId ? { requestId } : {}),
    data,
  };
}

@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly models: Model<OutboxDocument>[] = [];
  private timer?: NodeJS.Timeout;
  private sweeping = false;
  /** `<collection>:<id>` of documents whose last flush failed and that no flush has cleared since. */
  private readonly unflushed = new Set<string>();

  /**
   * The sweep scans every registered collection (FerretDB v1 cannot use an index for it), so it
   * runs rarely: once soon after boot (what a crash left behind), then every OUTBOX_SWEEP_MS, and
   * one second after any failed flush. The normal path publishes inline, right after the write.
   */
  constructor(
    private readonly publisher: EventPublisher,
    private readonly locks: KeyedMutex,
    @Optional() @Inject(OUTBOX_SWEEP_MS) private readonly sweepIntervalMs = 30_000,
  ) {}
  private retryTimer?: NodeJS.Timeout;

  register<TDoc extends OutboxDocument>(model: Model<TDoc>): void {
    this.models.push(model as unknown as Model<OutboxDocument>);
  }

  /** Key under which writers of one aggregate serialize (the relay's pull is a write too). */
  static lockKey(model: { collection: { collectionName: string } }, id: string): string {
    return `${model.collection.collectionName}:${id}`;
  }

  /**
   * Publish and clear the pending events of one document. Call it right after the write, inside
   * the same aggregate lock. Failures are logged, not thrown: the sweeper retries.
   */
  async flush<TDoc extends OutboxDocument>(model: Model<TDoc>, id: string): Promise<void> {
    const m = model as unknown as Model<OutboxDocument>;
    const tracked = OutboxRelay.lockKey(m, id);
    try {
      const doc = await m
        .findById(id, { [OUTBOX_FIELD]: 1 })
        .lean<OutboxDocument>()
        .exec();
      const pending = doc?.[OUTBOX_FIELD] ?? [];
      if (pending.length === 0) {
        this.unflushed.delete(tracked);
        return;
      }
      for (const event of pending) await this.publisher.publish(event);
      recordOutbox('published', pending.length);
      // $pullAll matches whole entries, exactly as read: FerretDB v1's $pull does not match on a
      // sub-field condition ({ id: … }), whole-document equality works on every backend.
      await m.updateOne({ _id: id }, { $pullAll: { [OUTBOX_FIELD]: pending } }, { timestamps: false }).exec();
      this.unflushed.delete(tracked);
    } catch (err) {
      recordOutbox('failed');
      if (this.unflushed.size < MAX_TRACKED) this.unflushed.add(tracked);
      this.logger.warn(
        `outbox flush of ${m.collection.collectionName}/${id} failed, the sweeper will retry: ${String(err)}`,
      );
      this.sweepSoon();
    }
  }

  /** Publishes whatever a crashed or failed flush left behind. */
  async sweep(): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = true;
    let published = 0;
    try {
      for (const model of this.models) {
        const docs = await model
          .find({ [`${OUTBOX_FIELD}.0`]: { $exists: true } }, { _id: 1 })
          .limit(SWEEP_PAGE)
          .lean<{ _id: string }[]>()
          .exec();
        recordOutbox('swept', docs.length);
        for (const { _id } of docs) {
          await this.locks.run(OutboxRelay.lockKey(model, _id), () => this.flush(model, _id));
          published++;
        }
        // A whole collection seen: what is not left in it was flushed (here or by another replica).
        if (docs.length < SWEEP_PAGE) this.forgetFlushed(model, new Set(docs.map((d) => d._id)));
      }
    } catch (err) {
      this.logger.warn(`outbox sweep failed: ${String(err)}`);
    } finally {
      this.sweeping = false;
    }
    return published;
  }

  private forgetFlushed(model: Model<OutboxDocument>, left: Set<string>): void {
    const prefix = OutboxRelay.lockKey(model, '');
    for (const key of this.unflushed)
      if (key.startsWith(prefix) && !left.has(key.slice(prefix.length))) this.unflushed.delete(key);
  }

  /** Unflushed documents per registered collection (0 for the clean ones). */
  backlog(): Map<string, number> {
    const counts = new Map<string, number>(this.models.map((m) => [m.collection.collectionName, 0]));
    for (const key of this.unflushed) {
      const collection = key.slice(0, key.indexOf(':'));
      counts.set(collection, (counts.get(collection) ?? 0) + 1);
    }
    return counts;
  }

  onApplicationBootstrap(): void {
    relays.add(this);
    if (this.sweepIntervalMs > 0) {
      this.timer = setInterval(() => void this.sweep(), this.sweepIntervalMs);
      this.timer.unref();
      this.sweepSoon();
    }
  }

  private sweepSoon(): void {
    if (this.retryTimer || this.sweepIntervalMs <= 0) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.sweep();
    }, 1000);
    this.retryTimer.unref();
  }

  onApplicationShutdown(): void {
    relays.delete(this);
    if (this.timer) clearInterval(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }
}
