import { AvailabilityIndex } from './availability-index';
import { allocate, calendar, checkAvailability, validateAllocation } from './engine';
import { firstFitPolicy } from './policy';
import { at, booking, pool, unit } from './test-helpers';
import { blockedPeriod } from './time';
import type { AllocationLine, AvailabilityRequest, EngineListing, FulfillmentRule } from './types';

const listing = (rules: FulfillmentRule[], locationIds: string[] = []): EngineListing => ({ rules, locationIds });
const bySku = (
  id: string,
  skuCodes: string[],
  quantity = 1,
  extra: Partial<FulfillmentRule> = {},
): FulfillmentRule => ({
  id,
  quantity,
  match: { skuCodes },
  ...extra,
});
const period = (start: string, end: string, extra: Partial<AvailabilityRequest> = {}): AvailabilityRequest => ({
  start: at(start),
  end: at(end),
  ...extra,
});

/** Books an allocation into the index, as the availability service does after `allocate`. */
function book(index: AvailabilityIndex, lines: readonly AllocationLine[]): void {
  for (const l of lines) {
    index.addReservation(booking(l.stockItemId, l.blocked.start, l.blocked.end, l.quantity));
  }
}

describe('free capacity over a period', () => {
  it('a pool reserves by peak, not sum', () => {
    const index = new AvailabilityIndex(
      [pool('helmets', 'HELMET', 10)],
      [
        booking('helmets', '2025-06-01T00:00:00Z', '2025-06-02T00:00:00Z', 4),
        booking('helmets', '2025-06-03T00:00:00Z', '2025-06-04T00:00:00Z', 5),
      ],
    );
    const helmet = listing([bySku('r1', ['HELMET'])]);
    // 4 + 5 = 9 reserved in sum, but never more than 5 at once.
    const result = checkAvailability(
      index,
      helmet,
      period('2025-06-01T00:00:00Z', '2025-06-05T00:00:00Z', { quantity: 5 }),
    );
    expect(result).toEqual({ available: true, quantity: 5, rules: [{ ruleId: 'r1', required: 5, free: 5 }] });

    // Overlapping holds do add up.
    index.addReservation(booking('helmets', '2025-06-03T12:00:00Z', '2025-06-06T00:00:00Z', 3));
    expect(checkAvailability(index, helmet, period('2025-06-01T00:00:00Z', '2025-06-05T00:00:00Z')).quantity).toBe(2);
  });

  it('back-to-back bookings do not collide (half-open)', () => {
    const index = new AvailabilityIndex(
      [unit('bike', 'BIK-S')],
      [booking('bike', '2025-06-01T10:00:00Z', '2025-06-01T12:00:00Z')],
    );
    const bike = listing([bySku('r1', ['BIK-S'])]);
    expect(checkAvailability(index, bike, period('2025-06-01T12:00:00Z', '2025-06-01T14:00:00Z')).available).toBe(true);
    expect(checkAvailability(index, bike, period('2025-06-01T08:00:00Z', '2025-06-01T10:00:00Z')).available).toBe(true);
    expect(checkAvailability(index, bike, period('2025-06-01T11:59:00Z', '2025-06-01T14:00:00Z')).available).toBe(
      false,
    );
    expect(checkAvailability(index, bike, period('2025-06-01T08:00:00Z', '2025-06-01T10:01:00Z')).available).toBe(
      false,
    );
  });

  it("buffers block the unit but not the customer's dates", () => {
    const cleaning: FulfillmentRule = bySku('r1', ['BIK-S'], 1, { bufferBefore: 'PT2H', bufferAfter: 'P1D' });
    const withBuffers = listing([cleaning]);
    const withoutBuffers = listing([bySku('r2', ['BIK-S'])]);
    const index = new AvailabilityIndex([unit('bike', 'BIK-S')]);

    const request = period('2025-06-01T10:00:00Z', '2025-06-03T10:00:00Z');
    const result = allocate(index, withBuffers, request);
    if (!result.ok) throw new Error('expected an allocation');
    // The reservation blocks the unit from 08:00 on the 1st to 10:00 on the 4th…
    expect(result.allocations[0].blocked).toEqual({
      start: at('2025-06-01T08:00:00Z'),
      end: at('2025-06-04T10:00:00Z'),
    });
    expect(blockedPeriod({ start: request.start, end: request.end }, cleaning)).toEqual(result.allocations[0].blocked);
    // …while the customer's own period is unchanged.
    expect([request.start, request.end]).toEqual([at('2025-06-01T10:00:00Z'), at('2025-06-03T10:00:00Z')]);
    book(index, result.allocations);

    // Inside the after-buffer the unit is not free, even for a listing without buffers.
    expect(
      checkAvailability(index, withoutBuffers, period('2025-06-03T10:00:00Z', '2025-06-04T09:00:00Z')).quantity,
    ).toBe(0);
    expect(
      checkAvailability(index, withoutBuffers, period('2025-06-04T10:00:00Z', '2025-06-05T00:00:00Z')).quantity,
    ).toBe(1);
    // A request under the buffered rule widens its own window too: it needs 2 h before its start.
    expect(checkAvailability(index, withBuffers, period('2025-06-04T11:00:00Z', '2025-06-05T00:00:00Z')).quantity).toBe(
      0,
    );
    expect(checkAvailability(index, withBuffers, period('2025-06-04T12:00:00Z', '2025-06-05T00:00:00Z')).quantity).toBe(
      1,
    );
    // And its after-buffer must not run into the existing booking's before-buffer.
    expect(
      checkAvailability(index, withoutBuffers, period('2025-05-31T00:00:00Z', '2025-06-01T08:00:00Z')).quantity,
    ).toBe(1);
    expect(checkAvailability(index, withBuffers, period('2025-05-30T00:00:00Z', '2025-05-31T08:00:00Z')).quantity).toBe(
      1,
    );
    expect(checkAvailability(index, withBuffers, period('2025-05-30T00:00:00Z', '2025-05-31T09:00:00Z')).quantity).toBe(
      0,
    );
  });

  it('retired items (out_of_use, lost, sold) are never matched', () => {
    const index = new AvailabilityIndex([
      unit('b1', 'BIK-S'),
      unit('b2', 'BIK-S', { status: 'out_of_use' }),
      unit('b3', 'BIK-S', { status: 'lost' }),
      unit('b4', 'BIK-S', { status: 'sold' }),
      pool('p1', 'BIK-S', 5, { status: 'out_of_use' }),
    ]);
    const bike = listing([bySku('r1', ['BIK-S'])]);
    const request = period('2025-06-01T00:00:00Z', '2025-06-02T00:00:00Z', { quantity: 2 });
    expect(checkAvailability(index, bike, request)).toMatchObject({
      available: false,
      quantity: 1,
      rules: [{ free: 1 }],
    });
    const result = allocate(index, bike, { ...request, quantity: 1 });
    expect(result.ok && result.allocations.map((l) => l.stockItemId)).toEqual(['b1']);

    // Back in use, it counts again.
    index.upsertItem(unit('b2', 'BIK-S'));
    expect(checkAvailability(index, bike, request).quantity).toBe(2);
  });

  it('filters by location: the listing locations and the requested one', () => {
    const index = new AvailabilityIndex([
      unit('a1', 'BIK-S', { locationId: 'loc_a' }),
      unit('a2', 'BIK-S', { locationId: 'loc_a' }),
      unit('b1', 'BIK-S', { locationId: 'loc_b' }),
    ]);
    const p = period('2025-06-01T00:00:00Z', '2025-06-02T00:00:00Z');
    const everywhere = listing([bySku('r1', ['BIK-S'])]);
    const onlyA = listing([bySku('r1', ['BIK-S'])], ['loc_a']);
    expect(checkAvailability(index, everywhere, p).quantity).toBe(3);
    expect(checkAvailability(index, everywhere, { ...p, locationId: 'loc_b' }).quantity).toBe(1);
    expect(checkAvailability(index, onlyA, p).quantity).toBe(2);
    expect(checkAvailability(index, onlyA, { ...p, locationId: 'loc_a' }).quantity).toBe(2);
    // A location the listing is not fulfilled from offers nothing.
    expect(checkAvailability(index, onlyA, { ...p, locationId: 'loc_b' }).quantity).toBe(0);
    const result = allocate(index, onlyA, { ...p, quantity: 2 });
    expect(result.ok && result.allocations.map((l) => l.stockItemId).sort()).toEqual(['a1', 'a2']);
  });
});

