import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestStack, TestStack } from '@circulate/platform/stack';
import { Inventory } from './support';

/**
 * Two inventory replicas behind one gateway: NATS spreads requests over the queue group, so
 * consecutive calls land on either. Each replica keeps read caches of codes, items and SKUs;
 * these tests show a write through one replica is never answered stale by the other.
 */
describe('inventory with two replicas: read caches stay coherent across replicas', () => {
  let stack: TestStack;
  let inv: Inventory;
  let loc: string;
  const logOf = (file: string) => {
    const path = join(stack.apps.options.logDir, file);
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  };
  /** How many lookups a replica has answered (debug log lines of the RPC interceptor). */
  const lookupsAnswered = (file: string) =>
    logOf(file)
      .split('\n')
      .filter((l) => l.includes('stock-item.lookup') && l.includes('"handled"')).length;

  /** Enough lookups that both replicas answer some (checked by the test itself). */
  const lookupMany = async (code: string, times = 24) => {
    const answers = [];
    for (let i = 0; i < times; i++)
      answers.push(await stack.http('GET', `/stock-items/lookup?code=${encodeURIComponent(code)}`));
    return answers;
  };

  beforeAll(async () => {
    stack = await startTestStack({ env: { LOG_LEVEL: 'debug' } });
    stack.apps.start('inventory', {}, 2);
    const deadline = Date.now() + 60_000;
    while (!logOf('inventory-2.log').includes('listening on NATS')) {
      if (Date.now() > deadline) throw new Error('the second inventory replica did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    inv = new Inventory(stack);
    loc = await inv.location('Replicated shop');
  }, 120_000);

  afterAll(async () => {
    await inv?.close();
    await stack?.stop();
  });

  it('a code change and a condition change made through one replica are seen by lookups on both', async () => {
    const item = await inv.item({ tracking: 'serialized', codes: ['REP-OLD'], locationId: loc, condition: 'new' });
    const before = [lookupsAnswered('inventory.log'), lookupsAnswered('inventory-2.log')];
    for (const res of await lookupMany('REP-OLD')) expect(res.body).toMatchObject({ id: item.id, condition: 'new' });
    // Both replicas answered (and so cached the item): otherwise this test would prove nothing.
    expect(lookupsAnswered('inventory.log')).toBeGreaterThan(before[0]);
    expect(lookupsAnswered('inventory-2.log')).toBeGreaterThan(before[1]);

    const patched = await stack.http('PATCH', `/stock-items/${item.id}`, {
      body: { codes: ['REP-NEW'], condition: 'worn' },
    });
    expect(patched.status).toBe(200);
    for (const res of await lookupMany('REP-OLD')) expect(res.status).toBe(404);
    for (const res of await lookupMany('REP-NEW'))
      expect(res.body).toMatchObject({ id: item.id, condition: 'worn', codes: ['REP-NEW'] });
  });

  it('a code given up by one item and taken by another is found on its new owner by both replicas', async () => {
    const first = await inv.item({ tracking: 'serialized', codes: ['REP-MOVE', 'REP-FIRST'], locationId: loc });
    for (const res of await lookupMany('REP-MOVE')) expect(res.body.id).toBe(first.id);
    expect((await stack.http('PATCH', `/stock-items/${first.id}`, { body: { codes: ['REP-FIRST'] } })).status).toBe(
      200,
    );
    const second = await inv.item({ tracking: 'serialized', codes: ['REP-MOVE'], locationId: loc });
    for (const res of await lookupMany('REP-MOVE')) expect(res.body.id).toBe(second.id);
  });

  it('editing a SKU shows on lookups of its items from both replicas, and so does deleting it', async () => {
    const sku = await inv.sku({ code: 'REP-SKU', name: 'Tandem', attributes: { seats: 2 } });
    await inv.item({ tracking: 'serialized', codes: ['REP-TANDEM'], locationId: loc, skuId: sku.id });
    for (const res of await lookupMany('REP-TANDEM'))
      expect(res.body.effective).toMatchObject({ name: 'Tandem', attributes: { seats: 2 } });

    expect(
      (await stack.http('PATCH', `/skus/${sku.id}`, { body: { name: 'Tandem deluxe', attributes: { seats: 3 } } }))
        .status,
    ).toBe(200);
    for (const res of await lookupMany('REP-TANDEM'))
      expect(res.body.effective).toMatchObject({ name: 'Tandem deluxe', attributes: { seats: 3 } });

    const counts = async () => {
      const seen = new Set<number>();
      for (let i = 0; i < 16; i++) seen.add((await stack.http('GET', `/skus/${sku.id}`)).body.stockItemCount);
      return [...seen];
    };
    expect(await counts()).toEqual([1]);
    await inv.item({ tracking: 'serialized', codes: ['REP-TANDEM-2'], locationId: loc, skuId: sku.id });
    expect(await counts()).toEqual([2]);

    expect((await stack.http('DELETE', `/skus/${sku.id}`)).status).toBe(204);
    for (const code of ['REP-TANDEM', 'REP-TANDEM-2'])
      for (const res of await lookupMany(code, 12)) expect(res.body).toMatchObject({ skuId: null, skuCode: null });
  });

  it('units handed out through one replica show as out on lookups from both', async () => {
    const pool = await inv.item({ tracking: 'pooled', quantity: 10, codes: ['REP-POOL'], locationId: loc });
    for (const res of await lookupMany('REP-POOL')) expect(res.body.state).toEqual({ in: 10, out: 0 });
    const handed = await inv.command('handOut', { stockItemId: pool.id, orderId: 'ord_REPLICA1', quantity: 4 });
    expect(handed.ok).toBe(true);
    for (const res of await lookupMany('REP-POOL')) expect(res.body.state).toEqual({ in: 6, out: 4 });
  });

  it('a rush of hand-outs of one pool through both replicas at once never loses a unit nor hands out more than are in', async () => {
    const pool = await inv.item({ tracking: 'pooled', quantity: 20, codes: ['REP-RUSH'], locationId: loc });
    const handled = (file: string) =>
      logOf(file)
        .split('\n')
        .filter((l) => l.includes('stock-item.hand-out') && l.includes('"handled"')).length;
    const before = [handled('inventory.log'), handled('inventory-2.log')];
    const results = await Promise.all(
      Array.from({ length: 26 }, (_, i) =>
        inv.command('handOut', { stockItemId: pool.id, orderId: `ord_RUSH${i}`, quantity: 1 }),
      ),
    );
    // Both replicas took part (otherwise there was no race to win).
    expect(handled('inventory.log')).toBeGreaterThan(before[0]);
    expect(handled('inventory-2.log')).toBeGreaterThan(before[1]);
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    const refused = results.filter((r): r is Extract<(typeof results)[number], { ok: false }> => !r.ok);
    expect(refused).toHaveLength(6);
    for (const r of refused) expect(r.error.code).toBe('CONFLICT');
    expect((await stack.http('GET', `/stock-items/${pool.id}`)).body.state).toEqual({ in: 0, out: 20 });
    const timeline = (await stack.http('GET', `/stock-items/${pool.id}/timeline`)).body.items;
    expect(timeline.filter((e: { type: string }) => e.type === 'handed_out')).toHaveLength(20);
  });
});
