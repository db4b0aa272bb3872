import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, ErrorCode, RequestContext, Role } from '@circulate/contracts';
import { ApiKeyStore, Principal } from './api-keys';

const PUBLIC = 'circulate:public';
const ROLES = 'circulate:roles';

/** No API key needed (health, docs). */
export const Public = () => SetMetadata(PUBLIC, true);
/** Which roles may call the route. Routes without it are admin-only. */
export const Allow = (...roles: Role[]) => SetMetadata(ROLES, roles);

/** The parts of a request (Fastify's, here) the guards and interceptors read and set. */
export interface AuthedRequest {
  headers: Record<string, string | string[] | undefined> & { authorization?: string };
  method: string;
  url: string;
  originalUrl?: string;
  ip?: string;
  body?: unknown;
  id?: string | number;
  principal?: Principal;
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeyStore,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'an API key is required: Authorization: Bearer <key>');
    const principal = this.keys.find(match[1]);
    if (!principal) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'unknown API key');
    req.principal = principal;
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES, targets) ?? ['admin'];
    if (!allowed.includes(principal.role)) {
      throw new DomainError(ErrorCode.FORBIDDEN, `the ${principal.role} role may not do this`);
    }
    return true;
  }
}

/** The request context passed on to the services: tenant, role and request id. */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext => {
  const req = context.switchToHttp().getRequest<AuthedRequest>();
  if (!req.principal) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'an API key is required');
  return { tenantId: req.principal.tenantId, role: req.principal.role, requestId: req.id ? String(req.id) : undefined };
});
