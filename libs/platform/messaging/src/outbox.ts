import { Inject, Injectable, Logger, Optional, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventEnvelope, IdPrefix, newId, TenantId } from '@circulate/contracts';
import type { Model } from 'mongoose';
import { EventPublisher } from './event-publisher';
import { KeyedMutex } from './keyed-mutex';
import { ReplicaRoster } from './replica-roster';
import { recordOutbox, scrapeGauge } from './metrics';

/** Documents whose pending events a flush could not publish, known to this process, per relay. */
const relays = new Set<OutboxRelay>();
/** Most documents remembered as unflushed (beyond it the gauge reads "at least" this many). */
const MAX_TRACKED = 100_000;
const SWEEP_PAGE = 200;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;

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
   * The sweep scans every registered collection (FerretDB v1 cannot use an index for it: a scan
   * of 20,000 orders was seen to take FerretDB 8 s of CPU under load), so it runs only when
   * something can have been left behind: when the ReplicaRoster finds a replica of the service
   * that stopped without leaving (or, once, when the roster's bucket is new), and every
   * OUTBOX_SWEEP_MS if that is set (default 0: never). A flush that fails is retried by `_id`,
   * without a scan. The normal path publishes inline, right after the write.
   */
  constructor(
    private readonly publisher: EventPublisher,
    private readonly locks: KeyedMutex,
    @Optional() @Inject(OUTBOX_SWEEP_MS) private readonly sweepIntervalMs = 0,
    @Optional() private readonly roster?: ReplicaRoster,
  ) {
    roster?.onDeparted(async () => {
      if ((await this.sweepCollections()) === undefined) throw new Error('the outbox sweep did not complete');
    });
  }
  private retryTimer?: NodeJS.Timeout;
  /** Delay of the next retry of failed flushes (doubles while rounds fail, up to 30 s). */
  private retryDelayMs = RETRY_MIN_MS;
  /** More failed documents than MAX_TRACKED: some are not in `unflushed`, only a sweep finds them. */
  private overflowed = false;
  private retrying = false;
  private bootSweep?: NodeJS.Timeout;

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
      this.track(m, [id]);
      this.logger.warn(
        `outbox flush of ${m.collection.collectionName}/${id} failed, it will be retried: ${String(err)}`,
      );
    }
  }

  /**
   * Documents whose events a failed flush (here, or in BatchOutboxFlusher) left in their outbox:
   * they are retried by `_id`, RETRY_MIN_MS later and then less and less often while they fail.
   */
  track<TDoc extends OutboxDocument>(model: Model<TDoc>, ids: readonly string[]): void {
    const m = model as unknown as Model<OutboxDocument>;
    for (const id of ids) {
      if (this.unflushed.size >= MAX_TRACKED) this.overflowed = true;
      else this.unflushed.add(OutboxRelay.lockKey(m, id));
    }
    if (!this.retrying) this.retrySoon();
  }

  /** Publishes whatever a crashed or failed flush left behind (a scan of every collection). */
  async sweep(): Promise<number> {
    return (await this.sweepCollections()) ?? 0;
  }

  /** How many documents the sweep flushed; undefined when it failed or one was already running. */
  private async sweepCollections(): Promise<number | undefined> {
    if (this.sweeping) return undefined;
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
      this.overflowed = false;
      return published;
    } catch (err) {
      this.logger.warn(`outbox sweep failed: ${String(err)}`);
      return undefined;
    } finally {
      this.sweeping = false;
    }
  }

  /** Flushes again, by `_id`, the documents whose flush failed. */
  private async retryUnflushed(): Promise<void> {
    this.retrying = true;
    if (this.overflowed) {
      await this.sweep();
    } else {
      for (const key of [...this.unflushed]) {
        const split = key.indexOf(':');
        const model = this.models.find((m) => m.collection.collectionName === key.slice(0, split));
        const id = key.slice(split + 1);
        if (!model) this.unflushed.delete(key);
        else await this.locks.run(key, () => this.flush(model, id)).catch(() => undefined);
      }
    }
    this.retrying = false;
    if (this.unflushed.size > 0 || this.overflowed) {
      this.retryDelayMs = Math.min(RETRY_MAX_MS, this.retryDelayMs * 2);
      this.retrySoon();
    } else {
      this.retryDelayMs = RETRY_MIN_MS;
    }
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
    }
    // A new roster bucket: a replica may have died before there was one to tell.
    if (this.roster?.fresh) this.bootSweep = setTimeout(() => void this.sweep(), 1000).unref();
  }

  private retrySoon(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.retryUnflushed();
    }, this.retryDelayMs);
    this.retryTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    relays.delete(this);
    if (this.timer) clearInterval(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.bootSweep) clearTimeout(this.bootSweep);
    // Nothing left unpublished here: the others need not sweep after this replica.
    if (this.unflushed.size === 0 && !this.overflowed) await this.roster?.leave();
    else this.roster?.halt();
  }
}
