/**
 * The read-cache bus and the cluster leases against a real NATS server: two connections stand
 * for two replicas of one service.
 */
import { randomBytes } from 'node:crypto';
import { lockBucket } from '@circulate/contracts';
import { ClusterLeases, KeyedMutex, NatsConnectionService, ReadCache, ReadCacheBus } from './index';

const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

// One namespace for this file (restored afterwards), and every connection opened here.
const namespace = `r${randomBytes(4).toString('hex')}`;
let previousNs: string | undefined;
const connections: NatsConnectionService[] = [];

async function connection(name: string): Promise<NatsConnectionService> {
  const nats = new NatsConnectionService(natsUrl, name);
  await nats.connect();
  connections.push(nats);
  return nats;
}

beforeAll(() => {
  previousNs = process.env['CIRCULATE_NS'];
  process.env['CIRCULATE_NS'] = namespace;
});

afterAll(async () => {
  await connections[0]?.jsm.streams.delete(`KV_${lockBucket('inventory')}`).catch(() => undefined);
  for (const c of connections) await c.onApplicationShutdown();
  if (previousNs === undefined) delete process.env['CIRCULATE_NS'];
  else process.env['CIRCULATE_NS'] = previousNs;
});

async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('read-cache bus (real NATS)', () => {
  const replica = async (
    name: string,
  ): Promise<{ bus: ReadCacheBus; nats: NatsConnectionService; items: ReadCache<{ v: number }> }> => {
    const nats = await connection(name);
    const bus = new ReadCacheBus(nats, 'inventory', { maxEntries: 100, ttlMs: 60_000 });
    bus.onApplicationBootstrap();
    await nats.nc.flush();
    return { bus, nats, items: bus.cache<{ v: number }>('items') };
  };

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

describe('cluster leases (real NATS JetStream key-value)', () => {
  const replica = async (name: string): Promise<KeyedMutex> =>
    new KeyedMutex(new ClusterLeases(await connection(name), 'inventory'));

  it('two replicas doing read-wait-write on one record under the same key never lose an update', async () => {
    const a = await replica('lease-a');
    const b = await replica('lease-b');
    let stored = 0;
    const increment = (mutex: KeyedMutex) =>
      mutex.run('stock_items:stk_RACE', async () => {
        const read = stored;
        await new Promise((r) => setTimeout(r, 2));
        stored = read + 1;
      });
    await Promise.all(Array.from({ length: 30 }, (_, i) => increment(i % 2 ? a : b)));
    expect(stored).toBe(30);
  });

  it('lets different keys proceed side by side', async () => {
    const a = await replica('lease-c');
    const b = await replica('lease-d');
    let inside = 0;
    let most = 0;
    const hold = (mutex: KeyedMutex, key: string) =>
      mutex.run(key, async () => {
        most = Math.max(most, ++inside);
        await new Promise((r) => setTimeout(r, 200));
        inside--;
      });
    await Promise.all([hold(a, 'listings:lst_1'), hold(b, 'listings:lst_2')]);
    expect(most).toBe(2);
  });
});
