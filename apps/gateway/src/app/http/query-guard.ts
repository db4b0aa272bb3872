import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DomainError, ErrorCode } from '@circulate/contracts';

/**
 * Unknown fields are a 400, in a query string too. A route that takes a query validates it with
 * its DTO (whitelisted, unknown keys refused); a route that declares none has no parameters to
 * accept, so any query parameter is refused here rather than silently ignored.
 */
@Injectable()
export class UnknownQueryGuard implements CanActivate {
  private readonly takesQuery = new WeakMap<object, boolean>();

  canActivate(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let takes = this.takesQuery.get(handler);
    if (takes === undefined) {
      const args: Record<string, unknown> =
        Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {};
      takes = Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.QUERY));
      this.takesQuery.set(handler, takes);
    }
    if (takes) return true;
    const query = (context.switchToHttp().getRequest() as { query?: Record<string, unknown> }).query ?? {};
    const unknown = Object.keys(query);
    if (unknown.length === 0) return true;
    throw new DomainError(
      ErrorCode.VALIDATION_FAILED,
      `this route takes no query parameters (got ${unknown.join(', ')})`,
      unknown.map((field) => ({ field, message: 'unknown query parameter' })),
    );
  }
}
