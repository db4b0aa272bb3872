import { Inject, Injectable, Logger, Optional, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventEnvelope, IdPrefix, newId, TenantId } from '@circulate/contracts';
import type { Model } from 'mongoose';
import { EventPublisher } from './event-publisher';
import { KeyedMutex } from './keyed-mutex';

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
    try {
      const doc = await m
        .findById(id, { [OUTBOX_FIELD]: 1 })
        .lean<OutboxDocument>()
        .exec();
      const pending = doc?.[OUTBOX_FIELD] ?? [];
      if (pending.length === 0) return;
      for (const event of pending) await this.publisher.publish(event);
      // $pullAll matches whole entries, exactly as read: FerretDB v1's $pull does not match on a
      // sub-field condition ({ id: … }), whole-document equality works on every backend.
      await m.updateOne({ _id: id }, { $pullAll: { [OUTBOX_FIELD]: pending } }, { timestamps: false }).exec();
    } catch (err) {
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
          .limit(200)
          .lean<{ _id: string }[]>()
          .exec();
        for (const { _id } of docs) {
          await this.locks.run(OutboxRelay.lockKey(model, _id), () => this.flush(model, _id));
          published++;
        }
      }
    } catch (err) {
      this.logger.warn(`outbox sweep failed: ${String(err)}`);
    } finally {
      this.sweeping = false;
    }
    return published;
  }

  onApplicationBootstrap(): void {
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
    if (this.timer) clearInterval(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }
}
