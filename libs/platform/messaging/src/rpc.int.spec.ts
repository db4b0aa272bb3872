/**
 * Typed RPC end to end over a real NATS: RpcClient.call / tryCall against RpcServer serving
 * `@Handles` methods and `rpcHandlers` tables of Nest controllers (no gateway, no microservice transport).
 */
import { Controller } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test, TestingModule } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import {
  defineRpc,
  DomainError,
  ErrorCode,
  RequestContext,
  rpcSubject,
  tenantId,
  TenantId,
} from '@circulate/contracts';
import { IsInt, IsString, Min } from 'class-validator';
import { JSONCodec } from 'nats';
import { NatsConnectionService } from './nats-connection';
import { RpcClient } from './rpc-client';
import { Handles, rpcController, rpcHandlers } from './rpc-handler';
import { RPC_SERVICE, RpcServer } from './rpc-responder';

const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

class ReserveRequest {
  @IsString()
  sku!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}
interface Reserved {
  tenantId: string;
  requestId?: string;
  sku: string;
  quantity: number;
  isInstance: boolean;
  replica: string;
}

const Calls = {
  reserve: defineRpc<ReserveRequest, Reserved>('test.rpc.reserve.v1'),
  missing: defineRpc<{ id: string }, never>('test.rpc.missing.v1'),
  bug: defineRpc<Record<string, never>, never>('test.rpc.bug.v1'),
  slow: defineRpc<Record<string, never>, { done: true }>('test.rpc.slow.v1'),
  nobody: defineRpc<Record<string, never>, { never: true }>('test.rpc.nobody.v1'),
  /** Served by an `rpcHandlers` table: validated against the definition's class. */
  tabled: defineRpc<ReserveRequest, Reserved>('test.rpc.tabled.v1', { request: ReserveRequest }),
};

/** An `rpcController`: its dependencies injected in order (here the replica's NATS connection). */
const tableController = (replica: string) =>
  rpcController([NatsConnectionService], (nats) =>
    rpcHandlers(Calls, {
      tabled: (ctx, data) => ({
        ...ctx,
        ...data,
        isInstance: data instanceof ReserveRequest,
        replica: nats instanceof NatsConnectionService ? replica : 'not injected',
      }),
    }),
  );

function controller(replica: string) {
  @Controller()
  class TestRpcController {
    @Handles(Calls.reserve)
    reserve(ctx: RequestContext, data: ReserveRequest): Reserved {
      return { ...ctx, ...data, isInstance: data instanceof ReserveRequest, replica };
    }

    @Handles(Calls.missing)
    missing(_ctx: RequestContext, data: { id: string }): never {
      throw DomainError.notFound('Thing', data.id);
    }

    @Handles(Calls.bug)
    bug(): never {
      throw new TypeError('cannot read properties of undefined');
    }

    @Handles(Calls.slow)
    async slow(): Promise<{ done: true }> {
      await new Promise((r) => setTimeout(r, 1500));
      return { done: true };
    }
  }
  return TestRpcController;
}

