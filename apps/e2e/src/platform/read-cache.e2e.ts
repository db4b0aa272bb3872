/**
 * The read-cache bus against a real NATS server: two buses on two connections stand for two
 * replicas of one service.
 */
import { randomBytes } from 'node:crypto';
import { NatsConnectionService, ReadCache, ReadCacheBus } from '@circulate/platform/messaging';

const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('read-cache bus (real NATS)', () => {
  let previousNs: string | undefined;
  const connections: NatsConnectionService[] = [];

  const replica = async (
    name: string,
  ): Promise<{ bus: ReadCacheBus; nats: NatsConnectionService; items: ReadCache<{ v: number }> }> => {
    const nats = new NatsConnectionService(natsUrl, name);
    await nats.connect();
    connections.push(nats);
    const bus = new ReadCacheBus(nats, 'inventory', { maxEntries: 100, ttlMs: 60_000 });
    bus.onApplicationBootstrap();
    await nats.nc.flush();
    return { bus, nats, items: bus.cache<{ v: number }>('items') };
  };

  beforeAll(() => {
    previousNs = process.env['CIRCULATE_NS'];
    process.env['CIRCULATE_NS'] = `c${randomBytes(4).toString('hex')}`;
  });

  afterAll(async () => {
    for (const c of connections) await c.onApplicationShutdown();
    if (previousNs === undefined) delete process.env['CIRCULATE_NS'];
    else process.env['CIRCULATE_NS'] = previousNs;
  });

  it("a write's invalidation reaches the other replica and drops its copy", async () => {
    const a = await replica('replica-a');
    const b = await replica('replica-b');
    await a.items.get('stk_1', async () => ({ v: 1 }));
    await b.items.get('stk_1', async () => ({ v: 1 }));
    await b.items.get('stk_2', async () => ({ v: 1 }));
    await a.items.invalidate(['stk_1']);
    await eventually(() => b.items.size === 1);
    expect(await b.items.get('stk_1', async () => ({ v: 2 }))).toEqual({ v: 2 });
    expect(await b.items.get('stk_2', async () => ({ v: 9 }))).toEqual({ v: 1 });
  });

  it('a replica whose NATS connection was interrupted forgets everything it cached', async () => {
    const a = await replica('replica-c');
    await a.items.get('stk_1', async () => ({ v: 1 }));
    expect(a.items.size).toBe(1);
    await a.nats.nc.reconnect();
    await eventually(() => a.items.size === 0);
  });
});