describe('bundles', () => {
  it('solves shared units as one assignment: rule A {x, y}, rule B {x} gives y to A and x to B', () => {
    const index = new AvailabilityIndex([unit('x', 'X'), unit('y', 'Y')]);
    const bundle = listing([bySku('A', ['X', 'Y']), bySku('B', ['X'])]);
    const p = period('2025-06-01T00:00:00Z', '2025-06-02T00:00:00Z');
    expect(checkAvailability(index, bundle, p)).toEqual({
      available: true,
      quantity: 1,
      rules: [
        { ruleId: 'A', required: 1, free: 2 },
        { ruleId: 'B', required: 1, free: 1 },
      ],
    });
    // firstFitPolicy would hand x to A first; the flow still finds the only valid split.
    for (const policy of [undefined, firstFitPolicy]) {
      const result = allocate(index, bundle, p, policy);
      expect(result.ok && result.allocations.map((l) => [l.ruleId, l.stockItemId]).sort()).toEqual([
        ['A', 'y'],
        ['B', 'x'],
      ]);
    }
  });

  it('a failed bundle leaves nothing allocated', () => {
    const items = [
      unit('t1', 'EVENT-TABLE-001'),
      ...Array.from({ length: 6 }, (_, i) => unit(`c${i}`, 'EVENT-CHAIR-001')),
    ];
    const index = new AvailabilityIndex(items, [booking('c0', '2025-06-01T00:00:00Z', '2025-06-10T00:00:00Z')]);
    const party = listing([bySku('table', ['EVENT-TABLE-001'], 1), bySku('chairs', ['EVENT-CHAIR-001'], 6)]);
    const before = index.reservationCount;
    const result = allocate(index, party, period('2025-06-02T00:00:00Z', '2025-06-03T00:00:00Z'));
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'UNAVAILABLE',
        message: '0 of 1 fit',
        details: {
          quantity: 0,
          rules: [
            { ruleId: 'table', required: 1, free: 1 },
            { ruleId: 'chairs', required: 6, free: 5 },
          ],
        },
      },
    });
    expect(index.reservationCount).toBe(before);
    // The table alone is still free for its own listing.
    expect(
      checkAvailability(
        index,
        listing([bySku('t', ['EVENT-TABLE-001'])]),
        period('2025-06-02T00:00:00Z', '2025-06-03T00:00:00Z'),
      ).quantity,
    ).toBe(1);
  });

  it('party set: 1 table + 6 chairs from 2 tables and 10 chairs gives 1 set', () => {
    const items = [
      unit('t1', 'EVENT-TABLE-001'),
      unit('t2', 'EVENT-TABLE-001'),
      ...Array.from({ length: 10 }, (_, i) => unit(`c${i}`, 'EVENT-CHAIR-001')),
    ];
    const index = new AvailabilityIndex(items);
    const party = listing([bySku('table', ['EVENT-TABLE-001'], 1), bySku('chairs', ['EVENT-CHAIR-001'], 6)]);
    const p = period('2025-06-01T00:00:00Z', '2025-06-02T00:00:00Z', { quantity: 2 });
    expect(checkAvailability(index, party, p)).toEqual({
      available: false,
      quantity: 1,
      rules: [
        { ruleId: 'table', required: 2, free: 2 },
        { ruleId: 'chairs', required: 12, free: 10 },
      ],
    });
    const result = allocate(index, party, { ...p, quantity: 1 });
    if (!result.ok) throw new Error('expected an allocation');
    expect(result.allocations.filter((l) => l.ruleId === 'table')).toHaveLength(1);
    expect(result.allocations.filter((l) => l.ruleId === 'chairs')).toHaveLength(6);
    expect(new Set(result.allocations.map((l) => l.stockItemId)).size).toBe(7);
  });

  it('a pool serves several rules up to its free count', () => {
    const index = new AvailabilityIndex(
      [pool('chairs', 'CHAIR', 10)],
      [booking('chairs', '2025-06-01T00:00:00Z', '2025-06-03T00:00:00Z', 3)],
    );
    const twoRules = listing([bySku('a', ['CHAIR'], 2), bySku('b', ['CHAIR'], 1)]);
    const p = period('2025-06-01T00:00:00Z', '2025-06-02T00:00:00Z');
    expect(checkAvailability(index, twoRules, p)).toMatchObject({ quantity: 2, rules: [{ free: 7 }, { free: 7 }] });
    const result = allocate(index, twoRules, { ...p, quantity: 2 });
    expect(result.ok && result.allocations).toEqual([
      { ruleId: 'a', stockItemId: 'chairs', quantity: 4, blocked: { start: p.start, end: p.end } },
      { ruleId: 'b', stockItemId: 'chairs', quantity: 2, blocked: { start: p.start, end: p.end } },
    ]);
  });

  it('a pool shared by rules with different buffers is capped per window and where the windows overlap', () => {
    // 4 chairs, 2 held on the 5th. Rule a needs a day before, rule b a day after.
    const index = new AvailabilityIndex(
      [pool('chairs', 'CHAIR', 4)],
      [booking('chairs', '2025-06-05T00:00:00Z', '2025-06-06T00:00:00Z', 2)],
    );
    const bundle = listing([
      bySku('a', ['CHAIR'], 1, { bufferBefore: 'P1D' }),
      bySku('b', ['CHAIR'], 1, { bufferAfter: 'P1D' }),
    ]);
    // Period the 6th: a's window [5th, 7th) sees the hold, b's window [6th, 8th) does not.
    const p = period('2025-06-06T00:00:00Z', '2025-06-07T00:00:00Z');
    expect(checkAvailability(index, bundle, p)).toMatchObject({ quantity: 2, rules: [{ free: 2 }, { free: 4 }] });
    const result = allocate(index, bundle, { ...p, quantity: 2 });
    expect(result.ok).toBe(true);
    expect(checkAvailability(index, bundle, { ...p, quantity: 3 }).available).toBe(false);
  });
});