describe('typed RPC: RpcClient.call against RpcServer (real NATS)', () => {
  const ns = `r${randomBytes(4).toString('hex')}`;
  const ctx: RequestContext = { tenantId: tenantId('acme'), role: 'staff', requestId: 'req-1' };
  let previousNs: string | undefined;
  const modules: TestingModule[] = [];
  const connections: NatsConnectionService[] = [];
  let rpc: RpcClient;

  async function replica(name: string): Promise<void> {
    const nats = new NatsConnectionService(natsUrl, `rpc-test-${name}`);
    await nats.connect();
    connections.push(nats);
    const module = await Test.createTestingModule({
      imports: [DiscoveryModule],
      controllers: [controller(name), tableController(name)],
      providers: [
        { provide: NatsConnectionService, useValue: nats },
        { provide: RPC_SERVICE, useValue: 'inventory' },
        RpcServer,
      ],
    }).compile();
    await module.init();
    modules.push(module);
  }

  beforeAll(async () => {
    previousNs = process.env['CIRCULATE_NS'];
    process.env['CIRCULATE_NS'] = ns;
    await replica('one');
    await replica('two');
    const client = new NatsConnectionService(natsUrl, 'rpc-test-client');
    await client.connect();
    connections.push(client);
    rpc = new RpcClient(client, 1000);
  });

  afterAll(async () => {
    for (const m of modules) await m.close();
    for (const c of connections) await c.onApplicationShutdown();
    process.env['CIRCULATE_NS'] = previousNs;
  });

  it('answers the typed reply; the handler gets the context and a validated instance of its request class', async () => {
    const reply = await rpc.call(Calls.reserve, ctx, { sku: 'BIKE', quantity: 2 });
    expect(reply).toMatchObject({ tenantId: 'acme', requestId: 'req-1', sku: 'BIKE', quantity: 2, isInstance: true });
  });

  it('refuses a bad request naming each field, before the handler runs', async () => {
    const bad = { sku: 7, quantity: 0, extra: 1 } as unknown as ReserveRequest;
    const result = await rpc.tryCall(Calls.reserve, ctx, bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(result.error.errors?.map((e) => e.field).sort()).toEqual(['extra', 'quantity', 'sku']);
    await expect(rpc.call(Calls.reserve, ctx, bad)).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
  });

  it("an rpcHandlers table: a validated instance of the definition's class, and a bad request refused by field", async () => {
    const reply = await rpc.call(Calls.tabled, ctx, { sku: 'BIKE', quantity: 2 });
    expect(reply).toMatchObject({ tenantId: 'acme', requestId: 'req-1', sku: 'BIKE', quantity: 2, isInstance: true });
    expect(['one', 'two']).toContain(reply.replica);
    const bad = { sku: 7, quantity: 0 } as unknown as ReserveRequest;
    const result = await rpc.tryCall(Calls.tabled, ctx, bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(result.error.errors?.map((e) => e.field).sort()).toEqual(['quantity', 'sku']);
  });

  it('refuses a bad context naming ctx.<field>', async () => {
    const result = await rpc.tryCall(
      Calls.reserve,
      { tenantId: 'no spaces' as TenantId, role: 'admin' },
      { sku: 'B', quantity: 1 },
    );
    expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });
    expect(!result.ok && result.error.errors?.[0]?.field).toBe('ctx.tenantId');
  });

  it('keeps the contract code of an expected failure: a typed result from tryCall, a DomainError from call', async () => {
    expect(await rpc.tryCall(Calls.missing, ctx, { id: 'x1' })).toEqual({
      ok: false,
      error: { code: ErrorCode.NOT_FOUND, message: 'Thing x1 was not found' },
    });
    await expect(rpc.call(Calls.missing, ctx, { id: 'x1' })).rejects.toBeInstanceOf(DomainError);
  });

  it('reports a bug as INTERNAL (no detail leaks), and tryCall throws it', async () => {
    await expect(rpc.tryCall(Calls.bug, ctx, {})).rejects.toMatchObject({
      code: ErrorCode.INTERNAL,
      message: 'internal error',
    });
  });

  it('answers DEPENDENCY_UNAVAILABLE when nobody serves the subject, and when the service does not answer in time', async () => {
    const t0 = Date.now();
    await expect(rpc.call(Calls.nobody, ctx, {})).rejects.toMatchObject({ code: ErrorCode.DEPENDENCY_UNAVAILABLE });
    expect(Date.now() - t0).toBeLessThan(900); // the server's "no responders", not the timeout
    await expect(rpc.call(Calls.slow, ctx, {}, 300)).rejects.toMatchObject({
      code: ErrorCode.DEPENDENCY_UNAVAILABLE,
      message: expect.stringContaining('did not answer in time'),
    });
  });

  it('spreads calls over the replicas of the queue group, each answered once', async () => {
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => rpc.call(Calls.reserve, ctx, { sku: `S${i}`, quantity: 1 })),
    );
    expect(replies.map((r) => r.sku)).toEqual(Array.from({ length: 40 }, (_, i) => `S${i}`));
    expect(new Set(replies.map((r) => r.replica))).toEqual(new Set(['one', 'two']));
  });

  it("speaks Nest's NATS wire format, so raw callers (tests, tools) keep working", async () => {
    const codec = JSONCodec<unknown>();
    const subject = rpcSubject(Calls.reserve.name);
    const msg = await connections[2].nc.request(
      subject,
      codec.encode({ pattern: subject, data: { ctx, data: { sku: 'RAW', quantity: 1 } }, id: 'raw-1' }),
      { timeout: 2000 },
    );
    expect(codec.decode(msg.data)).toMatchObject({ id: 'raw-1', isDisposed: true, response: { sku: 'RAW' } });
    const bad = await connections[2].nc.request(
      subject,
      codec.encode({ pattern: subject, data: 'nope', id: 'raw-2' }),
      {
        timeout: 2000,
      },
    );
    expect(codec.decode(bad.data)).toMatchObject({ id: 'raw-2', err: { code: ErrorCode.VALIDATION_FAILED } });
  });
});

