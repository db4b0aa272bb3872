import { parseCsv, ReportCsvColumns, ReportingRpc } from '@circulate/contracts';
import { useTestStack } from '../support/stack';
import { Inventory } from '../inventory/support';
import { EUR, Facts } from './support';

/*
 * The worked example, by hand (range [2026-01-01, 2026-01-31) = 30 days):
 *
 * SKU BIK (purchase price €500.00): two bikes.
 *   Bike A: registered 01-01; out 01-05 → 01-15 (10 days); income €300.00 on 01-15; cost €50.00 on 01-20.
 *     owned 30 days, out 10 → utilisation 10/30 = 0.3333; profit 30000 − 5000 = 25000; roi 25000/50000 = 0.5.
 *   Bike B: registered 01-01; out 01-02 → 01-04 (2 days); income €60.00 on 01-04; lost on 01-11.
 *     owned 10 days (until retirement), out 2 → 0.2; profit 6000; roi 6000/50000 = 0.12.
 *   SKU BIK: units 1 (A), retired 1 (B); income 36000, cost 5000, profit 31000; utilisation (10+2)/(30+10) = 0.3.
 * SKU HEL (€20.00): a pool of 10 helmets, registered 01-01; 4 out 01-10 → 01-20.
 *   unit-days out 4 × 10 = 40, owned 10 × 30 = 300 → 0.1333.
 *   Reservations: 6 units [01-10, 01-20), 3 units [01-15, 01-18), 10 units released (never counts) → peakReserved 9.
 *   A refused order wanted 5 for [01-16, 01-17) with 1 free → unmet 4.
 *   Peak concurrent demand 9 + 4 = 13 on 01-16 → suggestedReorder 13 − 10 = 3.
 */
const FROM = '2026-01-01';
const TO = '2026-01-31';
const range = `from=${FROM}&to=${TO}`;

