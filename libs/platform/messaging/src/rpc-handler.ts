import 'reflect-metadata';
import { Controller, Type } from '@nestjs/common';
import { RequestContext, RpcDef, RpcHandlerFn } from '@circulate/contracts';

const HANDLES = 'circulate:rpc:handles';

/** What `@Handles` records on a controller class: which method answers which subject. */
export interface RpcRoute {
  def: RpcDef<unknown, unknown>;
  method: string;
  /** The request's class (the definition's, else the method's design:paramtypes[1]), validated on receipt. */
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
    routes.push({ def: def as RpcDef<unknown, unknown>, method, dataType: def.request ?? params[1] });
    Reflect.defineMetadata(HANDLES, routes, target.constructor);
  };
}

/** The `@Handles` routes of a controller class (its own and its parents'). */
export function rpcRoutesOf(type: unknown): RpcRoute[] {
  return (Reflect.getMetadata(HANDLES, type as object) as RpcRoute[] | undefined) ?? [];
}

/** One subject answered by a function: what `rpcHandlers` builds and RpcServer serves. */
export interface RpcBinding {
  def: RpcDef<unknown, unknown>;
  handler: (ctx: RequestContext, data: unknown) => unknown;
}

/** For each definition of `calls`, at most one handler of its request and reply types. */
export type RpcHandlerTable<C> = {
  [K in keyof C]?: C[K] extends RpcDef<infer TReq, infer TRes> ? RpcHandlerFn<TReq, TRes> : never;
};

/**
 * A controller's handlers as a table over a service's definitions, one line each: the request
 * is validated on receipt against the definition's class, and each function compiles only
 * with the definition's request and reply types (`ctx` and `data` are typed by it). Expose
 * the result as the controller's `rpc` field:
 *
 *     readonly rpc = rpcHandlers(InventoryCalls, { getSku: (ctx, d) => this.skus.get(ctx, d.id) });
 */
export function rpcHandlers<C extends Record<string, unknown>>(calls: C, table: RpcHandlerTable<C>): RpcBinding[] {
  return Object.entries(table).map(([key, handler]) => {
    const def = calls[key] as RpcDef<unknown, unknown> | undefined;
    if (!def?.name) throw new Error(`rpcHandlers: no definition ${key}`);
    return { def, handler: handler as RpcBinding['handler'] };
  });
}

type Instances<D extends readonly Type<unknown>[]> = { [K in keyof D]: D[K] extends Type<infer T> ? T : never };

/**
 * A NATS controller that is only its table: `deps` are injected (in order) into `handlers`,
 * which answers the `rpcHandlers` bindings.
 *
 *     export const SkusController = rpcController([SkusService], (skus) =>
 *       rpcHandlers(InventoryCalls, { getSku: (ctx, d) => skus.get(ctx, d.id) }));
 */
export function rpcController<const D extends readonly Type<unknown>[]>(
  deps: D,
  handlers: (...deps: Instances<D>) => RpcBinding[],
): Type<{ rpc: RpcBinding[] }> {
  class TableController {
    readonly rpc: RpcBinding[];
    constructor(...injected: unknown[]) {
      this.rpc = handlers(...(injected as Instances<D>));
    }
  }
  // Named for what it serves (logs, Nest's errors): e.g. `SkusService+Controller`.
  Object.defineProperty(TableController, 'name', { value: `${deps.map((d) => d.name).join('+')}+Controller` });
  Reflect.defineMetadata('design:paramtypes', [...deps], TableController);
  Controller()(TableController);
  return TableController;
}

/** The `rpcHandlers` bindings of a controller instance (its `rpc` field), if any. */
export function rpcBindingsOf(instance: unknown): RpcBinding[] {
  const rpc = (instance as { rpc?: unknown } | null)?.rpc;
  return Array.isArray(rpc) ? (rpc as RpcBinding[]) : [];
}
