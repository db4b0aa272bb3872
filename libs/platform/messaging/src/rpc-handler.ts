import 'reflect-metadata';
import { RpcDef, RpcHandlerFn } from '@circulate/contracts';

const HANDLES = 'circulate:rpc:handles';

/** What `@Handles` records on a controller class: which method answers which subject. */
export interface RpcRoute {
  def: RpcDef<unknown, unknown>;
  method: string;
  /** The class the method declares for its request (design:paramtypes[1]), validated on receipt. */
  dataType?: unknown;
}

/**
 * Marks a controller method as the handler of one typed subject, served by RpcServer (a lean
 * NATS subscriber). The method is `(ctx, data) => reply`: `ctx` is the validated RequestContext,
 * `data` the request validated against the class the method declares (whitelisted, unknown
 * fields refused). It compiles only when the method takes the definition's request type (or
 * less) and answers its reply type:
 *
 *     @Handles(AvailabilityCalls.checkAvailability)
 *     check(ctx: RequestContext, data: ListingAvailabilityRequest): ListingAvailability { … }
 */
export function Handles<TReq, TRes>(def: RpcDef<TReq, TRes>) {
  return <F extends RpcHandlerFn<TReq, TRes>>(
    target: object,
    key: string | symbol,
    _descriptor: TypedPropertyDescriptor<F>,
  ) => {
    const method = String(key);
    const params = (Reflect.getMetadata('design:paramtypes', target, key) as unknown[] | undefined) ?? [];
    const routes: RpcRoute[] = [...rpcRoutesOf(target.constructor)];
    routes.push({ def: def as RpcDef<unknown, unknown>, method, dataType: params[1] });
    Reflect.defineMetadata(HANDLES, routes, target.constructor);
  };
}

/** The `@Handles` routes of a controller class (its own and its parents'). */
export function rpcRoutesOf(type: unknown): RpcRoute[] {
  return (Reflect.getMetadata(HANDLES, type as object) as RpcRoute[] | undefined) ?? [];
}

/**
 * @deprecated Labels that do nothing: `@Handles` methods get `(ctx, data)` by position from
 * RpcServer, which validates both. Kept only while apps/orders still labels its parameters.
 */
export const RpcCtx = (): ParameterDecorator => () => undefined;
/** @deprecated See `RpcCtx`. */
export const RpcData = (): ParameterDecorator => () => undefined;
