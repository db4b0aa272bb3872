import { Body, Controller, HttpCode, Param, Query, RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequestClass, RequestContext, Role, RpcDef } from '@circulate/contracts';
import { RpcClient } from '@circulate/platform/messaging';
import { Allow, Ctx } from '../auth/auth.guard';

/** Path parameters a route may name (`:id`, `:slug`); they are added to the forwarded request. */
type PathParam = 'id' | 'slug';
type Verb = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One gateway route that validates its input and forwards it to one typed subject. */
export interface Forward {
  name: string;
  verb: Verb;
  path: string;
  def: RpcDef<unknown, unknown>;
  roles: readonly Role[];
  /** The body's class (POST, PATCH) or the query's (GET), validated by the global pipe. */
  body?: RequestClass<unknown>;
  query?: RequestClass<unknown>;
  timeoutMs?: number;
}

interface ForwardOptions<TReq> {
  roles: readonly Role[];
  body?: RequestClass<Omit<TReq, PathParam>>;
  query?: RequestClass<Omit<TReq, PathParam>>;
  timeoutMs?: number;
}

/**
 * `name: verb path → def`: the request forwarded is the validated body or query with the path
 * parameters added; it compiles only when the input's class carries the definition's fields.
 */
export function forward<TReq, TRes>(
  name: string,
  route: Verb | `${Verb} ${string}`,
  def: RpcDef<TReq, TRes>,
  options: ForwardOptions<TReq>,
): Forward {
  const [verb, path = ''] = route.split(' ') as [Verb, string?];
  return { name, verb, path, def: def as unknown as RpcDef<unknown, unknown>, ...options } as Forward;
}

const METHODS: Record<Verb, RequestMethod> = {
  GET: RequestMethod.GET,
  POST: RequestMethod.POST,
  PATCH: RequestMethod.PATCH,
  DELETE: RequestMethod.DELETE,
};

/**
 * A gateway controller under `prefix` made of `forward` routes (in order: a literal segment
 * such as `lookup` goes before `:id`). Each is a method as if written by hand: the verb and
 * path, 201 on POST and 204 on DELETE, `@Allow(roles)`, `@Ctx()`, `@Param` per path
 * parameter and `@Body`/`@Query` with their classes (validation, OpenAPI, UnknownQueryGuard).
 */
export function forwardController(prefix: string, routes: readonly Forward[]): Type<unknown> {
  @ApiTags(prefix)
  @ApiBearerAuth()
  @Controller(prefix)
  class ForwardController {
    constructor(readonly rpc: RpcClient) {}
  }
  for (const route of routes) defineRoute(ForwardController.prototype, route);
  return ForwardController;
}

function defineRoute(proto: { rpc: RpcClient }, route: Forward): void {
  const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
  const input = route.body ?? route.query;
  const handler = {
    async [route.name](this: { rpc: RpcClient }, ctx: RequestContext, ...args: unknown[]): Promise<unknown> {
      const given = input ? args[params.length] : undefined;
      const request = params.length
        ? { ...(given as object), ...Object.fromEntries(params.map((p, i) => [p, args[i]])) }
        : (given ?? {});
      const answer = await this.rpc.call(route.def, ctx, request, route.timeoutMs);
      return route.verb === 'DELETE' ? undefined : answer;
    },
  }[route.name];
  Object.defineProperty(proto, route.name, { value: handler, writable: true, configurable: true });
  const descriptor = Object.getOwnPropertyDescriptor(proto, route.name) as PropertyDescriptor;
  Reflect.defineMetadata(PATH_METADATA, route.path || '/', handler);
  Reflect.defineMetadata(METHOD_METADATA, METHODS[route.verb], handler);
  const status = route.verb === 'POST' ? 201 : route.verb === 'DELETE' ? 204 : undefined;
  if (status) HttpCode(status)(proto, route.name, descriptor);
  Allow(...route.roles)(proto, route.name, descriptor);
  Ctx()(proto, route.name, 0);
  params.forEach((p, i) => Param(p)(proto, route.name, i + 1));
  if (route.body) Body()(proto, route.name, params.length + 1);
  if (route.query) Query()(proto, route.name, params.length + 1);
  const types = [RequestContext, ...params.map(() => String), ...(input ? [input] : [])];
  Reflect.defineMetadata('design:paramtypes', types, proto, route.name);
  Reflect.defineMetadata('design:returntype', Promise, proto, route.name);
}
