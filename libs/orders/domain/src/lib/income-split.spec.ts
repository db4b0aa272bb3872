import fc from 'fast-check';
import { splitLineIncome } from './income-split';

describe('splitting a line price over the units that earned it', () => {
  it('two serialized bikes share a 9,001-cent line as 4,501 + 4,500, the extra cent to the lower id', () => {
    expect(
      splitLineIncome(9001, [
        { stockItemId: 'ski_B', units: 1 },
        { stockItemId: 'ski_A', units: 1 },
      ]),
    ).toEqual([
      { stockItemId: 'ski_A', amount: 4501 },
      { stockItemId: 'ski_B', amount: 4500 },
    ]);
  });

  it('a pool is paid by units: a table and six chairs from one pool split a line 1 : 6', () => {
    expect(
      splitLineIncome(7000, [
        { stockItemId: 'ski_table', units: 1 },
        { stockItemId: 'ski_chairs', units: 6 },
      ]),
    ).toEqual([
      { stockItemId: 'ski_chairs', amount: 6000 },
      { stockItemId: 'ski_table', amount: 1000 },
    ]);
  });

  it('a pool that appears in several allocations of one line is one part', () => {
    expect(
      splitLineIncome(300, [
        { stockItemId: 'ski_pool', units: 1 },
        { stockItemId: 'ski_pool', units: 2 },
      ]),
    ).toEqual([{ stockItemId: 'ski_pool', amount: 300 }]);
  });

  it('refuses what cannot be split exactly', () => {
    expect(() => splitLineIncome(10.5, [{ stockItemId: 'a', units: 1 }])).toThrow(RangeError);
    expect(() => splitLineIncome(-1, [{ stockItemId: 'a', units: 1 }])).toThrow(RangeError);
    expect(() => splitLineIncome(100, [])).toThrow(RangeError);
    expect(splitLineIncome(0, [])).toEqual([]);
  });

  const shares = fc.array(
    fc.record({ stockItemId: fc.constantFrom('a', 'b', 'c', 'd', 'e'), units: fc.integer({ min: 1, max: 50 }) }),
    {
      minLength: 1,
      maxLength: 8,
    },
  );

  it('the parts always add up to the line, each within one minor unit per unit of its fair share', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), shares, (amount, lineShares) => {
        const parts = splitLineIncome(amount, lineShares);
        expect(parts.reduce((sum, p) => sum + p.amount, 0)).toBe(amount);
        const totalUnits = lineShares.reduce((sum, s) => sum + s.units, 0);
        for (const part of parts) {
          const units = lineShares
            .filter((s) => s.stockItemId === part.stockItemId)
            .reduce((sum, s) => sum + s.units, 0);
          const fair = (amount * units) / totalUnits;
          expect(Math.abs(part.amount - fair)).toBeLessThanOrEqual(units);
        }
      }),
    );
  });

  it('the split does not depend on the order of the allocations', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 9 }), shares, (amount, lineShares) => {
        expect(splitLineIncome(amount, [...lineShares].reverse())).toEqual(splitLineIncome(amount, lineShares));
      }),
    );
  });
});
