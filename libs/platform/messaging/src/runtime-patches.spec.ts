import { AsyncLocalStorage, AsyncResource, executionAsyncId } from 'node:async_hooks';
import { applyRuntimePatches } from './runtime-patches';

const { RequestOne } = require('nats/lib/nats-base-client/request');
const { NatsError, ErrorCode } = require('nats/lib/nats-base-client/core');

describe('applyRuntimePatches', () => {
  beforeAll(() => {
    applyRuntimePatches();
    applyRuntimePatches(); // idempotent
  });

  describe('AsyncResource#bind without the deprecated accessors', () => {
    it('runs the function in the resource scope with this, arguments and the async context of binding', () => {
      const als = new AsyncLocalStorage<string>();
      const resource = als.run('bound-here', () => new AsyncResource('test'));
      const seen: unknown[] = [];
      function target(this: unknown, a: number, b: number) {
        seen.push(this, a, b, als.getStore(), executionAsyncId() === resource.asyncId());
        return a + b;
      }
      const bound = resource.bind(target);
      const receiver = { name: 'receiver' };
      expect(als.run('elsewhere', () => bound.call(receiver, 1, 2))).toBe(3);
      expect(seen).toEqual([receiver, 1, 2, 'bound-here', true]);
      expect(bound.length).toBe(2);
      expect(Object.getOwnPropertyDescriptor(bound, 'asyncResource')).toBeUndefined();

      const withThis = AsyncResource.bind(
        function (this: unknown) {
          return this;
        },
        'static',
        receiver,
      );
      expect(withThis()).toBe(receiver);
      // Node's core prototypes are shared by every test file of a worker, so the patch may come
      // from another file's module realm: the error is matched by message, not by constructor.
      expect(() => resource.bind(42 as never)).toThrow('The "fn" argument must be of type function');
    });
  });

  describe('nats RequestOne settles without building a Cancelled error', () => {
    const mux = () => ({
      cancelled: 0,
      cancel() {
        this.cancelled++;
      },
    });

    it('an answered request resolves, unsubscribes and builds no NatsError', async () => {
      const m = mux();
      const built = jest.spyOn(NatsError, 'errorForCode');
      const r = new RequestOne(m, 'subject', { timeout: 1000 }, false);
      r.resolver(null, { data: 'answer' });
      await expect(r.deferred).resolves.toEqual({ data: 'answer' });
      expect(m.cancelled).toBe(1);
      expect(built).not.toHaveBeenCalled();
      built.mockRestore();
    });

    it('an error answer rejects with that error; a request cancelled before its answer rejects Cancelled', async () => {
      const failed = new RequestOne(mux(), 'subject', { timeout: 1000 }, false);
      const err = new Error('no responders');
      failed.resolver(err, null);
      await expect(failed.deferred).rejects.toBe(err);

      const m = mux();
      const early = new RequestOne(m, 'subject', { timeout: 1000 }, false);
      early.cancel();
      await expect(early.deferred).rejects.toMatchObject({ code: ErrorCode.Cancelled });
      expect(m.cancelled).toBe(1);
    });
  });
});
