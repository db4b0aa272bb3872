import {
  applySnapshot,
  DAY_MS,
  figures,
  integrate,
  ItemProjection,
  peakConcurrent,
  poolFigures,
  SnapshotFact,
} from './projection';

const t = (d: string) => Date.parse(`${d}T00:00:00.000Z`);
let version = 0;
function fact(at: string, patch: Partial<SnapshotFact['item']> = {}, extra: Partial<SnapshotFact> = {}): SnapshotFact {
  return {
    tenantId: 'acme',
    at: t(at),
    changes: [],
    ...extra,
    item: {
      id: 'ski_1',
      skuId: 'sku_1',
      skuCode: 'S',
      tracking: 'serialized',
      quantity: 1,
      locationId: 'loc_1',
      status: 'in_use',
      state: { in: 1, out: 0 },
      effective: { purchasePrice: { amount: 10000, currency: 'EUR' } },
      createdAt: '2026-01-01T00:00:00.000Z',
      version: ++version,
      ...patch,
    },
  };
}

describe('reporting projection', () => {
  beforeEach(() => (version = 0));

  it('integrates units out over event time, and ownership ends at retirement', () => {
    let p = applySnapshot(undefined, fact('2026-01-01')) as ItemProjection;
    p = applySnapshot(p, fact('2026-01-03', { state: { in: 0, out: 1 } })) as ItemProjection;
    p = applySnapshot(p, fact('2026-01-06', { state: { in: 1, out: 0 } })) as ItemProjection;
    p = applySnapshot(p, fact('2026-01-11', { status: 'sold' })) as ItemProjection;
    const f = figures(p, t('2026-01-01'), t('2026-02-01'));
    expect(f).toMatchObject({ daysOut: 3, daysOwned: 10, utilisation: 0.3 });
  });

  it('a snapshot at or below the applied version changes nothing (redelivery), unless idempotency is off', () => {
    const first = applySnapshot(undefined, fact('2026-01-01')) as ItemProjection;
    const entry = {
      id: 'led_1',
      type: 'income' as const,
      amount: { amount: 500, currency: 'EUR' },
      at: '2026-01-02T00:00:00.000Z',
    };
    const ledger = fact('2026-01-02', {}, { ledgerEntry: entry });
    const once = applySnapshot(first, ledger) as ItemProjection;
    expect(applySnapshot(once, ledger)).toBe(false);
    expect(figures(once, t('2026-01-01'), t('2026-02-01')).income).toBe(500);
    const twice = applySnapshot(once, ledger, { idempotent: false }) as ItemProjection;
    expect(figures(twice, t('2026-01-01'), t('2026-02-01')).income).toBe(1000);
  });

  it('a pool reserves by peak of concurrent intervals, and the reorder hint covers peak reserved plus unmet demand at once', () => {
    expect(
      peakConcurrent(
        [
          [0, 10, 2],
          [5, 15, 3],
          [10, 20, 4],
        ],
        0,
        100,
      ),
    ).toBe(7);
    expect(
      peakConcurrent(
        [
          [0, 10, 2],
          [10, 20, 4],
        ],
        0,
        100,
      ),
    ).toBe(4); // touching intervals do not overlap
    const p = applySnapshot(
      undefined,
      fact('2026-01-01', { tracking: 'pooled', quantity: 5, state: { in: 5, out: 0 } }),
    ) as ItemProjection;
    p.reservations = { r1: [t('2026-01-02'), t('2026-01-05'), 4] };
    p.shortfalls = { 'o:0': [t('2026-01-10'), t('2026-01-11'), 3] }; // at another time than the peak
    expect(poolFigures(p, t('2026-01-01'), t('2026-02-01'))).toMatchObject({
      peakReserved: 4,
      unmetDemand: 3,
      suggestedReorder: 0,
    });
    p.shortfalls = { 'o:0': [t('2026-01-03'), t('2026-01-04'), 3] }; // during the peak
    expect(poolFigures(p, t('2026-01-01'), t('2026-02-01')).suggestedReorder).toBe(2);
  });

  it('integrate counts only the part of each step inside the range', () => {
    expect(
      integrate(
        [
          [0, 2],
          [DAY_MS, 0],
        ],
        -DAY_MS,
        DAY_MS / 2,
      ),
    ).toBe(1);
  });
});