describe('seed scenarios', () => {
  it('one bike in three listings sharing one rule: a booking through one makes it unavailable through the others', () => {
    const rule: FulfillmentRule = bySku('bike', ['BIK-S']);
    const daily = listing([rule]);
    const weekly = listing([{ ...rule }]);
    const sale = listing([{ ...rule }]);
    const index = new AvailabilityIndex([unit('bike_1', 'BIK-S')]);
    const p = period('2025-06-01T00:00:00Z', '2025-06-08T00:00:00Z');
    for (const l of [daily, weekly, sale]) expect(checkAvailability(index, l, p).available).toBe(true);

    const result = allocate(index, weekly, p);
    if (!result.ok) throw new Error('expected an allocation');
    book(index, result.allocations);
    for (const l of [daily, weekly, sale]) expect(checkAvailability(index, l, p).available).toBe(false);
    expect(checkAvailability(index, daily, period('2025-06-03T00:00:00Z', '2025-06-04T00:00:00Z')).available).toBe(
      false,
    );
    expect(checkAvailability(index, daily, period('2025-06-08T00:00:00Z', '2025-06-09T00:00:00Z')).available).toBe(
      true,
    );
  });

  it('S/M/L by variant with skuCodeByVariant', () => {
    const index = new AvailabilityIndex([
      unit('s1', 'BIK-S', { attributes: { frameSize: 'S' } }),
      unit('s2', 'BIK-S', { attributes: { frameSize: 'S' } }),
      unit('m1', 'BIK-M', { attributes: { frameSize: 'M' } }),
      unit('m2', 'BIK-M', { attributes: { frameSize: 'M' } }),
      unit('m3', 'BIK-M', { attributes: { frameSize: 'M' } }),
      unit('l1', 'BIK-L', { attributes: { frameSize: 'L' } }),
    ]);
    const anySize = listing([
      {
        id: 'bike',
        quantity: 1,
        match: { skuCodeByVariant: { axis: 'Size', map: { S: 'BIK-S', M: 'BIK-M', L: 'BIK-L' } } },
      },
    ]);
    const p = period('2025-06-01T00:00:00Z', '2025-06-02T00:00:00Z');
    const q = (variant: Record<string, string>): number =>
      checkAvailability(index, anySize, { ...p, variant }).quantity;
    expect([q({ Size: 'S' }), q({ Size: 'M' }), q({ Size: 'L' })]).toEqual([2, 3, 1]);
    // No variant chosen, or a value the map does not know: the rule matches nothing.
    expect([q({}), q({ Size: 'XL' }), q({ Colour: 'S' })]).toEqual([0, 0, 0]);

    // The same through an attribute taken from the variant; compared as strings.
    const byAttribute = listing([
      { id: 'bike', quantity: 1, match: { attributes: { frameSize: { fromVariant: 'Size' } } } },
    ]);
    expect(checkAvailability(index, byAttribute, { ...p, variant: { Size: 'M' } }).quantity).toBe(3);
    const result = allocate(index, anySize, { ...p, variant: { Size: 'L' } });
    expect(result.ok && result.allocations.map((l) => l.stockItemId)).toEqual(['l1']);
  });

  it('attributes compare as strings: literal values, numbers and booleans', () => {
    const index = new AvailabilityIndex([
      unit('k1', null, { attributes: { wheel: 26, ebike: true } }),
      unit('k2', null, { attributes: { wheel: '26', ebike: false } }),
      unit('k3', null, { attributes: { wheel: 28 } }),
    ]);
    const p = period('2025-06-01T00:00:00Z', '2025-06-02T00:00:00Z');
    const q = (attributes: Record<string, string | number | boolean>): number =>
      checkAvailability(index, listing([{ id: 'r', quantity: 1, match: { attributes } }]), p).quantity;
    expect(q({ wheel: 26 })).toBe(2);
    expect(q({ wheel: '26', ebike: true })).toBe(1);
    expect(q({ ebike: 'false' })).toBe(1);
    expect(q({ wheel: 29 })).toBe(0);
  });

  it('a rule with no condition matches nothing', () => {
    const index = new AvailabilityIndex([unit('k1', 'A')]);
    const p = period('2025-06-01T00:00:00Z', '2025-06-02T00:00:00Z');
    expect(checkAvailability(index, listing([{ id: 'r', quantity: 1, match: {} }]), p).quantity).toBe(0);
    expect(checkAvailability(index, listing([]), p)).toEqual({ available: false, quantity: 0, rules: [] });
  });
});