describe('reporting: per-item ROI, SKU and pool rollups, under-performers, CSV, rebuild (through the gateway)', () => {
  // REPORTING_IDEMPOTENCY=off shows these tests catch double counting.
  const idempotency = process.env['REPORTING_IDEMPOTENCY'];
  const idempotencyEnv: Record<string, string> = idempotency ? { REPORTING_IDEMPOTENCY: idempotency } : {};
  const stack = useTestStack({ env: idempotencyEnv });
  let facts: Facts;
  let inv: Inventory;

  beforeAll(async () => {
    facts = new Facts(stack);
    inv = new Inventory(stack);

    /** An item's units went out or came back on `day`: its new state and the change. */
    const moved = (id: string, day: string, inUnits: number, out: number, type: string, quantity: number) =>
      facts.item(
        id,
        day,
        { state: { in: inUnits, out } },
        { changes: [{ type, at: `${day}T00:00:00.000Z`, quantity }] },
      );
    await facts.sku('sku_BIK', 'BIK', 50000, '2025-12-31');
    await facts.sku('sku_HEL', 'HEL', 2000, '2025-12-31');
    const bike = {
      skuId: 'sku_BIK',
      skuCode: 'BIK',
      tracking: 'serialized',
      quantity: 1,
      locationId: 'loc_A',
      effective: { name: 'Bike', category: [], attributes: {}, purchasePrice: EUR(50000) },
    };
    await facts.item('ski_A', '2026-01-01', { ...bike, state: { in: 1, out: 0 } });
    await moved('ski_A', '2026-01-05', 0, 1, 'handed_out', 1);
    await moved('ski_A', '2026-01-15', 1, 0, 'returned', 1);
    await facts.ledger('ski_A', '2026-01-15', 'income', 30000);
    await facts.ledger('ski_A', '2026-01-20', 'cost', 5000);
    await facts.item('ski_B', '2026-01-01', { ...bike, state: { in: 1, out: 0 } });
    await moved('ski_B', '2026-01-02', 0, 1, 'handed_out', 1);
    await facts.item('ski_B', '2026-01-04', { state: { in: 1, out: 0 } });
    await facts.ledger('ski_B', '2026-01-04', 'income', 6000);
    await facts.item('ski_B', '2026-01-11', { status: 'lost' });
    const pool = {
      skuId: 'sku_HEL',
      skuCode: 'HEL',
      tracking: 'pooled',
      quantity: 10,
      locationId: 'loc_A',
      effective: { name: 'Helmet', category: [], attributes: {}, purchasePrice: EUR(2000) },
    };
    await facts.item('ski_H', '2026-01-01', { ...pool, state: { in: 10, out: 0 } });
    await moved('ski_H', '2026-01-10', 6, 4, 'handed_out', 4);
    await facts.item('ski_H', '2026-01-20', { state: { in: 10, out: 0 } });
    const ms = (d: string) => Date.parse(`${d}T00:00:00.000Z`);
    await facts.reservation('reserved', 'ord_1', '2026-01-09', [
      { reservationId: 'res_1', stockItemId: 'ski_H', quantity: 6, start: ms('2026-01-10'), end: ms('2026-01-20') },
    ]);
    await facts.reservation('reserved', 'ord_2', '2026-01-09', [
      { reservationId: 'res_2', stockItemId: 'ski_H', quantity: 3, start: ms('2026-01-15'), end: ms('2026-01-18') },
    ]);
    await facts.reservation('reserved', 'ord_3', '2026-01-09', [
      { reservationId: 'res_3', stockItemId: 'ski_H', quantity: 10, start: ms('2026-01-22'), end: ms('2026-01-25') },
    ]);
    await facts.reservation('released', 'ord_3', '2026-01-10', [], ['res_3']);
    await facts.refused('ord_4', '2026-01-12', [
      {
        index: 0,
        listingId: 'lst_H',
        start: '2026-01-16T00:00:00.000Z',
        end: '2026-01-17T00:00:00.000Z',
        quantity: 5,
        shortfalls: [{ stockItemId: 'ski_H', requested: 5, free: 1 }],
      },
    ]);
    await facts.settled();
  }, 180_000);

  afterAll(async () => {
    await facts?.close();
    await inv?.close();
  });

  it('per item: income, cost, profit, roi, rentals, days out and utilisation of the worked example', async () => {
    const res = await stack.http('GET', `/reports/stock-items?${range}`);
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.items.map((r: any) => [r.stockItemId, r]));
    expect(byId['ski_A']).toMatchObject({
      skuId: 'sku_BIK',
      tracking: 'serialized',
      status: 'in_use',
      income: EUR(30000),
      cost: EUR(5000),
      profit: EUR(25000),
      roi: 0.5,
      rentals: 1,
      daysOut: 10,
      daysOwned: 30,
      utilisation: 0.3333,
    });
    expect(byId['ski_B']).toMatchObject({
      status: 'lost',
      income: EUR(6000),
      cost: EUR(0),
      profit: EUR(6000),
      roi: 0.12,
      rentals: 1,
      daysOut: 2,
      daysOwned: 10,
      utilisation: 0.2,
    });
    expect(byId['ski_H']).toMatchObject({
      tracking: 'pooled',
      quantity: 10,
      rentals: 4,
      daysOut: 40,
      daysOwned: 300,
      utilisation: 0.1333,
    });
    const onlyBikes = await stack.http('GET', `/reports/stock-items?${range}&skuId=sku_BIK`);
    expect(onlyBikes.body.items.map((r: any) => r.stockItemId)).toEqual(['ski_A', 'ski_B']);
    const elsewhere = await stack.http('GET', `/reports/stock-items?${range}&locationId=loc_other`);
    expect(elsewhere.body.items).toEqual([]);
    // A narrower range counts only what lies inside it: 01-10 → 01-20, bike A out 01-10 → 01-15.
    const narrow = await stack.http('GET', `/reports/stock-items?from=2026-01-10&to=2026-01-20&skuId=sku_BIK`);
    const a = narrow.body.items.find((r: any) => r.stockItemId === 'ski_A');
    expect(a).toMatchObject({
      daysOut: 5,
      daysOwned: 10,
      utilisation: 0.5,
      income: EUR(30000),
      cost: EUR(0),
      rentals: 0,
    });
  });

  it('per SKU: units by tracking, retired units with their history, money and utilisation', async () => {
    const res = await stack.http('GET', `/reports/skus?${range}`, { key: stack.keys.staff });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        skuId: 'sku_BIK',
        code: 'BIK',
        units: 1,
        serializedUnits: 1,
        pooledUnits: 0,
        retiredUnits: 1,
        income: EUR(36000),
        cost: EUR(5000),
        profit: EUR(31000),
        utilisation: 0.3,
      },
      {
        skuId: 'sku_HEL',
        code: 'HEL',
        units: 10,
        serializedUnits: 0,
        pooledUnits: 10,
        retiredUnits: 0,
        income: EUR(0),
        cost: EUR(0),
        profit: EUR(0),
        utilisation: 0.1333,
      },
    ]);
  });

  it('under-performers: serialized items below the threshold, worst first, with days owned, days out, income', async () => {
    const res = await stack.http('GET', `/reports/under-performers?${range}&maxUtilisation=0.34`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        stockItemId: 'ski_B',
        skuId: 'sku_BIK',
        status: 'lost',
        daysOwned: 10,
        daysOut: 2,
        income: EUR(6000),
        utilisation: 0.2,
      },
      {
        stockItemId: 'ski_A',
        skuId: 'sku_BIK',
        status: 'in_use',
        daysOwned: 30,
        daysOut: 10,
        income: EUR(30000),
        utilisation: 0.3333,
      },
    ]);
    const strict = await stack.http('GET', `/reports/under-performers?${range}`);
    expect(strict.body.items).toEqual([]); // default 0.2: B's 0.2 is not below it
  });

  it('pools: peak out, peak reserved (released ones do not count), unmet demand and the reorder hint', async () => {
    const res = await stack.http('GET', `/reports/pools?${range}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        stockItemId: 'ski_H',
        skuId: 'sku_HEL',
        quantity: 10,
        peakOut: 4,
        peakReserved: 9,
        unmetDemand: 4,
        utilisation: 0.1333,
        suggestedReorder: 3,
      },
    ]);
  });

  it('CSV: every report answers text/csv with a header row, RFC 4180 quoting and decimal money with a currency column', async () => {
    for (const [path, columns] of [
      ['stock-items', ReportCsvColumns.stockItems],
      ['skus', ReportCsvColumns.skus],
      ['under-performers', ReportCsvColumns.underPerformers],
      ['pools', ReportCsvColumns.pools],
    ] as const) {
      const json = await stack.http(
        'GET',
        `/reports/${path}?${range}&maxUtilisation=0.5`.replace(
          /&maxUtilisation=0.5$/,
          path === 'under-performers' ? '&maxUtilisation=0.5' : '',
        ),
      );
      const csv = await stack.http(
        'GET',
        `/reports/${path}?${range}&format=csv${path === 'under-performers' ? '&maxUtilisation=0.5' : ''}`,
      );
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const rows = parseCsv(csv.body as string);
      expect(rows[0]).toEqual([...columns]);
      expect(rows.length - 1).toBe(json.body.items.length);
      // Round trip: every cell reads back as the JSON value (money as amount / 100 plus currency).
      rows.slice(1).forEach((cells, i) => {
        const row = json.body.items[i];
        columns.forEach((col, c) => {
          const v =
            col === 'currency'
              ? (Object.values(row).find((x: any) => x && typeof x === 'object' && 'currency' in x) as any)?.currency
              : row[col];
          const expected =
            v === null || v === undefined ? '' : typeof v === 'object' ? (v.amount / 100).toFixed(2) : String(v);
          expect(`${col}=${cells[c]}`).toBe(`${col}=${expected}`);
        });
      });
    }
    const skus = parseCsv((await stack.http('GET', `/reports/skus?${range}&format=csv`)).body as string);
    expect(skus[1]).toEqual(['sku_BIK', 'BIK', '1', '1', '0', '1', '360.00', '50.00', '310.00', '0.3', 'EUR']);
  });

  it('another tenant sees nothing of it', async () => {
    for (const path of ['stock-items', 'skus', 'under-performers', 'pools']) {
      const res = await stack.http('GET', `/reports/${path}?${range}&format=json`, { key: stack.keys.otherAdmin });
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
    }
  });

  it('roles and bad input: storefront 403; bad dates, reversed or too long ranges and maxUtilisation outside [0, 1] → 400 naming the field', async () => {
    expect((await stack.http('GET', `/reports/skus?${range}`, { key: stack.keys.storefront })).status).toBe(403);
    expect((await stack.http('GET', `/reports/skus?${range}`, { key: null })).status).toBe(401);
    const cases: [string, string][] = [
      ['/reports/stock-items?from=yesterday&to=2026-01-31', 'from'],
      ['/reports/stock-items?from=2026-01-01&to=nope', 'to'],
      ['/reports/skus?from=2026-01-31&to=2026-01-01', 'to'],
      ['/reports/pools?from=2026-01-01&to=2026-01-01', 'to'],
      ['/reports/pools?from=2020-01-01&to=2026-01-01', 'to'],
      ['/reports/under-performers?from=2026-01-01&to=2026-01-31&maxUtilisation=1.5', 'maxUtilisation'],
      ['/reports/under-performers?from=2026-01-01&to=2026-01-31&maxUtilisation=abc', 'maxUtilisation'],
      ['/reports/skus?from=2026-01-01&to=2026-01-31&format=xml', 'format'],
      ['/reports/skus?to=2026-01-31', 'from'],
    ];
    for (const [path, field] of cases) {
      const res = await stack.http('GET', path);
      expect(`${path} ${res.status}`).toBe(`${path} 400`);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    }
  });

  it('a redelivered ledger event is counted once (idempotent projections)', async () => {
    const events = await inv.events();
    const ledger = events.find((e: any) => e.aggregateId === 'ski_A' && e.data.ledgerEntry?.type === 'income');
    expect(ledger).toBeDefined();
    if (!ledger) return;
    // Past the stream's de-duplication window a redelivery looks like this: the same event again.
    await facts.publishRaw(ledger, `redelivery-${Date.now()}`);
    await facts.settled();
    const res = await stack.http('GET', `/reports/stock-items?${range}&skuId=sku_BIK`);
    expect(res.body.items.find((r: any) => r.stockItemId === 'ski_A').income).toEqual(EUR(30000));
  });

  it('real inventory facts: an item registered and a ledger entry posted through the API show up in the reports', async () => {
    const loc = await inv.location('Live shop');
    const sku = await inv.sku({ code: 'LIVE', name: 'Live bike', purchasePrice: EUR(50000) });
    const item = await inv.item({ tracking: 'serialized', skuId: sku.id, locationId: loc });
    const posted = await stack.http('POST', `/stock-items/${item.id}/ledger`, {
      body: { type: 'income', amount: EUR(1234), reason: 'rental' },
    });
    expect(posted.status).toBe(201);
    await facts.settled();
    const now = new Date();
    const res = await stack.http(
      'GET',
      `/reports/stock-items?from=${new Date(now.getTime() - 86_400_000).toISOString()}&to=${new Date(now.getTime() + 86_400_000).toISOString()}&skuId=${sku.id}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        stockItemId: item.id,
        income: EUR(1234),
        profit: EUR(1234),
        roi: 0.0247,
        status: 'in_use',
      }),
    ]);
    const skus = await stack.http(
      'GET',
      `/reports/skus?from=${new Date(now.getTime() - 86_400_000).toISOString()}&to=${new Date(now.getTime() + 86_400_000).toISOString()}`,
    );
    expect(skus.body.items.find((s: any) => s.skuId === sku.id)).toMatchObject({
      code: 'LIVE',
      units: 1,
      income: EUR(1234),
    });
  });

  it('a rebuild from the streams gives the same answers', async () => {
    const all = async () => {
      const out: unknown[] = [];
      for (const path of ['stock-items', 'skus', 'under-performers', 'pools'])
        out.push(
          (
            await stack.http(
              'GET',
              `/reports/${path}?from=2025-12-01&to=2027-01-01&maxUtilisation=1`.replace(
                /&maxUtilisation=1$/,
                path === 'under-performers' ? '&maxUtilisation=1' : '',
              ),
            )
          ).body,
        );
      return out;
    };
    const before = await all();
    expect((before[0] as any).items.length).toBeGreaterThanOrEqual(4);
    const rebuilt = await facts.rpc<{ applied: number }>(ReportingRpc.rebuild);
    expect(rebuilt.applied).toBeGreaterThan(0);
    expect(await all()).toEqual(before);
  });
});
