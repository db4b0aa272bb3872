import type { RequestContext } from './context';

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
  /** Phantom: the request payload type (never set). */
  readonly __request?: (req: TReq) => void;
  /** Phantom: the reply type (never set). */
  readonly __reply?: () => TRes;
}

/** A class whose instances are requests of type `TReq`. */
export type RequestClass<TReq> = abstract new (...args: never[]) => TReq;

export function defineRpc<TReq, TRes>(name: string, request?: RequestClass<TReq>): RpcDef<TReq, TRes> {
  return Object.freeze(request ? { name, request } : { name });
}

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
