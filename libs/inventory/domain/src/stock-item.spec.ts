import { DomainError, StockItemStatuses } from '@circulate/contracts';
import {
  assertLedgerEntry,
  adjustPool,
  assertDistinctCodes,
  assertNoTrackingChange,
  assertStatusTransition,
  effectiveOf,
  handOutUnits,
  initialQuantity,
  ledgerTotals,
  patchOverrides,
  returnUnits,
  sellUnits,
  STATUS_TRANSITIONS,
} from './stock-item';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as DomainError).code;
  }
};

const sku = {
  name: 'Bike S',
  category: ['Bicycles', 'City'],
  attributes: { Brand: 'Trek', size: 'S' },
  purchasePrice: { amount: 49900, currency: 'EUR' },
};

describe('effective fields', () => {
  it('are the SKU’s fields overlaid by the item’s overrides, attributes merged key by key', () => {
    expect(effectiveOf(sku, { name: 'Bike S #7', attributes: { size: 'XS', colour: 'red' } })).toEqual({
      name: 'Bike S #7',
      category: ['Bicycles', 'City'],
      attributes: { Brand: 'Trek', size: 'XS', colour: 'red' },
      purchasePrice: { amount: 49900, currency: 'EUR' },
    });
  });

  it('without a SKU only the item’s own overrides remain', () => {
    expect(effectiveOf(null, { attributes: { colour: 'red' } })).toEqual({
      name: null,
      category: [],
      attributes: { colour: 'red' },
      purchasePrice: null,
    });
  });

  it('an overrides patch replaces given fields and null removes an override', () => {
    expect(patchOverrides({ name: 'A', attributes: { x: 1 } }, { name: null, category: ['C'] })).toEqual({
      attributes: { x: 1 },
      category: ['C'],
    });
  });
});

describe('lifecycle status transitions', () => {
  it.each(StockItemStatuses.flatMap((from) => StockItemStatuses.map((to) => [from, to] as const)))(
    '%s → %s follows the table',
    (from, to) => {
      const allowed = from === to || STATUS_TRANSITIONS[from].includes(to);
      expect(code(() => assertStatusTransition(from, to))).toBe(allowed ? undefined : 'INVALID_STATE_TRANSITION');
    },
  );

  it('sold is final', () => {
    expect(STATUS_TRANSITIONS.sold).toEqual([]);
  });
});

describe('the one-way door', () => {
  it('a serialized item is one unit', () => {
    expect(initialQuantity('serialized', undefined)).toBe(1);
    expect(code(() => initialQuantity('serialized', 2))).toBe('VALIDATION_FAILED');
    expect(initialQuantity('pooled', 40)).toBe(40);
  });

  it('tracking never changes and quantity moves only by adjustments', () => {
    expect(
      code(() => assertNoTrackingChange({ tracking: 'serialized', quantity: 1 }, { tracking: 'serialized' })),
    ).toBe('TRACKING_IMMUTABLE');
    expect(code(() => assertNoTrackingChange({ tracking: 'serialized', quantity: 1 }, { quantity: 3 }))).toBe(
      'TRACKING_IMMUTABLE',
    );
    expect(code(() => assertNoTrackingChange({ tracking: 'pooled', quantity: 5 }, { quantity: 6 }))).toBe(
      'UNPROCESSABLE',
    );
    expect(code(() => assertNoTrackingChange({ tracking: 'pooled', quantity: 5 }, { quantity: 5 }))).toBeUndefined();
  });
});

describe('codes of one request', () => {
  it('may be neither empty nor repeated', () => {
    expect(code(() => assertDistinctCodes(['A', 'B']))).toBeUndefined();
    expect(code(() => assertDistinctCodes(['A', 'A']))).toBe('VALIDATION_FAILED');
    expect(code(() => assertDistinctCodes([' ']))).toBe('VALIDATION_FAILED');
  });
});

describe('units in and out', () => {
  it('a pool hands out never more than are in', () => {
    expect(handOutUnits('pooled', { in: 5, out: 0 }, 3)).toEqual({ state: { in: 2, out: 3 }, quantity: 3 });
    expect(code(() => handOutUnits('pooled', { in: 2, out: 3 }, 3))).toBe('CONFLICT');
    expect(code(() => handOutUnits('serialized', { in: 0, out: 1 }, undefined))).toBe('CONFLICT');
  });

  it('a return never brings back more than the order has out', () => {
    expect(returnUnits('pooled', { in: 2, out: 3 }, 3, 2)).toEqual({ state: { in: 4, out: 1 }, quantity: 2 });
    expect(code(() => returnUnits('pooled', { in: 2, out: 3 }, 1, 2))).toBe('CONFLICT');
    expect(code(() => returnUnits('serialized', { in: 1, out: 0 }, 0, undefined))).toBe('CONFLICT');
  });

  it('a pool adjustment never goes below the units out', () => {
    expect(adjustPool('pooled', 10, { in: 6, out: 4 }, -6)).toEqual({ quantity: 4, state: { in: 0, out: 4 } });
    expect(code(() => adjustPool('pooled', 10, { in: 6, out: 4 }, -7))).toBe('CONFLICT');
    expect(code(() => adjustPool('serialized', 1, { in: 1, out: 0 }, 1))).toBe('UNPROCESSABLE');
  });

  it('selling from a pool takes the order’s units out first, and the pool is sold when none remain', () => {
    const pool = { tracking: 'pooled' as const, quantity: 4, state: { in: 2, out: 2 }, status: 'in_use' as const };
    expect(sellUnits(pool, 2, 3)).toMatchObject({
      quantity: 1,
      state: { in: 1, out: 0 },
      status: 'in_use',
      fromOut: 2,
    });
    expect(sellUnits(pool, 2, 4)).toMatchObject({ quantity: 0, state: { in: 0, out: 0 }, status: 'sold' });
    expect(code(() => sellUnits(pool, 0, 3))).toBe('CONFLICT');
  });
});

describe('ledger totals', () => {
  it('add income and cost in the ledger’s currency', () => {
    const eur = (amount: number) => ({ amount, currency: 'EUR' });
    expect(
      ledgerTotals(
        [
          { type: 'income', amount: eur(100) },
          { type: 'cost', amount: eur(30) },
          { type: 'income', amount: eur(5) },
        ],
        'USD',
      ),
    ).toEqual({
      income: eur(105),
      cost: eur(30),
    });
    expect(ledgerTotals([], 'USD')).toEqual({
      income: { amount: 0, currency: 'USD' },
      cost: { amount: 0, currency: 'USD' },
    });
  });
});

describe('ledger entries', () => {
  const eur = (amount: number) => ({ amount, currency: 'EUR' });

  it('refuse an entry whose total of its type would pass the safe-integer range', () => {
    const entries = Array.from({ length: 9007 }, () => ({ type: 'cost' as const, amount: eur(1_000_000_000_000) }));
    expect(() => assertLedgerEntry(entries, 'cost', eur(1_000_000_000_000))).toThrow(/total/);
    expect(() => assertLedgerEntry(entries, 'income', eur(1_000_000_000_000))).not.toThrow();
  });

  it('refuse another currency than the ledger’s', () => {
    expect(() => assertLedgerEntry([{ type: 'cost', amount: eur(1) }], 'cost', { amount: 1, currency: 'USD' })).toThrow(
      /EUR/,
    );
  });
});