describe('allocation policy', () => {
  it('best fit takes the unit whose free gap around the period is tightest', () => {
    const index = new AvailabilityIndex(
      [unit('wide', 'BIK'), unit('tight', 'BIK'), unit('idle', 'BIK')],
      [
        booking('wide', '2025-05-01T00:00:00Z', '2025-05-02T00:00:00Z'),
        booking('wide', '2025-07-01T00:00:00Z', '2025-07-02T00:00:00Z'),
        booking('tight', '2025-06-01T00:00:00Z', '2025-06-10T00:00:00Z'),
        booking('tight', '2025-06-12T00:00:00Z', '2025-06-20T00:00:00Z'),
      ],
    );
    const bike = listing([bySku('r', ['BIK'])]);
    const p = period('2025-06-10T00:00:00Z', '2025-06-12T00:00:00Z');
    const first = allocate(index, bike, p);
    expect(first.ok && first.allocations[0].stockItemId).toBe('tight');
    const three = allocate(index, bike, { ...p, quantity: 3 });
    expect(three.ok && three.allocations.map((l) => l.stockItemId)).toEqual(['tight', 'wide', 'idle']);
  });

  it('best fit never makes a feasible bundle fail', () => {
    // x is the tightest fit for A, but B can only use x.
    const index = new AvailabilityIndex(
      [unit('x', 'X'), unit('y', 'Y')],
      [
        booking('x', '2025-06-01T00:00:00Z', '2025-06-10T00:00:00Z'),
        booking('x', '2025-06-11T00:00:00Z', '2025-06-20T00:00:00Z'),
      ],
    );
    const bundle = listing([bySku('A', ['X', 'Y']), bySku('B', ['X'])]);
    const result = allocate(index, bundle, period('2025-06-10T00:00:00Z', '2025-06-11T00:00:00Z'));
    expect(result.ok && result.allocations.map((l) => `${l.ruleId}:${l.stockItemId}`).sort()).toEqual(['A:y', 'B:x']);
  });

  it('validateAllocation reports double use and over-capacity', () => {
    const index = new AvailabilityIndex([unit('x', 'X')]);
    const l = listing([bySku('A', ['X']), bySku('B', ['X'])]);
    const p = period('2025-06-01T00:00:00Z', '2025-06-02T00:00:00Z');
    const blocked = { start: p.start, end: p.end };
    const problems = validateAllocation(index, l, p, [
      { ruleId: 'A', stockItemId: 'x', quantity: 1, blocked },
      { ruleId: 'B', stockItemId: 'x', quantity: 1, blocked },
    ]);
    expect(problems.join()).toMatch(/over capacity/);
  });
});

