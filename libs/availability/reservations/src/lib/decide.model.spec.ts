import fc from 'fast-check';
import type { ReservationCommand } from '@circulate/contracts';
import { day, exec, pool, problems, unit, world } from './test-world';

/*
 * Model test: random command sequences against a brute-force model of the same rules. The model
 * decides a reserve by enumerating every assignment of the order's units over a discrete day
 * grid, given the units already held (read from the decider's state), and so says whether the
 * order fits; the decider must agree, never over-book, and keep all-or-nothing.
 */

const A_UNITS = ['ski_a0', 'ski_a1', 'ski_a2'];
const POOL = 'ski_p';
const POOL_QTY = 3;
const LISTINGS = {
  lst_a: { rules: [{ id: 'rul_a', quantity: 1, match: { skuCodes: ['A'] } }], locationIds: [] },
  lst_b: { rules: [{ id: 'rul_b', quantity: 1, match: { skuCodes: ['B'] } }], locationIds: [] },
  lst_ab: {
    rules: [
      { id: 'rul_a', quantity: 1, match: { skuCodes: ['A'] } },
      { id: 'rul_b', quantity: 1, match: { skuCodes: ['B'] } },
    ],
    locationIds: [],
  },
} as const;
type ListingId = keyof typeof LISTINGS;
const DAYS = 8;

interface Line {
  listingId: ListingId;
  from: number;
  to: number;
  quantity: number;
}

function fits(held: { stockItemId: string; quantity: number; start: number; end: number }[], lines: Line[]): boolean {
  const occ = new Map<string, number[]>();
  for (const id of [...A_UNITS, POOL]) occ.set(id, new Array(DAYS).fill(0));
  for (const h of held) {
    for (let d = 0; d < DAYS; d++) if (day(d) >= h.start && day(d) < h.end) occ.get(h.stockItemId)![d] += h.quantity;
  }
  const slots: { sku: 'A' | 'B'; from: number; to: number }[] = [];
  for (const l of lines) {
    for (let q = 0; q < l.quantity; q++) {
      for (const r of LISTINGS[l.listingId].rules)
        slots.push({ sku: r.match.skuCodes[0] as 'A' | 'B', from: l.from, to: l.to });
    }
  }
  const place = (i: number): boolean => {
    if (i === slots.length) return true;
    const s = slots[i];
    const candidates = s.sku === 'A' ? A_UNITS : [POOL];
    for (const id of candidates) {
      const cap = id === POOL ? POOL_QTY : 1;
      const row = occ.get(id)!;
      let ok = true;
      for (let d = s.from; d < s.to; d++) if (row[d] + 1 > cap) ok = false;
      if (!ok) continue;
      for (let d = s.from; d < s.to; d++) row[d]++;
      if (place(i + 1)) return true;
      for (let d = s.from; d < s.to; d++) row[d]--;
    }
    return false;
  };
  return place(0);
}

const lineArb = fc
  .record({
    listingId: fc.constantFrom<ListingId>('lst_a', 'lst_b', 'lst_ab'),
    from: fc.integer({ min: 0, max: DAYS - 1 }),
    len: fc.integer({ min: 1, max: 3 }),
    quantity: fc.integer({ min: 1, max: 2 }),
  })
  .map(({ listingId, from, len, quantity }) => ({ listingId, from, to: Math.min(DAYS, from + len), quantity }));

const orderId = fc.constantFrom('ord_1', 'ord_2', 'ord_3', 'ord_4', 'ord_5', 'ord_6');
type Op =
  | { op: 'reserve'; orderId: string; lines: Line[]; hold: boolean }
  | { op: 'release'; orderId: string }
  | { op: 'confirm'; orderId: string }
  | { op: 'expire' };
