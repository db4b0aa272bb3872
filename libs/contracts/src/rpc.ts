import type { RequestContext } from './context';
import type { ErrorPayload } from './errors';

/**
 * One request-reply subject with its request and reply types, defined once (in the owning
 * service's `rpc.ts`) and used by the caller (`RpcClient.call(def, ctx, data)` answers `TRes`)
 * and by the handler (`@Handles(def)` compiles only on a method `(ctx, data: TReq) => TRes`).
 * The types live on phantom fields: only `name` and the request's class exist at run time.
 */
export interface RpcDef<TReq, TRes> {
  /** The subject name (versioned), e.g. `availability.listing.check.v1`; `rpcSubject()` namespaces it. */
  readonly name: string;
  /** The request's class (class-validator decorators), validated on receipt; none: passed as it is. */
  readonly request?: RequestClass<TReq>;
  /** Set when a tenant's state lives on one replica (its owner): callers send straight there. */
  readonly owner?: OwnerRoute<TReq>;
  /** Phantom: the request payload type (never set). */
  readonly __request?: (req: TReq) => void;
  /** Phantom: the reply type (never set). */
  readonly __reply?: () => TRes;
}

/** A class whose instances are requests of type `TReq`. */
export type RequestClass<TReq> = abstract new (...args: never[]) => TReq;

/**
 * `request`: the request's class, validated on receipt; `owner`: the route to a tenant's owner
 * replica, for subjects whose tenant state lives on one.
 */
export function defineRpc<TReq, TRes>(
  name: string,
  options: { request?: RequestClass<TReq>; owner?: OwnerRoute<TReq> } = {},
): RpcDef<TReq, TRes> {
  const { request, owner } = options;
  return Object.freeze({ name, ...(request ? { request } : {}), ...(owner ? { owner } : {}) });
}

/**
 * The route to a tenant's owner: the subject only the owner subscribes to, the operation the
 * owner runs, and whether a request whose answer was lost may be sent again (then a silent
 * owner means: ask the shared subject, where another replica takes the tenant over).
 */
export interface OwnerRoute<TReq> {
  readonly subjectOf: (tenantId: string) => string;
  readonly op: string;
  readonly repeatable: (data: TReq) => boolean;
}

/** What goes to an owner's subject, and what it answers. */
export interface OwnerPacket {
  readonly op: string;
  readonly ctx: RequestContext;
  readonly data: unknown;
}
export type OwnerReply = { ok: true; value: unknown } | { ok: false; error: ErrorPayload };

export type RpcRequestOf<D> = D extends RpcDef<infer TReq, unknown> ? TReq : never;
export type RpcReplyOf<D> = D extends RpcDef<never, infer TRes> ? TRes : never;

/**
 * What a handler of `RpcDef<TReq, TRes>` may look like: it takes the request context and the
 * request (it may ignore either, from the right) and answers `TRes` or a promise of it.
 */
export type RpcHandlerFn<TReq, TRes> =
  | (() => TRes | Promise<TRes>)
  | ((ctx: RequestContext) => TRes | Promise<TRes>)
  | ((ctx: RequestContext, data: TReq) => TRes | Promise<TRes>);
