import { Injectable, Logger } from '@nestjs/common';
import { EventEnvelope } from '@circulate/contracts';
import type { Model } from 'mongoose';
import { EventPublisher } from './event-publisher';
import { OUTBOX_FIELD, OutboxDocument, OutboxRelay } from './outbox';

/** The events a caller just wrote into one document's outbox. */
export interface PendingEvents {
  id: string;
  events: EventEnvelope[];
}

/**
 * Flushes the outboxes of many documents at once (a batch registration, a SKU fan-out). The
 * caller hands over the events it has just written, so nothing is read back; they are
 * published concurrently, then pulled from their documents with one `updateMany` per chunk of
 * a hundred (FerretDB v1's bulk writes of many single updates were seen to stall). Like
 * OutboxRelay.flush, a failure is logged and the documents are handed to the relay, which retries
 * them by `_id`; a second publish of the same event is de-duplicated by its Nats-Msg-Id.
 */
@Injectable()
export class BatchOutboxFlusher {
  private readonly logger = new Logger(BatchOutboxFlusher.name);

  constructor(
    private readonly publisher: EventPublisher,
    private readonly relay: OutboxRelay,
  ) {}

  async flush<TDoc extends OutboxDocument>(model: Model<TDoc>, pending: PendingEvents[]): Promise<void> {
    const m = model as unknown as Model<OutboxDocument>;
    const pull = (events: EventEnvelope[]) => ({ $pullAll: { [OUTBOX_FIELD]: events } });
    try {
      for (let i = 0; i < pending.length; i += 100) {
        const chunk = pending.slice(i, i + 100);
        await Promise.all(
          chunk.map(async (p) => {
            for (const e of p.events) await this.publisher.publish(e);
          }),
        );
        // One multi-document pull per chunk (fewer round trips than one update per document).
        // `$pullAll` of the whole entries as written: FerretDB v1's `$pull` with a sub-field
        // condition ({ id: { $in } }) matches nothing, which left every entry to the sweeper.
        await m
          .updateMany({ _id: { $in: chunk.map((p) => p.id) } }, pull(chunk.flatMap((p) => p.events)), {
            timestamps: false,
          })
          .exec();
      }
    } catch (err) {
      this.logger.warn(
        `batch outbox flush of ${m.collection.collectionName} failed, it will be retried: ${String(err)}`,
      );
      this.relay.track(
        m,
        pending.map((p) => p.id),
      );
    }
  }
}
