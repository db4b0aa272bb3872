import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { AggregateDoc } from '@circulate/platform/persistence';
import type {
  LedgerEntry,
  StockItemOverridesShape,
  StockItemState,
  StockItemStatus,
  TimelineEntry,
  Tracking,
  TenantId,
} from '@circulate/contracts';

/**
 * One stock item with its ledger and timeline embedded: every change, its timeline entry, its
 * ledger entry and its outbox events are one atomic document write (no transactions needed).
 */
@Schema({ collection: 'stock_items', timestamps: true, versionKey: false, minimize: false })
export class StockItemDoc extends AggregateDoc {
  @Prop({ type: String, default: null })
  skuId!: string | null;

  @Prop({ type: String, required: true })
  tracking!: Tracking;

  @Prop({ required: true })
  quantity!: number;

  /** Copy of the codes for display; uniqueness lives in `stock_item_codes` (one document per code). */
  @Prop({ type: [String], default: [] })
  codes!: string[];

  @Prop({ required: true })
  locationId!: string;

  @Prop({ type: String, default: null })
  condition!: string | null;

  @Prop({ type: String, required: true })
  status!: StockItemStatus;

  @Prop({ type: Object, required: true })
  state!: StockItemState;

  @Prop({ type: Object, default: {} })
  overrides!: StockItemOverridesShape;

  @Prop({ type: [Object], default: [] })
  timeline!: TimelineEntry[];

  @Prop({ type: [Object], default: [] })
  ledger!: LedgerEntry[];

  /** Units each order has out (for returns), by order id. */
  @Prop({ type: Object, default: {} })
  outByOrder!: Record<string, number>;

  /** Keys of the order commands already applied (they are idempotent per order, item and operation). */
  @Prop({ type: [String], default: [] })
  appliedKeys!: string[];

  /**
   * Version of the linked SKU that the item's last snapshot event reflects (0: none). A SKU edit
   * re-publishes the snapshots of linked items below its version, so re-running it is harmless.
   */
  @Prop({ type: Number, default: 0 })
  skuVersion!: number;
}

export const StockItemSchema = SchemaFactory.createForClass(StockItemDoc);
StockItemSchema.index({ tenantId: 1, skuId: 1 }, { name: 'tenant_sku' });
StockItemSchema.index({ tenantId: 1, locationId: 1 }, { name: 'tenant_location' });

/** One document per code: `_id` = `<tenant>:<code>`, so uniqueness is atomic on every backend. */
@Schema({ collection: 'stock_item_codes', versionKey: false })
export class StockItemCodeDoc {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  tenantId!: TenantId;

  @Prop({ required: true })
  code!: string;

  @Prop({ required: true, index: true })
  stockItemId!: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;
}

export const StockItemCodeSchema = SchemaFactory.createForClass(StockItemCodeDoc);
