import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { AggregateDoc } from '@circulate/platform/persistence';
import type { Attributes, Money } from '@circulate/contracts';

@Schema({ collection: 'skus', timestamps: true, versionKey: false, minimize: false })
export class SkuDoc extends AggregateDoc {
  /** Unique per tenant. A deleted SKU's tombstone carries `~deleted~<id>` so the code is free again. */
  @Prop({ required: true })
  code!: string;

  @Prop({ required: true })
  name!: string;

  @Prop({ type: [String], default: [] })
  category!: string[];

  @Prop({ type: Object, default: {} })
  attributes!: Attributes;

  @Prop({ type: Object, required: false })
  purchasePrice?: Money | null;

  @Prop({ type: String, required: false })
  description?: string | null;

  /** Set while a deletion is being carried out (tombstone); such a SKU no longer exists for readers. */
  @Prop({ type: Date, required: false })
  deletedAt?: Date;
}

export const SkuSchema = SchemaFactory.createForClass(SkuDoc);
SkuSchema.index({ tenantId: 1, code: 1 }, { unique: true, name: 'tenant_code_unique' });
