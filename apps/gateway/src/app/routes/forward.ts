import { Body, Controller, Headers, HttpCode, Param, Query, RequestMethod, Res, Type } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
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
  /** The subject forwarded to (none when the route has its own `answer`). */
  def?: RpcDef<unknown, unknown>;
  roles: readonly Role[];
  /** The body's class (POST, PATCH) or the query's (GET), validated by the global pipe. */
  body?: RequestClass<unknown>;
  query?: RequestClass<unknown>;
  rawQuery?: (query: Record<string, unknown>, params: Record<string, string>) => unknown;
  answer?: Answer<unknown>;
  header?: { name: string; field: string };
  timeoutMs?: number;
  status?: number;
  summary?: string;
}

interface CommonOptions {
  roles: readonly Role[];
  timeoutMs?: number;
  /** The answer's status when not the verb's usual one (POST 201, DELETE 204, else 200). */
  status?: number;
  /** OpenAPI summary: what a route whose query has no class takes. */
  summary?: string;
}

interface ForwardOptions<TReq> extends CommonOptions {
  body?: RequestClass<Omit<TReq, PathParam>>;
  query?: RequestClass<Omit<TReq, PathParam>>;
  /** A request header passed on as a field of the request when the caller sent it. */
  header?: { name: string; field: keyof TReq & string };
}

/** A route that answers itself (pages joined, a stream) from its validated query and the reply. */
export type Answer<TIn> = (rpc: RpcClient, ctx: RequestContext, input: TIn, reply: FastifyReply) => Promise<unknown>;

interface AnswerOptions<TIn> extends CommonOptions {
  query: RequestClass<TIn>;
  answer: Answer<TIn>;
}

interface RawQueryOptions<TReq> extends CommonOptions {
  /** The query string as received made into the request (keys no class can list, validated by the service). */
  rawQuery: (query: Record<string, unknown>, params: Record<string, string>) => TReq;
}

/**
 * `name: verb path → def`: the request forwarded is the validated body or query with the path
 * parameters added; it compiles only when the input's class carries the definition's fields.
 */
export function forward<TReq, TRes>(
  name: string,
  route: Verb | `${Verb} ${string}`,
  def: RpcDef<TReq, TRes>,
  options: ForwardOptions<TReq> | RawQueryOptions<TReq>,
): Forward;
/** `name: verb path`, answered by `answer` (it calls what it needs). */
export function forward<TIn>(name: string, route: Verb | `${Verb} ${string}`, options: AnswerOptions<TIn>): Forward;
export function forward<TReq, TRes>(
  name: string,
  route: Verb | `${Verb} ${string}`,
  defOrOptions: RpcDef<TReq, TRes> | AnswerOptions<unknown>,
  options?: ForwardOptions<TReq> | RawQueryOptions<TReq>,
): Forward {
  if (!options) {
    const [verb, path = ''] = route.split(' ') as [Verb, string?];
    return { name, verb, path, ...(defOrOptions as AnswerOptions<unknown>) } as Forward;
  }
  const def = defOrOptions as RpcDef<TReq, TRes>;
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
 * path, 201 on POST and 204 on DELETE (or `status`), `@Allow(roles)`, `@Ctx()`, `@Param` per
 * path parameter and `@Body`/`@Query` with their classes (validation, OpenAPI, UnknownQueryGuard).
 */
export function forwardController(prefix: string, routes: readonly Forward[], tag = prefix): Type<unknown> {
  @ApiTags(tag)
  @ApiBearerAuth()
  @Controller(prefix)
  class ForwardController {
    constructor(readonly rpc: RpcClient) {}
  }
  for (const route of routes) defineRoute(ForwardController.prototype, route);
  return ForwardController;
}

function defineRoute(proto: { rpc: RpcClient }, route: Forward): void {
  const { def } = route;
  if (!def && !route.answer) throw new Error(`route ${route.name}: neither a definition nor an answer`);
  const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
  const input = route.body ?? route.query ?? (route.rawQuery ? Object : undefined);
  const handler = {
    async [route.name](this: { rpc: RpcClient }, ctx: RequestContext, ...args: unknown[]): Promise<unknown> {
      const given = input ? args[params.length] : undefined;
      if (route.answer || !def) return route.answer?.(this.rpc, ctx, given, args[params.length + 1] as FastifyReply);
      const named: Record<string, string> = Object.fromEntries(params.map((p, i) => [p, args[i] as string]));
      const request = route.rawQuery
        ? route.rawQuery({ ...(given as Record<string, unknown>) }, named)
        : params.length
          ? { ...(given as object), ...named }
          : (given ?? {});
      const header = route.header ? (args[params.length + (input ? 1 : 0)] as string | undefined) : undefined;
      if (header && route.header) Object.assign(request as object, { [route.header.field]: header });
      const answer = await this.rpc.call(def, ctx, request, route.timeoutMs);
      return route.verb === 'DELETE' ? undefined : answer;
    },
  }[route.name];
  Object.defineProperty(proto, route.name, { value: handler, writable: true, configurable: true });
  const descriptor = Object.getOwnPropertyDescriptor(proto, route.name) as PropertyDescriptor;
  Reflect.defineMetadata(PATH_METADATA, route.path || '/', handler);
  Reflect.defineMetadata(METHOD_METADATA, METHODS[route.verb], handler);
  const status = route.status ?? (route.verb === 'POST' ? 201 : route.verb === 'DELETE' ? 204 : undefined);
  if (status) HttpCode(status)(proto, route.name, descriptor);
  if (route.summary) ApiOperation({ summary: route.summary })(proto, route.name, descriptor);
  Allow(...route.roles)(proto, route.name, descriptor);
  Ctx()(proto, route.name, 0);
  params.forEach((p, i) => Param(p)(proto, route.name, i + 1));
  if (route.body) Body()(proto, route.name, params.length + 1);
  if (route.query || route.rawQuery) Query()(proto, route.name, params.length + 1);
  if (route.answer) Res({ passthrough: true })(proto, route.name, params.length + 2);
  if (route.header) Headers(route.header.name)(proto, route.name, params.length + (input ? 2 : 1));
  const types = [
    RequestContext,
    ...params.map(() => String),
    ...(input ? [input] : []),
    ...(route.answer ? [Object] : []),
  ];
  Reflect.defineMetadata('design:paramtypes', types, proto, route.name);
  Reflect.defineMetadata('design:returntype', Promise, proto, route.name);
}