/** The reserve command of a generated op: its lines on the day grid. */
function reserveOf(o: { orderId: string; lines: Line[] }): ReservationCommand {
  const lines = o.lines.map((l) => ({
    listingId: l.listingId,
    start: day(l.from),
    end: day(l.to),
    quantity: l.quantity,
  }));
  return { type: 'reserve', orderId: o.orderId, lines };
}

/** A reserve of one or two random lines under a random order id. */
const reserveArb = {
  op: fc.constant('reserve' as const),
  orderId,
  lines: fc.array(lineArb, { minLength: 1, maxLength: 2 }),
};
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ ...reserveArb, hold: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('release' as const), orderId }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('confirm' as const), orderId }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('expire' as const) }) },
);

describe('reservation decider against a brute-force model', () => {
  it('accepts exactly the orders that fit, all or nothing, and never over-books', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => {
        const s = world([...A_UNITS.map((id) => unit(id, 'A')), pool(POOL, 'B', POOL_QTY)], LISTINGS);
        const model = new Map<string, { state: string; holdUntil: number | null; key: string }>();
        let clock = 0;
        for (const o of ops) {
          clock++;
          const now = day(-100) + clock;
          if (o.op === 'reserve') {
            const cmd: ReservationCommand = { ...reserveOf(o), ...(o.hold ? { holdUntil: now + 5 } : {}) };
            const key = JSON.stringify(o.lines);
            const known = model.get(o.orderId);
            const held = [...s.records.values()].filter((r) => r.kind === 'rsv' && r.status !== 'conflict') as {
              stockItemId: string;
              quantity: number;
              start: number;
              end: number;
            }[];
            const expectFit = fits(held, o.lines);
            const before = s.view(o.orderId);
            const res = exec(s, cmd, now);
            if (known) {
              if (known.key === key) {
                expect(res.ok).toBe(true);
                expect(s.view(o.orderId)).toEqual(before);
              } else expect(res).toMatchObject({ ok: false, error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
            } else {
              expect(res.ok).toBe(expectFit);
              if (res.ok) {
                model.set(o.orderId, { state: 'active', holdUntil: o.hold ? now + 5 : null, key });
                const units = s.reservationsOf(o.orderId).reduce((n, r) => n + r.quantity, 0);
                const wanted = o.lines.reduce((n, l) => n + l.quantity * LISTINGS[l.listingId].rules.length, 0);
                expect(units).toBe(wanted);
              } else expect(s.order(o.orderId)).toBeUndefined();
            }
          } else if (o.op === 'release') {
            const res = exec(s, { type: 'release', orderId: o.orderId }, now);
            const known = model.get(o.orderId);
            expect(res.ok).toBe(known !== undefined);
            if (known && known.state === 'active') known.state = 'released';
          } else if (o.op === 'confirm') {
            const res = exec(s, { type: 'confirm', orderId: o.orderId }, now);
            const known = model.get(o.orderId);
            expect(res.ok).toBe(known?.state === 'active');
            if (known && res.ok) known.holdUntil = null;
          } else {
            exec(s, { type: 'expire' }, now);
            for (const m of model.values()) {
              if (m.state === 'active' && m.holdUntil !== null && m.holdUntil <= now) m.state = 'expired';
            }
          }
          for (const [id, m] of model) {
            const v = s.view(id)!;
            expect(v.state).toBe(m.state);
            if (m.state !== 'active') expect(v.allocations).toEqual([]);
          }
          expect(problems(s)).toEqual([]);
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 150) },
    );
  });
});

/*
 * Unit-level commands against the same brute force: a swap to a named unit must be accepted
 * exactly when that unit matches the rule and is free for the reservation's period (others' holds
 * only); a partial hand-out marks just the named reservations; a partial return frees just those
 * and ends the order with the last one.
 */
type UnitOp =
  | { op: 'reserve'; orderId: string; lines: Line[] }
  | { op: 'swapTo'; orderId: string; pick: number; to: string }
  | { op: 'handOut'; orderId: string; picks: number[] }
  | { op: 'return'; orderId: string; picks: number[] }
  | { op: 'release'; orderId: string };
