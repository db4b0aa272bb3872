import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import type { ItemProjection } from '@circulate/reporting/domain';
import { ProjectionStore, WRITE_CHUNK } from './projection-store';

/**
 * ProjectionStore against the real MongoDB-compatible server (MONGO_URL, FerretDB here): a burst
 * that touches many items in one flush must land. FerretDB v1.24.2 never answers an update command
 * of 100+ upserts of existing documents (and then nothing else): with one bulk write per 500 this
 * test times out.
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
  it('writes flushes that touched 1,000 items (new, then existing documents) in chunks the server answers, and loads them back', async () => {
    expect(WRITE_CHUNK).toBeLessThan(100);
    const store = new ProjectionStore(db);
    const t = store.tenant('acme');
    for (let i = 0; i < 1000; i++) {
      const d = store.demandOf(t, `ski_${i}`);
      d.reservations[`res_${i}`] = [0, 86_400_000, 1];
      store.touchDemand(t, 'acme', `ski_${i}`);
    }
    await store.flush(); // 1,000 new documents
    for (let i = 0; i < 1000; i++) {
      store.demandOf(t, `ski_${i}`).reservations[`res_b${i}`] = [86_400_000, 2 * 86_400_000, 1];
      store.touchDemand(t, 'acme', `ski_${i}`);
    }
    const started = Date.now();
    await store.flush(); // 1,000 upserts of existing documents: the ones FerretDB hangs on at 100+
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
});
