import { Prop, Schema } from '@nestjs/mongoose';
import type { EventEnvelope, TenantId } from '@circulate/contracts';

/**
 * What every aggregate document carries: its id, its tenant, its version and the outbox its
 * events wait in until published (written in the same document write as the change). A schema
 * class extends it (`@nestjs/mongoose` collects the parents' props); `createdAt`/`updatedAt` are
 * mongoose's (`timestamps: true`), or set by the repository (`StampedAggregateDoc`).
 */
@Schema()
export abstract class AggregateDoc {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true, index: true })
  tenantId!: TenantId;

  @Prop({ required: true, default: 1 })
  version!: number;

  @Prop({ type: [Object], default: [] })
  _outbox!: EventEnvelope[];

  createdAt!: Date;
  updatedAt!: Date;
}

/**
 * An aggregate whose timestamps the repository sets (`timestamps: false`): the outbox relay's
 * own write must not move `updatedAt`.
 */
@Schema()
export abstract class StampedAggregateDoc extends AggregateDoc {
  @Prop({ type: Date, required: true })
  declare createdAt: Date;

  @Prop({ type: Date, required: true })
  declare updatedAt: Date;
}
