import type { Connection } from 'mongoose';
import { ProjectionStore } from './projection-store';

/** A collection whose inserts take `ms`, fail while `failures` lasts, and record the row keys they wrote. */
function fakeDb(opts: { failures: number; ms: number }) {
  const written: string[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const collection = {
    async insertMany(docs: { kind: string; json: string }[]) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await new Promise((r) => setTimeout(r, opts.ms));
        if (opts.failures-- > 0) throw new Error('E11000 duplicate key error');
        for (const d of docs)
          if (d.kind === 'journal') written.push((JSON.parse(d.json) as [string][]).map(([key]) => key).sort());
      } finally {
        inFlight--;
      }
    },
  };
  const db = { collection: () => collection } as unknown as Connection;
  return { db, written, maxInFlight: () => maxInFlight };
}

describe('ProjectionStore.flush', () => {
  it('keeps what a failed write held and writes it with the next flush', async () => {
    const fake = fakeDb({ failures: 1, ms: 1 });
    const store = new ProjectionStore(fake.db);
    const t = store.tenant('acme');
    t.demand.set('ski_1', { reservations: {}, shortfalls: {} });
    store.touchDemand(t, 'acme', 'ski_1');
    await expect(store.flush()).rejects.toThrow('E11000');
    store.touchSku(t, 'acme', 'sku_1', 'BIKE', 1);
    await store.flush();
    expect(fake.written).toEqual([['demand:acme:ski_1', 'sku:acme:sku_1']]);
    await store.flush(); // nothing left dirty: nothing written again
    expect(fake.written).toHaveLength(1);
  });

  it('runs one write at a time when consumers flush together', async () => {
    const fake = fakeDb({ failures: 0, ms: 10 });
    const store = new ProjectionStore(fake.db);
    const t = store.tenant('acme');
    const flushes = [];
    for (let i = 0; i < 3; i++) {
      store.touchSku(t, 'acme', `sku_${i}`, `S${i}`, 1);
      flushes.push(store.flush());
    }
    await Promise.all(flushes);
    expect(fake.maxInFlight()).toBe(1);
    expect(fake.written.flat().sort()).toEqual(['sku:acme:sku_0', 'sku:acme:sku_1', 'sku:acme:sku_2']);
  });

  it('starts writes at least minIntervalMs apart, and flushes asked for meanwhile share one write', async () => {
    const fake = fakeDb({ failures: 0, ms: 1 });
    const store = new ProjectionStore(fake.db, { minIntervalMs: 100 });
    const t = store.tenant('acme');
    store.touchSku(t, 'acme', 'sku_0', 'S0', 1);
    await store.flush(); // the first write starts at once
    const started = Date.now();
    const flushes = [];
    for (let i = 1; i <= 5; i++) {
      store.touchSku(t, 'acme', `sku_${i}`, `S${i}`, 1);
      flushes.push(store.flush());
    }
    await Promise.all(flushes);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(fake.written).toEqual([
      ['sku:acme:sku_0'],
      ['sku:acme:sku_1', 'sku:acme:sku_2', 'sku:acme:sku_3', 'sku:acme:sku_4', 'sku:acme:sku_5'],
    ]);
  });
});
