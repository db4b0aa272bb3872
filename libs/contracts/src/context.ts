import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export const Roles = ['admin', 'staff', 'storefront'] as const;
export type Role = (typeof Roles)[number];

/** Who is asking, carried in every NATS message. Every query is scoped by `tenantId`. */
export class RequestContext {
  @IsString()
  @Matches(/^[a-zA-Z0-9_-]{1,64}$/)
  tenantId!: string;

  @IsIn(Roles)
  role!: Role;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  requestId?: string;
}
