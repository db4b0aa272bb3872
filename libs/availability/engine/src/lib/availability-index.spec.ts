import fc from 'fast-check';
import { AvailabilityIndex } from './availability-index';
import { checkAvailability } from './engine';
import { booking, pool, unit } from './test-helpers';
import type { EngineListing } from './types';

const day = (d: number): number => Date.UTC(2025, 5, 1) + d * 86_400_000;
const bikes: EngineListing = { rules: [{ id: 'r', quantity: 1, match: { skuCodes: ['BIK'] } }], locationIds: [] };

describe('AvailabilityIndex (incremental read model)', () => {
  it('add, replace and remove reservations by id (idempotent)', () => {
    const index = new AvailabilityIndex([unit('b1', 'BIK')]);
    const req = { start: day(1), end: day(2) };
    index.addReservation(booking('b1', day(0), day(3), 1, 'res_1'));
    index.addReservation(booking('b1', day(0), day(3), 1, 'res_1'));
    expect(index.reservationCount).toBe(1);
    expect(checkAvailability(index, bikes, req).quantity).toBe(0);
    // Replacing moves it off the period.
    index.addReservation(booking('b1', day(5), day(6), 1, 'res_1'));
    expect(checkAvailability(index, bikes, req).quantity).toBe(1);
    index.addReservation(booking('b1', day(1), day(2), 1, 'res_1'));
    expect(index.removeReservation('res_1')).toBe(true);
    expect(index.removeReservation('res_1')).toBe(false);
    expect(checkAvailability(index, bikes, req).quantity).toBe(1);
  });

  it('re-indexes an item when its SKU, attributes, location or status change', () => {
    const index = new AvailabilityIndex([unit('b1', 'OLD')]);
    const req = { start: day(1), end: day(2) };
    expect(checkAvailability(index, bikes, req).quantity).toBe(0);
    index.upsertItem(unit('b1', 'BIK'));
    expect(checkAvailability(index, bikes, req).quantity).toBe(1);
    index.upsertItem(unit('b1', 'BIK', { locationId: 'elsewhere' }));
    expect(checkAvailability(index, { ...bikes, locationIds: ['loc_main'] }, req).quantity).toBe(0);
    index.removeItem('b1');
    expect(checkAvailability(index, bikes, req).quantity).toBe(0);
    expect(index.itemCount).toBe(0);
  });

  it('a reservation that arrives before its item counts once the item does', () => {
    const index = new AvailabilityIndex();
    index.addReservation(booking('b1', day(0), day(3)));
    index.upsertItem(unit('b1', 'BIK'));
    expect(checkAvailability(index, bikes, { start: day(1), end: day(2) }).quantity).toBe(0);
  });

  it('rejects malformed input', () => {
    const index = new AvailabilityIndex();
    expect(() => index.upsertItem(unit('b1', 'BIK', { quantity: 2 }))).toThrow(RangeError);
    expect(() => index.upsertItem(pool('p1', 'P', 0))).toThrow(RangeError);
    expect(() => index.addReservation(booking('b1', day(2), day(2)))).toThrow(RangeError);
    expect(() => index.addReservation(booking('b1', day(1), day(2), 0))).toThrow(RangeError);
  });

  it('peak reserved quantity equals a naive scan after any sequence of adds and removes', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('add' as const),
        id: fc.integer({ min: 0, max: 12 }),
        s: fc.integer({ min: 0, max: 60 }),
        len: fc.integer({ min: 1, max: 20 }),
        q: fc.integer({ min: 1, max: 4 }),
      }),
      fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 12 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 40 }),
        fc.integer({ min: -5, max: 80 }),
        fc.integer({ min: 1, max: 40 }),
        (ops, qs, qlen) => {
          const index = new AvailabilityIndex([pool('p', 'P', 100)]);
          const live = new Map<number, { s: number; e: number; q: number }>();
          for (const o of ops) {
            if (o.kind === 'add') {
              index.addReservation(booking('p', o.s, o.s + o.len, o.q, `r${o.id}`));
              live.set(o.id, { s: o.s, e: o.s + o.len, q: o.q });
            } else {
              index.removeReservation(`r${o.id}`);
              live.delete(o.id);
            }
            // Naive: the level at every integer instant of the window.
            let naive = 0;
            for (let t = qs; t < qs + qlen; t++) {
              let level = 0;
              for (const r of live.values()) if (r.s <= t && t < r.e) level += r.q;
              naive = Math.max(naive, level);
            }
            expect(index.peakReserved('p', qs, qs + qlen)).toBe(naive);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
