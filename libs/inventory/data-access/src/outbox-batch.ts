import { Injectable, Logger } from '@nestjs/common';
import { EventEnvelope } from '@circulate/contracts';
import { EventPublisher } from '@circulate/platform/messaging';
import type { Model } from 'mongoose';

interface WithOutbox {
  _id: string;
  _outbox?: EventEnvelope[];
}

/**
 * Flushes the outboxes of many documents at once (a batch registration, a SKU fan-out): the
 * events are published concurrently, then pulled from their documents with one bulk write.
 * Like OutboxRelay.flush, a failure is logged and left to the relay's sweeper.
 */
@Injectable()
export class BatchOutboxFlusher {
  private readonly logger = new Logger(BatchOutboxFlusher.name);

  constructor(private readonly publisher: EventPublisher) {}

  async flush(model: Model<never>, ids: string[]): Promise<void> {
    const m = model as unknown as Model<WithOutbox>;
    try {
      for (let i = 0; i < ids.length; i += 500) {
        const slice = ids.slice(i, i + 500);
        const docs = await m.find({ _id: { $in: slice } }, { _outbox: 1 }).lean<WithOutbox[]>().exec();
        const pending = docs.filter((d) => d._outbox?.length);
        if (pending.length === 0) continue;
        // Publish in id order per document; documents in parallel, in bounded chunks.
        for (let j = 0; j < pending.length; j += 100) {
          await Promise.all(
            pending.slice(j, j + 100).map(async (d) => {
              for (const e of d._outbox ?? []) await this.publisher.publish(e);
            }),
          );
        }
        await m.bulkWrite(
          pending.map((d) => ({
            updateOne: {
              filter: { _id: d._id },
              update: { $pull: { _outbox: { id: { $in: (d._outbox ?? []).map((e) => e.id) } } } } as never,
            },
          })),
          { ordered: false },
        );
      }
    } catch (err) {
      this.logger.warn(`batch outbox flush of ${m.collection.collectionName} failed, the sweeper will retry: ${String(err)}`);
    }
  }
}
