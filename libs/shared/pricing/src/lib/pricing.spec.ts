import fc from 'fast-check';
import type { Rate, RateUnit } from '@circulate/contracts';
import { cheapestCover, HOUR_MS, hoursToCover, priceRental, UNIT_HOURS } from './pricing';

const DAY = 24 * HOUR_MS;

/** Brute force: every (n_month, n_week, n_day, n_hour) up to what alone covers the period. */
function bruteForce(rates: Rate[], hours: number): number {
  const by = new Map<RateUnit, number>();
  for (const r of rates) by.set(r.unit, Math.min(r.amount, by.get(r.unit) ?? Infinity));
  const max = (u: RateUnit) => (by.has(u) ? Math.ceil(hours / UNIT_HOURS[u]) : 0);
  let best = Infinity;
  for (let m = 0; m <= max('month'); m++)
    for (let w = 0; w <= max('week'); w++)
      for (let d = 0; d <= max('day'); d++) {
        const covered = m * 720 + w * 168 + d * 24;
        const rest = Math.max(0, hours - covered);
        if (rest > 0 && !by.has('hour')) continue;
        const cost =
          m * (by.get('month') ?? 0) +
          w * (by.get('week') ?? 0) +
          d * (by.get('day') ?? 0) +
          rest * (by.get('hour') ?? 0);
        best = Math.min(best, cost);
      }
  return best;
}

const rateTable = fc
  .subarray(['hour', 'day', 'week', 'month'] as RateUnit[], { minLength: 1 })
  .chain((units) =>
    fc.tuple(...units.map((unit) => fc.integer({ min: 0, max: 50_000 }).map((amount): Rate => ({ unit, amount })))),
  );

describe('cheapestCover', () => {
  const dayAndWeek: Rate[] = [
    { unit: 'day', amount: 40 },
    { unit: 'week', amount: 180 },
  ];

  it('charges 6 days at 40/day and 180/week as one week (180)', () => {
    const rates = dayAndWeek;
    expect(priceRental(rates, 0, 6 * DAY)).toEqual({
      total: 180,
      breakdown: [{ unit: 'week', count: 1, amount: 180 }],
    });
  });

  it('charges 9 days at 40/day and 180/week as one week and two days (260)', () => {
    const rates = dayAndWeek;
    expect(priceRental(rates, 0, 9 * DAY)).toEqual({
      total: 260,
      breakdown: [
        { unit: 'week', count: 1, amount: 180 },
        { unit: 'day', count: 2, amount: 80 },
      ],
    });
  });

  it('charges 3 days at 40/day and 180/week as three days (120)', () => {
    expect(
      priceRental(
        [
          { unit: 'day', amount: 40 },
          { unit: 'week', amount: 180 },
        ],
        0,
        3 * DAY,
      ).total,
    ).toBe(120);
  });

  it('rounds a partial unit up: 25 hours with a day rate only is two days', () => {
    expect(priceRental([{ unit: 'day', amount: 40 }], 0, 25 * HOUR_MS)).toEqual({
      total: 80,
      breakdown: [{ unit: 'day', count: 2, amount: 80 }],
    });
  });

  it('rounds a partial hour up to a whole hour', () => {
    expect(hoursToCover(61 * 60_000)).toBe(2);
    expect(priceRental([{ unit: 'hour', amount: 5 }], 0, 61 * 60_000).total).toBe(10);
  });

  it('treats a month as 30 days', () => {
    const rates: Rate[] = [
      { unit: 'day', amount: 40 },
      { unit: 'month', amount: 500 },
    ];
    expect(priceRental(rates, 0, 30 * DAY).breakdown).toEqual([{ unit: 'month', count: 1, amount: 500 }]);
    expect(priceRental(rates, 0, 31 * DAY).total).toBe(540);
  });

  it('multiplies by the quantity, and the breakdown amounts sum to the total', () => {
    const p = priceRental(
      [
        { unit: 'day', amount: 40 },
        { unit: 'week', amount: 180 },
      ],
      0,
      9 * DAY,
      3,
    );
    expect(p.total).toBe(780);
    expect(p.breakdown.reduce((s, l) => s + l.amount, 0)).toBe(780);
  });

  it('prices a multi-year period exactly without enumerating it', () => {
    const rates: Rate[] = [
      { unit: 'hour', amount: 3 },
      { unit: 'day', amount: 40 },
      { unit: 'week', amount: 180 },
      { unit: 'month', amount: 700 },
    ];
    const hours = 3 * 365 * 24 + 5;
    const p = cheapestCover(rates, hours);
    expect(p.total).toBe(bruteForce(rates, hours));
  });

  it('rejects an empty or negative period and a table without rates', () => {
    expect(() => priceRental([{ unit: 'day', amount: 1 }], 10, 10)).toThrow(RangeError);
    expect(() => priceRental([{ unit: 'day', amount: 1 }], 10, 5)).toThrow(RangeError);
    expect(() => cheapestCover([], 5)).toThrow(RangeError);
  });
});

describe('cheapestCover properties', () => {
  it('is never more than covering the period with any single unit', () => {
    fc.assert(
      fc.property(rateTable, fc.integer({ min: 1, max: 24 * 400 }), (rates, hours) => {
        const { total } = cheapestCover(rates, hours);
        for (const r of rates) expect(total).toBeLessThanOrEqual(Math.ceil(hours / UNIT_HOURS[r.unit]) * r.amount);
      }),
      { numRuns: 500 },
    );
  });

  it('equals the true optimum found by brute force (never less, never more)', () => {
    fc.assert(
      fc.property(rateTable, fc.integer({ min: 1, max: 24 * 70 }), (rates, hours) => {
        expect(cheapestCover(rates, hours).total).toBe(bruteForce(rates, hours));
      }),
      { numRuns: 400 },
    );
  });

  it('returns a breakdown that covers the period and sums to the total', () => {
    fc.assert(
      fc.property(rateTable, fc.integer({ min: 1, max: 24 * 800 }), (rates, hours) => {
        const { total, breakdown } = cheapestCover(rates, hours);
        expect(breakdown.reduce((s, l) => s + l.count * UNIT_HOURS[l.unit], 0)).toBeGreaterThanOrEqual(hours);
        expect(breakdown.reduce((s, l) => s + l.amount, 0)).toBe(total);
        for (const l of breakdown) {
          expect(Number.isInteger(l.count) && l.count > 0).toBe(true);
          expect(l.amount).toBe(l.count * Math.min(...rates.filter((r) => r.unit === l.unit).map((r) => r.amount)));
        }
      }),
      { numRuns: 500 },
    );
  });
});
