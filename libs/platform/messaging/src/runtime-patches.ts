import { AsyncResource } from 'node:async_hooks';

/**
 * Two per-request costs of the runtime and a library, measured on the order path (bench, issue 13)
 * and removed here, once per process (runMain and NatsConnectionService apply them; idempotent):
 *
 *  - Node 20's `AsyncResource#bind` defines a deprecated `asyncResource` accessor pair on every
 *    bound function, each made by `util.deprecate`: Fastify's body parser and Nest's interceptor
 *    chain bind several functions per request, and those two `deprecate` calls were 8% of the
 *    gateway's CPU. The replacement binds the same way (the function runs in the resource's async
 *    scope, with `this` and the arguments passed on, `length` kept) without the accessors, which
 *    Node deprecated (DEP0172) and nothing here reads.
 *  - nats.js settles a request and then calls `cancel()`, which builds a `Cancelled` NatsError (a
 *    stack trace) to reject the promise it has just resolved: 4% of the orders service's CPU. A
 *    request that has settled now unsubscribes and stops its timer without building one; one
 *    cancelled before its answer still rejects with `Cancelled`.
 */
export function applyRuntimePatches(): void {
  leanAsyncResourceBind();
  quietSettledRequests();
}

const PATCHED = Symbol.for('circulate.runtime-patched');
type Patchable = { [PATCHED]?: true };

function leanAsyncResourceBind(): void {
  const proto = AsyncResource.prototype as AsyncResource & Patchable;
  if (proto[PATCHED]) return;
  proto.bind = function bind<Func extends (...args: never[]) => unknown>(
    this: AsyncResource,
    fn: Func,
    thisArg?: unknown,
  ): Func {
    if (typeof fn !== 'function') throw new TypeError('The "fn" argument must be of type function');
    const run = this.runInAsyncScope.bind(this);
    const bound =
      thisArg === undefined
        ? function (this: unknown, ...args: unknown[]) {
            return run(fn as unknown as (...a: unknown[]) => unknown, this, ...args);
          }
        : function (...args: unknown[]) {
            return run(fn as unknown as (...a: unknown[]) => unknown, thisArg, ...args);
          };
    Object.defineProperty(bound, 'length', { configurable: true, value: fn.length });
    return bound as unknown as Func;
  } as AsyncResource['bind'];
  proto[PATCHED] = true;
}

interface RequestOneLike extends Patchable {
  resolver(err: Error | null, msg: unknown): void;
  cancel(err?: Error): void;
}
interface RequestOneState {
  settled?: boolean;
  timer?: { cancel(): void };
  mux: { cancel(r: unknown): void };
}

function quietSettledRequests(): void {
  // Internal module of nats.js 2.x (no `exports` map); the shape is checked before patching.
  const { RequestOne } = require('nats/lib/nats-base-client/request') as {
    RequestOne?: { prototype: RequestOneLike };
  };
  const proto = RequestOne?.prototype;
  if (!proto || proto[PATCHED] || typeof proto.resolver !== 'function' || typeof proto.cancel !== 'function') return;
  const resolver = proto.resolver;
  const cancel = proto.cancel;
  proto.resolver = function (this: RequestOneLike & RequestOneState, err, msg) {
    this.settled = true;
    resolver.call(this, err, msg);
  };
  proto.cancel = function (this: RequestOneLike & RequestOneState, err?: Error) {
    if (err || !this.settled) return cancel.call(this, err);
    this.timer?.cancel();
    this.mux.cancel(this);
  };
  proto[PATCHED] = true;
}
