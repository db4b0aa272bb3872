import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import type { ItemProjection } from '@circulate/reporting/domain';
import { ProjectionStore } from './projection-store';

/**
 * ProjectionStore against the real MongoDB-compatible server (MONGO_URL, FerretDB here): a burst
 * that touches many items in one flush lands as one journal entry; compaction writes a snapshot
 * and deletes the journal before it, and a store loads the same state either way; rows stored one
 * per document by the earlier store still load.
 */
const URL = process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017';
const dbName = `it_reporting_${randomUUID().slice(0, 8)}`;
let db: Connection;

beforeAll(async () => {
  db = await mongoose.createConnection(`${URL}/${dbName}`, { serverSelectionTimeoutMS: 5000 }).asPromise();
});

afterAll(async () => {
  await db.dropDatabase().catch(() => undefined);
  await db.close();
});

describe('ProjectionStore on the real server', () => {
  it('writes flushes that touched 1,000 items (new, then existing ones) and loads them back', async () => {
    const store = new ProjectionStore(db);
    const t = store.tenant('acme');
    for (let i = 0; i < 1000; i++) {
      const d = store.demandOf(t, `ski_${i}`);
      d.reservations[`res_${i}`] = [0, 86_400_000, 1];
      store.touchDemand(t, 'acme', `ski_${i}`);
    }
    await store.flush(); // 1,000 new rows
    for (let i = 0; i < 1000; i++) {
      store.demandOf(t, `ski_${i}`).reservations[`res_b${i}`] = [86_400_000, 2 * 86_400_000, 1];
      store.touchDemand(t, 'acme', `ski_${i}`);
    }
    const started = Date.now();
    await store.flush(); // 1,000 rows written before
    expect(Date.now() - started).toBeLessThan(20_000);
    const again = new ProjectionStore(db);
    await again.load();
    const loaded = again.tenant('acme').demand;
    expect(loaded.size).toBe(1000);
    expect(loaded.get('ski_999')?.reservations).toEqual({
      res_999: [0, 86_400_000, 1],
      res_b999: [86_400_000, 2 * 86_400_000, 1],
    });
  }, 30_000);

  it('an item whose reservations changed after its own document was written loads them from its demand document', async () => {
    const store = new ProjectionStore(db);
    const t = store.tenant('beta');
    const d = store.demandOf(t, 'ski_x');
    const item = { id: 'ski_x', tenantId: 'beta', ...d } as unknown as ItemProjection;
    t.items.set('ski_x', item);
    store.touch(t, item);
    await store.flush();
    d.reservations['res_late'] = [0, 86_400_000, 1]; // only the demand document is written now
    store.touchDemand(t, 'beta', 'ski_x');
    await store.flush();
    const again = new ProjectionStore(db);
    await again.load();
    expect(again.tenant('beta').items.get('ski_x')?.reservations).toEqual({ res_late: [0, 86_400_000, 1] });
  });

  it('compacts into a snapshot, deletes the journal before it, and loads the same state', async () => {
    const own = db.useDb(`${dbName}_compact`);
    const store = new ProjectionStore(own, { compactAfterEntries: 4 });
    const t = store.tenant('gamma');
    for (let flush = 0; flush < 10; flush++) {
      for (let i = 0; i < 20; i++) {
        store.demandOf(t, `ski_${i}`).reservations[`res_${flush}_${i}`] = [
          flush * 86_400_000,
          (flush + 1) * 86_400_000,
          1,
        ];
        store.touchDemand(t, 'gamma', `ski_${i}`);
      }
      store.touchSku(t, 'gamma', 'sku_1', `CODE${flush}`, flush + 1);
      await store.flush();
    }
    const kinds = (await own.collection('report_projections').find({}).toArray()).map((d) => d['kind'] as string);
    expect(kinds.filter((k) => k === 'snapmark')).toHaveLength(1); // the older snapshots were deleted
    expect(kinds.filter((k) => k === 'journal').length).toBeLessThan(4);
    const again = new ProjectionStore(own);
    await again.load();
    const loaded = again.tenant('gamma');
    expect([...loaded.demand.entries()].sort()).toEqual([...t.demand.entries()].sort());
    expect(Object.keys(loaded.demand.get('ski_7')?.reservations ?? {})).toHaveLength(10);
    expect(loaded.skuCodes.get('sku_1')).toBe('CODE9');
    expect(loaded.skuVersions.get('sku_1')).toBe(10);
    await own.dropDatabase();
  });

  it('loads rows stored one per document by the earlier store, ignores a snapshot without its mark, and compaction removes both', async () => {
    const own = db.useDb(`${dbName}_legacy`);
    const rows = own.collection('report_projections');
    await rows.insertMany([
      {
        _id: 'demand:delta:ski_1',
        kind: 'demand',
        tenantId: 'delta',
        itemId: 'ski_1',
        json: JSON.stringify({ reservations: { res_old: [0, 86_400_000, 1] }, shortfalls: {} }),
      },
      { _id: 'sku:delta:sku_1', kind: 'sku', tenantId: 'delta', skuId: 'sku_1', code: 'OLD', version: 3 },
      // A compaction that crashed before its mark: its chunk says nothing.
      {
        _id: 'snap:99:0:dead',
        kind: 'snap',
        seq: 99,
        part: 0,
        json: JSON.stringify([
          ['sku:delta:sku_1', { kind: 'sku', tenantId: 'delta', skuId: 'sku_1', code: 'HALF', version: 9 }],
        ]),
      },
    ] as never[]);
    const store = new ProjectionStore(own, { compactAfterEntries: 1 });
    await store.load();
    const t = store.tenant('delta');
    expect(t.demand.get('ski_1')?.reservations).toEqual({ res_old: [0, 86_400_000, 1] });
    expect(t.skuCodes.get('sku_1')).toBe('OLD');
    store.demandOf(t, 'ski_2').reservations['res_new'] = [0, 86_400_000, 1];
    store.touchDemand(t, 'delta', 'ski_2');
    await store.flush(); // entry 100 (past the dead chunk), and a snapshot of it
    const left = (await rows.find({}).toArray()).map((d) => `${d['kind']}:${d['seq']}`).sort();
    expect(left).toEqual(['snap:100', 'snapmark:100']);
    const again = new ProjectionStore(own);
    await again.load();
    const loaded = again.tenant('delta');
    expect(loaded.demand.get('ski_1')?.reservations).toEqual({ res_old: [0, 86_400_000, 1] });
    expect(loaded.demand.get('ski_2')?.reservations).toEqual({ res_new: [0, 86_400_000, 1] });
    expect(loaded.skuCodes.get('sku_1')).toBe('OLD');
    await own.dropDatabase();
  });

  it('loads a snapshot written at the same seq by two processes (a rolling update) from the chunks of one writer', async () => {
    const own = db.useDb(`${dbName}_writers`);
    const row = (code: string) =>
      JSON.stringify([['sku:eps:sku_1', { kind: 'sku', tenantId: 'eps', skuId: 'sku_1', code, version: 1 }]]);
    await own.collection('report_projections').insertMany([
      { _id: 'snap:5:0:aaaa', kind: 'snap', seq: 5, part: 0, json: row('A') },
      { _id: 'snapmark:5:aaaa', kind: 'snapmark', seq: 5, parts: 1 },
      { _id: 'snap:5:0:bbbb', kind: 'snap', seq: 5, part: 0, json: row('B') },
      { _id: 'snap:5:1:bbbb', kind: 'snap', seq: 5, part: 1, json: row('B') },
      { _id: 'snapmark:5:bbbb', kind: 'snapmark', seq: 5, parts: 2 },
    ] as never[]);
    const store = new ProjectionStore(own);
    await store.load();
    expect(['A', 'B']).toContain(store.tenant('eps').skuCodes.get('sku_1'));
    await own.dropDatabase();
  });
});
