import fc from 'fast-check';
import { ItemTimeline } from './timeline';
import type { EngineReservation } from './types';

const H = 3_600_000;

/** Reservations on one item: up to 40 (past the scan's 32), quantities 1–3, hours in two weeks. */
const bookings = fc.array(
  fc.record({
    at: fc.integer({ min: 0, max: 300 }),
    hours: fc.integer({ min: 1, max: 72 }),
    quantity: fc.integer({ min: 1, max: 3 }),
  }),
  { maxLength: 40 },
);
const window = fc.record({ at: fc.integer({ min: -20, max: 320 }), hours: fc.integer({ min: 1, max: 96 }) });

function timeline(list: { at: number; hours: number; quantity: number }[]): ItemTimeline {
  const t = new ItemTimeline();
  list.forEach((b, i) =>
    t.set({
      id: `r${i}`,
      stockItemId: 'ski_1',
      start: b.at * H,
      end: (b.at + b.hours) * H,
      quantity: b.quantity,
    } as EngineReservation),
  );
  return t;
}

describe('ItemTimeline', () => {
  it('answers peak and freeGap alike from a scan of a changed timeline and from its rebuilt step function', () => {
    fc.assert(
      fc.property(bookings, window, (list, w) => {
        const start = w.at * H;
        const end = (w.at + w.hours) * H;
        const changed = timeline(list); // dirty: small enough to be scanned
        const rebuilt = timeline(list);
        rebuilt.steps(); // rebuilt now: answers from its arrays
        const peak = rebuilt.peak(start, end);
        expect(changed.peak(start, end)).toBe(peak);
        const again = timeline(list);
        expect(again.freeGap(start, end, peak)).toEqual(rebuilt.freeGap(start, end, peak));
      }),
      { numRuns: 3000 },
    );
  });
});
