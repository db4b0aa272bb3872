import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { EventEnvelope, Money, OrderChannel, OrderConflict, OrderLine, OrderShortage } from '@circulate/contracts';
import { Schema as MongooseSchema } from 'mongoose';

/**
 * Saga states besides the public ones, kept so that documents written by earlier versions still
 * read: `pending`, `refused`, `abandoned`. Orders are now stored once reserved (the saga's
 * progress lives in the journal, OrderSagaJournal), so new documents never carry them; none is
 * visible through the API.
 */
export const HiddenStatuses = ['pending', 'refused', 'abandoned'] as const;
export type StoredStatus =
  (typeof HiddenStatuses)[number] | 'reserved' | 'confirmed' | 'active' | 'completed' | 'cancelled' | 'expired';

@Schema({ collection: 'orders', timestamps: false, versionKey: false, minimize: false })
export class OrderDoc {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  tenantId!: string;

  /** The request's Idempotency-Key, or `~<order id>` without one (the order id is derived from it). */
  @Prop({ required: true })
  idemKey!: string;

  /** SHA-256 of the canonical request body: the same key with another body is refused. */
  @Prop({ required: true })
  requestHash!: string;

  @Prop({ required: true })
  number!: string;

  @Prop({ type: String, required: true })
  status!: StoredStatus;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  customer!: { name: string; email?: string };

  @Prop({ type: String, required: true })
  channel!: OrderChannel;

  @Prop({ required: true })
  locationId!: string;

  @Prop({ type: [MongooseSchema.Types.Mixed], default: [] })
  lines!: OrderLine[];

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  total!: Money;

  @Prop({ type: Date, default: null })
  holdExpiresAt!: Date | null;

  @Prop({ type: [MongooseSchema.Types.Mixed], default: [] })
  shortages!: OrderShortage[];

  @Prop({ type: [MongooseSchema.Types.Mixed], default: [] })
  conflicts!: OrderConflict[];

  /** The earliest end of a rental line with units still out (null: none out): `overdue` once past. */
  @Prop({ type: Date, default: null })
  outUntil!: Date | null;

  /** The `outUntil` whose `overdue` fact was published (null: none yet). */
  @Prop({ type: Date, default: null })
  overdueNotified?: Date | null;

  /** The span of the order's rental periods (purchase-only orders: the creation instant). */
  @Prop({ type: Date, required: true })
  periodStart!: Date;

  @Prop({ type: Date, required: true })
  periodEnd!: Date;

  @Prop({ required: true, default: 1 })
  version!: number;

  @Prop({ type: [Object], default: [] })
  _outbox!: EventEnvelope[];

  /** The group commit (one `insertMany`) that stored the order: how many orders shared a write. */
  @Prop({ type: String, default: null })
  insertBatch?: string | null;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, required: true })
  updatedAt!: Date;
}

export const OrderSchema = SchemaFactory.createForClass(OrderDoc);
// The saga's idempotency rests on `_id` itself: an order's id is derived from its tenant and
// Idempotency-Key (orderIdFor), so no second unique index is kept up to date on every insert.
OrderSchema.index({ tenantId: 1, status: 1, _id: 1 }, { name: 'tenant_status' });
