import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { StampedAggregateDoc } from '@circulate/platform/persistence';
import type { FulfillmentRule, ListingChannels, ListingStatus, PriceTable, VariantAxis } from '@circulate/contracts';
import { Schema as MongooseSchema } from 'mongoose';

// minimize: false keeps empty objects (`seo: {}`, `attributes: {}`) as the client sent them.
// Timestamps are set by the repository: the outbox relay's own write must not move `updatedAt`.
@Schema({ collection: 'listings', timestamps: false, versionKey: false, minimize: false })
export class ListingDoc extends StampedAggregateDoc {
  @Prop({ required: true })
  name!: string;

  @Prop({ type: String, default: '' })
  description!: string;

  @Prop({ required: true })
  slug!: string;

  @Prop({ type: String, required: true })
  status!: ListingStatus;

  @Prop({ type: [MongooseSchema.Types.Mixed], default: [] })
  media!: { url: string; alt?: string }[];

  @Prop({ type: MongooseSchema.Types.Mixed, default: () => ({}) })
  seo!: { title?: string; description?: string; ogImage?: string };

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  channels!: ListingChannels;

  @Prop({ type: [String], default: [] })
  locationIds!: string[];

  @Prop({ type: [MongooseSchema.Types.Mixed], default: [] })
  variants!: VariantAxis[];

  @Prop({ type: [MongooseSchema.Types.Mixed], default: [] })
  priceTables!: PriceTable[];

  @Prop({ type: [MongooseSchema.Types.Mixed], default: [] })
  fulfillmentRules!: FulfillmentRule[];
}

export const ListingSchema = SchemaFactory.createForClass(ListingDoc);
// A slug is unique per tenant (scalar field: enforced on every backend, FerretDB included).
ListingSchema.index({ tenantId: 1, slug: 1 }, { unique: true, name: 'tenant_slug_unique' });
ListingSchema.index({ tenantId: 1, status: 1, _id: 1 }, { name: 'tenant_status' });