const picks = fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 });
const unitOpArb: fc.Arbitrary<UnitOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record(reserveArb) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('swapTo' as const),
      orderId,
      pick: fc.integer({ min: 0, max: 5 }),
      to: fc.constantFrom(...A_UNITS, POOL),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('handOut' as const), orderId, picks }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('return' as const), orderId, picks }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('release' as const), orderId }) },
);

type Held = {
  id: string;
  orderId: string;
  ruleId: string;
  stockItemId: string;
  quantity: number;
  start: number;
  end: number;
};

function freeFor(held: Held[], r: Held, to: string): boolean {
  const cap = to === POOL ? POOL_QTY : 1;
  for (let d = 0; d < DAYS; d++) {
    const t = day(d);
    if (!(t >= r.start && t < r.end)) continue;
    const used = held
      .filter((h) => h.id !== r.id && h.stockItemId === to && t >= h.start && t < h.end)
      .reduce((n, h) => n + h.quantity, 0);
    if (used + r.quantity > cap) return false;
  }
  return true;
}

describe('reservation decider against a brute-force model: units named by the shop', () => {
  it('swaps to a named unit exactly when it matches and is free; partial hand-out and return touch only the named', () => {
    fc.assert(
      fc.property(fc.array(unitOpArb, { minLength: 1, maxLength: 30 }), (ops) => {
        const s = world([...A_UNITS.map((id) => unit(id, 'A')), pool(POOL, 'B', POOL_QTY)], LISTINGS);
        const held = (): Held[] =>
          [...s.records.values()].filter((r) => r.kind === 'rsv' && r.status !== 'conflict') as unknown as Held[];
        let clock = 0;
        for (const o of ops) {
          const now = day(-100) + ++clock;
          const order = s.order(o.orderId);
          const active = order?.state === 'active';
          const mine = s.reservationsOf(o.orderId);
          if (o.op === 'reserve') {
            exec(s, reserveOf(o), now);
          } else if (o.op === 'release') {
            exec(s, { type: 'release', orderId: o.orderId }, now);
          } else if (o.op === 'swapTo') {
            const r = mine[o.pick % Math.max(1, mine.length)] as unknown as Held | undefined;
            if (!active || !r) continue;
            const matches = r.ruleId === 'rul_a' ? A_UNITS.includes(o.to) : o.to === POOL;
            const expected = matches && o.to !== r.stockItemId && freeFor(held(), r, o.to);
            const res = exec(s, { type: 'swap', orderId: o.orderId, reservationId: r.id, toStockItemId: o.to }, now);
            expect(res.ok).toBe(expected);
            const after = s.get(`rsv:${r.id}`) as unknown as Held;
            expect(after.stockItemId).toBe(expected ? o.to : r.stockItemId);
          } else {
            const chosen = [...new Set(o.picks.filter((p) => p < mine.length).map((p) => mine[p].id))];
            if (chosen.length === 0) continue;
            const res = exec(
              s,
              { type: o.op === 'handOut' ? 'hand_out' : 'return', orderId: o.orderId, reservationIds: chosen },
              now,
            );
            expect(res.ok).toBe(active);
            if (!res.ok) continue;
            const left = s.reservationsOf(o.orderId);
            if (o.op === 'handOut') {
              for (const r of left) {
                const before = mine.find((m) => m.id === r.id);
                expect(r.status).toBe(chosen.includes(r.id) ? 'out' : before?.status);
              }
            } else {
              expect(left.map((r) => r.id).sort()).toEqual(
                mine
                  .filter((m) => !chosen.includes(m.id))
                  .map((m) => m.id)
                  .sort(),
              );
              expect(s.order(o.orderId)?.state).toBe(left.length === 0 ? 'released' : 'active');
            }
          }
          expect(problems(s)).toEqual([]);
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 150) },
    );
  });
});
