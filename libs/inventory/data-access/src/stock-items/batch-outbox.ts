import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectModel, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { DomainError, ErrorCode, ok, type EventEnvelope, TenantId } from '@circulate/contracts';
import { AggregateWriter, OutboxRelay } from '@circulate/platform/messaging';
import { Owned, TenantRepository } from '@circulate/platform/persistence';
import type { Model } from 'mongoose';
import { StockItemDoc } from './stock-item.schema';

/**
 * The events of one batch registration, kept in ONE document instead of one outbox per item:
 * on FerretDB v1 every single-document update scans its collection, so pulling a thousand
 * item outboxes took longer than the request's timeout.
 *
 * Crash safety without transactions: the document is written first with its events `staged`
 * (not yet publishable), then the items are inserted, then one update moves the events into
 * the `_outbox` the relay publishes. A staged document older than a minute was left by a
 * crash: if its items exist the events are committed, otherwise the document is dropped.
 */
@Schema({ collection: 'stock_item_batches', versionKey: false })
export class StockItemBatchDoc {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  tenantId!: TenantId;

  @Prop({ type: [String], required: true })
  stockItemIds!: string[];

  @Prop({ type: [Object], default: [] })
  staged!: EventEnvelope[];

  @Prop({ type: [Object], default: [] })
  _outbox!: EventEnvelope[];

  @Prop({ type: Date, required: true })
  createdAt!: Date;
}

export const StockItemBatchSchema = SchemaFactory.createForClass(StockItemBatchDoc);

const RECOVER_AFTER_MS = 60_000;

@Injectable()
export class BatchOutbox
  extends TenantRepository<StockItemBatchDoc, StockItemBatchDoc>
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(BatchOutbox.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectModel(StockItemBatchDoc.name) model: Model<StockItemBatchDoc>,
    @InjectModel(StockItemDoc.name) private readonly items: Model<StockItemDoc>,
    private readonly outbox: OutboxRelay,
    private readonly writer: AggregateWriter,
  ) {
    super(model);
  }

  protected toPlain(doc: StockItemBatchDoc): StockItemBatchDoc {
    return doc;
  }

  override async onModuleInit(): Promise<void> {
    this.outbox.register(this.model);
    await super.onModuleInit();
  }

  /** The batch as its tenant owns it (AggregateStore). */
  loadOwned(tenantId: TenantId, id: string): Promise<Owned<StockItemBatchDoc> | null> {
    return this.findOwned<StockItemBatchDoc>(tenantId, id);
  }

  /** Step 1: the events, staged (not yet publishable). */
  async stage(tenantId: TenantId, id: string, stockItemIds: string[], events: EventEnvelope[]): Promise<void> {
    await this.collection.insertOne({
      _id: id,
      tenantId,
      stockItemIds,
      staged: events,
      _outbox: [],
      createdAt: new Date(),
    });
  }

  /** Step 3, after the items are stored: make the events publishable, publish them, drop the document. */
  async commit(tenantId: TenantId, id: string): Promise<void> {
    try {
      await this.writer.change(this, tenantId, id, {
        what: 'batch',
        decide: (doc) => ok(doc.staged?.length ? doc.staged : null),
        unchanged: () => undefined,
        write: async (doc, staged) => {
          await this.model.updateOne({ _id: doc._id }, { $set: { _outbox: staged, staged: [] } }).exec();
        },
        afterPublish: async (doc) => {
          await this.model.deleteOne({ _id: doc._id, '_outbox.0': { $exists: false } }).exec();
        },
      });
    } catch (err) {
      // Committed and removed meanwhile (the recovery and the request raced): nothing left to do.
      if (!(err instanceof DomainError && err.code === ErrorCode.NOT_FOUND)) throw err;
    }
  }

  /** The items were not stored: forget the staged events. */
  async discard(tenantId: TenantId, id: string): Promise<void> {
    await this.model.deleteOne({ _id: id, tenantId }).exec();
  }

  async recover(): Promise<void> {
    const old = await this.model
      .find(
        { 'staged.0': { $exists: true }, createdAt: { $lt: new Date(Date.now() - RECOVER_AFTER_MS) } },
        { _id: 1, tenantId: 1, stockItemIds: 1 },
      )
      .limit(20)
      .lean<StockItemBatchDoc[]>()
      .exec();
    for (const doc of old) {
      const stored = await this.items.exists({ _id: doc.stockItemIds[0] });
      if (stored) await this.commit(doc.tenantId, doc._id);
      else await this.discard(doc.tenantId, doc._id);
      this.logger.warn(`batch ${doc._id} left staged by a crash: ${stored ? 'committed' : 'discarded'}`);
    }
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.recover().catch((err: unknown) => this.logger.warn(`batch recovery failed: ${String(err)}`)),
      30_000,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
