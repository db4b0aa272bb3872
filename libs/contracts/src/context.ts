import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { TENANT_ID_PATTERN, TenantId } from './ids';

export const Roles = ['admin', 'staff', 'storefront'] as const;
export type Role = (typeof Roles)[number];

/** Who is asking, carried in every NATS message. Every query is scoped by `tenantId`. */
export class RequestContext {
  @IsString()
  @Matches(TENANT_ID_PATTERN)
  tenantId!: TenantId;

  @IsIn(Roles)
  role!: Role;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  requestId?: string;
}