describe('calendar', () => {
  it('counts whole local days across the DST changes in Europe/Helsinki', () => {
    const index = new AvailabilityIndex([unit('bike', 'BIK')]);
    const bike = listing([bySku('r', ['BIK'])]);
    // 00:00-01:00 local on 31 March (already UTC+3) is 21:00-22:00 UTC on the 30th.
    index.addReservation(booking('bike', '2025-03-30T21:00:00Z', '2025-03-30T22:00:00Z'));
    // 00:30 local on 26 October (still UTC+3) is 21:30 UTC on the 25th.
    index.addReservation(booking('bike', '2025-10-25T21:30:00Z', '2025-10-25T21:45:00Z'));
    // 23:30 local on 26 October (UTC+2 by then) is 21:30 UTC on the 26th.
    index.addReservation(booking('bike', '2025-10-26T21:30:00Z', '2025-10-26T21:45:00Z'));
    const days = (from: string, to: string, timeZone?: string): string =>
      calendar(index, bike, { from, to, timeZone })
        .days.map((d) => `${d.date}:${d.quantity}`)
        .join(' ');

    // 30 March has 23 hours: [2025-03-29T22:00Z, 2025-03-30T21:00Z); the booking falls on the 31st.
    expect(days('2025-03-29', '2025-04-01', 'Europe/Helsinki')).toBe('2025-03-29:1 2025-03-30:1 2025-03-31:0');
    expect(days('2025-03-29', '2025-04-01')).toBe('2025-03-29:1 2025-03-30:0 2025-03-31:1');
    // 26 October has 25 hours: [2025-10-25T21:00Z, 2025-10-26T22:00Z) holds both bookings.
    expect(days('2025-10-25', '2025-10-28', 'Europe/Helsinki')).toBe('2025-10-25:1 2025-10-26:0 2025-10-27:1');
    expect(days('2025-10-25', '2025-10-28')).toBe('2025-10-25:0 2025-10-26:0 2025-10-27:1');
  });

  it('each day equals a check for that whole day, buffers included', () => {
    const items = [unit('x', 'X'), unit('y', 'Y'), pool('p', 'P', 3)];
    const index = new AvailabilityIndex(items, [
      booking('x', '2025-06-02T10:00:00Z', '2025-06-03T10:00:00Z'),
      booking('y', '2025-06-04T00:00:00Z', '2025-06-05T00:00:00Z'),
      booking('p', '2025-06-01T12:00:00Z', '2025-06-06T00:00:00Z', 2),
    ]);
    const bundle = listing([
      bySku('A', ['X', 'Y'], 1, { bufferAfter: 'PT6H' }),
      bySku('B', ['X']),
      bySku('C', ['P'], 1, { bufferBefore: 'P1D' }),
    ]);
    const cal = calendar(index, bundle, { from: '2025-06-01', to: '2025-06-09', timeZone: 'Europe/Helsinki' });
    expect(cal.days).toHaveLength(8);
    for (const day of cal.days) {
      const start = Date.parse(`${day.date}T00:00:00+03:00`);
      const check = checkAvailability(index, bundle, { start, end: start + 86_400_000, timeZone: 'Europe/Helsinki' });
      expect(`${day.date}:${day.quantity}`).toBe(`${day.date}:${check.quantity}`);
    }
    expect(cal.days.map((d) => d.quantity)).toEqual([1, 0, 0, 0, 0, 1, 1, 1]);
  });

  it('rejects ranges over 366 days', () => {
    const index = new AvailabilityIndex();
    expect(() => calendar(index, listing([bySku('r', ['X'])]), { from: '2025-01-01', to: '2026-01-03' })).toThrow(
      RangeError,
    );
    expect(calendar(index, listing([bySku('r', ['X'])]), { from: '2025-01-01', to: '2026-01-02' }).days).toHaveLength(
      366,
    );
  });
});
