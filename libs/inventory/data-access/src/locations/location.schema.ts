import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { AggregateDoc } from '@circulate/platform/persistence';

@Schema({ collection: 'locations', timestamps: true, versionKey: false })
export class LocationDoc extends AggregateDoc {
  @Prop({ required: true })
  name!: string;

  // No default: an absent code must stay absent so the sparse unique index skips it.
  @Prop({ type: String, required: false })
  code?: string;

  @Prop({ type: String, required: false })
  codeKey?: string;

  @Prop({ required: true, default: 'UTC' })
  timeZone!: string;
}

export const LocationSchema = SchemaFactory.createForClass(LocationDoc);
// A location code is unique per tenant when given. The unique key is one scalar field,
// `${tenantId}:${code}`, set only when there is a code: a sparse single-field index skips
// code-less locations on MongoDB and FerretDB alike (a sparse *compound* index would not on
// MongoDB, because tenantId is always present).
LocationSchema.index({ codeKey: 1 }, { unique: true, sparse: true, name: 'tenant_code_unique' });
