import { Type } from 'class-transformer';
import { IsDefined, IsObject, ValidateNested } from 'class-validator';
import { RequestContext } from './context';
import type { TenantId } from './ids';

/** Every request over NATS: who asks, and what. `data` is validated by the handler's DTO. */
export class RpcEnvelope<T = unknown> {
  @IsDefined()
  @ValidateNested()
  @Type(() => RequestContext)
  ctx!: RequestContext;

  @IsObject()
  data!: T;
}

/** Every fact on JetStream. `id` is also the Nats-Msg-Id, so re-publishing is de-duplicated. */
export interface EventEnvelope<T = unknown> {
  id: string;
  /** The event name (subject suffix), e.g. `inventory.location.created.v1`. */
  type: string;
  tenantId: TenantId;
  /** The aggregate the fact is about, and its version after the change. */
  aggregateId: string;
  aggregateVersion: number;
  occurredAt: string;
  requestId?: string;
  data: T;
}