describe('typed RPC with an owner route: straight to the owner, else the shared subject (real NATS)', () => {
  const ns = `o${randomBytes(4).toString('hex')}`;
  const ctx: RequestContext = { tenantId: tenantId('acme'), role: 'staff', requestId: 'req-2' };
  const ownerSubject = (t: string) => rpcSubject(`test.owner.${t}.v1`);
  const Owned = {
    read: defineRpc<{ n: number }, { by: string; n: number }>('test.owned.read.v1', {
      owner: { subjectOf: ownerSubject, op: 'read', repeatable: () => true },
    }),
    write: defineRpc<{ n: number }, { by: string; n: number }>('test.owned.write.v1', {
      owner: { subjectOf: ownerSubject, op: 'write', repeatable: () => false },
    }),
  };
  const codec = JSONCodec<unknown>();
  let previousNs: string | undefined;
  let nats: NatsConnectionService;
  let rpc: RpcClient;
  const seen: string[] = [];

  beforeAll(async () => {
    previousNs = process.env['CIRCULATE_NS'];
    process.env['CIRCULATE_NS'] = ns;
    nats = new NatsConnectionService(natsUrl, 'rpc-owner-test');
    await nats.connect();
    // The shared subjects, in Nest's wire format, as any replica answers them.
    for (const def of [Owned.read, Owned.write]) {
      nats.nc.subscribe(rpcSubject(def.name), {
        queue: 'q',
        callback: (_e, m) => {
          const p = codec.decode(m.data) as { id: string; data: { data: { n: number } } };
          seen.push(`shared:${def.name}`);
          m.respond(codec.encode({ id: p.id, response: { by: 'shared', n: p.data.data.n }, isDisposed: true }));
        },
      });
    }
    rpc = new RpcClient(nats, 2500);
  });

  afterAll(async () => {
    await nats.onApplicationShutdown();
    process.env['CIRCULATE_NS'] = previousNs;
  });

  it('asks the shared subject when nobody owns the tenant (no responders), without waiting', async () => {
    const t0 = Date.now();
    expect(await rpc.call(Owned.read, ctx, { n: 1 })).toEqual({ by: 'shared', n: 1 });
    expect(Date.now() - t0).toBeLessThan(900);
  });

  it('sends straight to the owner, which gets the operation, the context and the data', async () => {
    const sub = nats.nc.subscribe(ownerSubject('acme'), {
      callback: (_e, m) => {
        const p = codec.decode(m.data) as { op: string; ctx: RequestContext; data: { n: number } };
        seen.push(`owner:${p.op}:${p.ctx.requestId}`);
        if (p.data.n < 0) m.respond(codec.encode({ ok: false, error: { code: ErrorCode.CONFLICT, message: 'no' } }));
        else m.respond(codec.encode({ ok: true, value: { by: 'owner', n: p.data.n } }));
      },
    });
    seen.length = 0;
    try {
      expect(await rpc.call(Owned.read, ctx, { n: 2 })).toEqual({ by: 'owner', n: 2 });
      expect(await rpc.call(Owned.write, ctx, { n: 3 })).toEqual({ by: 'owner', n: 3 });
      await expect(rpc.call(Owned.write, ctx, { n: -1 })).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
      expect(seen).toEqual(['owner:read:req-2', 'owner:write:req-2', 'owner:write:req-2']);
    } finally {
      sub.unsubscribe();
    }
  });

  it('falls back to the shared subject after a silent owner only for a request that may be repeated', async () => {
    const sub = nats.nc.subscribe(ownerSubject('acme'), { callback: () => undefined });
    seen.length = 0;
    try {
      expect(await rpc.call(Owned.read, ctx, { n: 4 })).toEqual({ by: 'shared', n: 4 });
      await expect(rpc.call(Owned.write, ctx, { n: 5 })).rejects.toMatchObject({
        code: ErrorCode.DEPENDENCY_UNAVAILABLE,
      });
      expect(seen).toEqual(['shared:test.owned.read.v1']);
    } finally {
      sub.unsubscribe();
    }
  });
});
