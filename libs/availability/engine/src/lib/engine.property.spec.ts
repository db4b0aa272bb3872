import fc from 'fast-check';
import { AvailabilityIndex } from './availability-index';
import { allocate, calendar, checkAvailability } from './engine';
import type {
  AllocationLine,
  AttributeValue,
  EngineListing,
  EngineStockItem,
  FulfillmentRule,
  StockStatus,
} from './types';

/*
 * The engine against a brute-force oracle written independently here: no index, no flow, no
 * step functions. Availability is decided by enumerating every assignment of units (and pool
 * amounts) to rules, and pool capacity by scanning the reserved level at every instant where it
 * can rise.
 */

const H = 3_600_000;
const BASE = Date.UTC(2025, 2, 28); // Helsinki switches to summer time on 2025-03-30.
const SKUS = ['A', 'B', 'C'] as const;
const BUFFER_MS: Record<string, number> = { PT1H: H, PT2H: 2 * H, PT3H: 3 * H, PT6H: 6 * H };

interface OReservation {
  readonly s: number;
  readonly e: number;
  readonly q: number;
}
interface OItem {
  readonly item: EngineStockItem;
  readonly res: readonly OReservation[];
}
interface Scenario {
  readonly items: readonly OItem[];
  readonly listing: EngineListing;
}
interface Req {
  readonly start: number;
  readonly end: number;
  readonly quantity: number;
  readonly variant: Record<string, string>;
  readonly locationId?: string;
}

// ---------------------------------------------------------------------------------------------
// Oracle

function oMatches(rule: FulfillmentRule, item: EngineStockItem, variant: Record<string, string>): boolean {
  const m = rule.match;
  let conditions = 0;
  if (m.skuCodes) {
    conditions++;
    if (item.skuCode === null || !m.skuCodes.includes(item.skuCode)) return false;
  }
  if (m.skuCodeByVariant) {
    conditions++;
    const v = variant[m.skuCodeByVariant.axis];
    if (v === undefined) return false;
    const code = m.skuCodeByVariant.map[v];
    if (code === undefined || item.skuCode !== code) return false;
  }
  for (const [key, expected] of Object.entries(m.attributes ?? {})) {
    conditions++;
    const want = typeof expected === 'object' ? variant[expected.fromVariant] : expected;
    if (want === undefined) return false;
    if (!(key in item.attributes) || String(item.attributes[key]) !== String(want)) return false;
  }
  return conditions > 0;
}

function oEligible(item: EngineStockItem, listing: EngineListing, locationId: string | undefined): boolean {
  if (item.status !== 'in_use') return false;
  if (listing.locationIds.length > 0 && !listing.locationIds.includes(item.locationId)) return false;
  return locationId === undefined || item.locationId === locationId;
}

const oLevel = (it: OItem, t: number): number => it.res.reduce((sum, r) => (r.s <= t && t < r.e ? sum + r.q : sum), 0);

/** Peak over [a, b): the level at `a` and at every reservation start inside. */
function oPeak(it: OItem, a: number, b: number): number {
  let p = oLevel(it, a);
  for (const r of it.res) if (r.s > a && r.s < b) p = Math.max(p, oLevel(it, r.s));
  return p;
}

function oWindow(rule: FulfillmentRule, start: number, end: number): [number, number] {
  return [
    start - (rule.bufferBefore ? BUFFER_MS[rule.bufferBefore] : 0),
    end + (rule.bufferAfter ? BUFFER_MS[rule.bufferAfter] : 0),
  ];
}

/** Adding `amounts[r]` over each rule's window keeps the item within its quantity at every instant. */
function oFits(it: OItem, amounts: readonly number[], windows: readonly [number, number][]): boolean {
  const points: number[] = [];
  windows.forEach(([a, b], r) => {
    if (amounts[r] === 0) return;
    points.push(a);
    for (const res of it.res) if (res.s > a && res.s < b) points.push(res.s);
  });
  for (const t of points) {
    let added = 0;
    windows.forEach(([a, b], r) => {
      if (a <= t && t < b) added += amounts[r];
    });
    if (added > 0 && oLevel(it, t) + added > it.item.quantity) return false;
  }
  return true;
}

interface OContext {
  readonly usable: readonly (readonly number[])[]; // per item: rules it matches (eligible)
  readonly windows: readonly [number, number][];
}

function oContext(
  sc: Scenario,
  req: { start: number; end: number; variant: Record<string, string>; locationId?: string },
): OContext {
  const rules = sc.listing.rules;
  const windows = rules.map((rule) => oWindow(rule, req.start, req.end));
  const usable = sc.items.map((it) =>
    oEligible(it.item, sc.listing, req.locationId)
      ? rules.flatMap((rule, r) => (oMatches(rule, it.item, req.variant) ? [r] : []))
      : [],
  );
  return { usable, windows };
}

function oFree(sc: Scenario, ctx: OContext): number[] {
  return sc.listing.rules.map((_, r) =>
    sc.items.reduce((sum, it, i) => {
      if (!ctx.usable[i].includes(r)) return sum;
      const [a, b] = ctx.windows[r];
      return sum + Math.max(0, it.item.quantity - oPeak(it, a, b));
    }, 0),
  );
}

/** Exhaustive search: can every rule get `copies × quantity` units at once? */
function oFeasible(sc: Scenario, ctx: OContext, copies: number): boolean {
  const rules = sc.listing.rules;
  const R = rules.length;
  const items = sc.items;
  // What each remaining item could give each rule on its own, for pruning.
  const alone = items.map((it, i) =>
    rules.map((_, r) =>
      ctx.usable[i].includes(r) ? Math.max(0, it.item.quantity - oPeak(it, ctx.windows[r][0], ctx.windows[r][1])) : 0,
    ),
  );
  const suffix: number[][] = Array.from({ length: items.length + 1 }, () => new Array<number>(R).fill(0));
  for (let i = items.length - 1; i >= 0; i--) for (let r = 0; r < R; r++) suffix[i][r] = suffix[i + 1][r] + alone[i][r];
  const memo = new Map<string, boolean>();
  const search = (i: number, remaining: number[]): boolean => {
    if (remaining.every((x) => x === 0)) return true;
    if (i === items.length) return false;
    for (let r = 0; r < R; r++) if (remaining[r] > suffix[i][r]) return false;
    const key = `${i}|${remaining.join(',')}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let ok = false;
    // Every vector of amounts this item gives the rules (0 for rules it cannot serve).
    // (Every window contains the period, so the amounts together never exceed the quantity.)
    const amounts = new Array<number>(R).fill(0);
    const rec = (r: number, used: number): void => {
      if (ok) return;
      if (r === R) {
        if (used > 0 && !oFits(items[i], amounts, ctx.windows)) return;
        const next = remaining.map((x, k) => x - amounts[k]);
        if (search(i + 1, next)) ok = true;
        return;
      }
      const max = ctx.usable[i].includes(r) ? Math.min(items[i].item.quantity - used, remaining[r]) : 0;
      for (let a = 0; a <= max && !ok; a++) {
        amounts[r] = a;
        rec(r + 1, used + a);
      }
      amounts[r] = 0;
    };
    rec(0, 0);
    memo.set(key, ok);
    return ok;
  };
  return search(
    0,
    rules.map((rule) => rule.quantity * copies),
  );
}

function oQuantity(sc: Scenario, ctx: OContext): number {
  if (sc.listing.rules.length === 0) return 0;
  let k = 0;
  while (k < 50 && oFeasible(sc, ctx, k + 1)) k++;
  return k;
}

/** Problems with an allocation, judged by the oracle (empty when valid). */
function oInvalid(sc: Scenario, req: Req, lines: readonly AllocationLine[]): string[] {
  const problems: string[] = [];
  const rules = sc.listing.rules;
  const perRule = new Map<string, number>();
  const perItem = new Map<string, number[]>();
  for (const l of lines) {
    const r = rules.findIndex((rule) => rule.id === l.ruleId);
    const it = sc.items.find((x) => x.item.id === l.stockItemId);
    if (r < 0 || !it) {
      problems.push(`unknown rule or item in ${JSON.stringify(l)}`);
      continue;
    }
    if (!oEligible(it.item, sc.listing, req.locationId) || !oMatches(rules[r], it.item, req.variant)) {
      problems.push(`${it.item.id} cannot serve ${l.ruleId}`);
    }
    const [a, b] = oWindow(rules[r], req.start, req.end);
    if (l.blocked.start !== a || l.blocked.end !== b) problems.push(`wrong window on ${it.item.id}`);
    if (l.quantity < 1) problems.push('empty line');
    perRule.set(l.ruleId, (perRule.get(l.ruleId) ?? 0) + l.quantity);
    const amounts = perItem.get(it.item.id) ?? new Array<number>(rules.length).fill(0);
    amounts[r] += l.quantity;
    perItem.set(it.item.id, amounts);
  }
  for (const rule of rules) {
    if ((perRule.get(rule.id) ?? 0) !== rule.quantity * req.quantity)
      problems.push(`rule ${rule.id} not exactly served`);
  }
  const windows = rules.map((rule) => oWindow(rule, req.start, req.end));
  for (const [id, amounts] of perItem) {
    const it = sc.items.find((x) => x.item.id === id);
    if (it && !oFits(it, amounts, windows)) problems.push(`${id} over capacity or used twice`);
  }
  return problems;
}

/** Local midnight found by stepping through instants until Intl shows the date (independent of the engine). */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function oDayStart(date: string, timeZone: string): number {
  let f = dateFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, f);
  }
  for (let t = Date.parse(`${date}T00:00:00Z`) - 15 * H; ; t += 15 * 60_000) {
    if (f.format(t) === date) return t;
  }
}

// ---------------------------------------------------------------------------------------------
// Generators

/** Picks from weighted buckets with a uniform percentage (small values are most likely under fast-check's bias). */
function weighted<T>(...buckets: readonly (readonly [number, T])[]): fc.Arbitrary<T> {
  return fc.nat(99).map((x) => {
    let acc = 0;
    for (const [pct, value] of buckets) {
      acc += pct;
      if (x < acc) return value;
    }
    return buckets[buckets.length - 1][1];
  });
}

const statusArb: fc.Arbitrary<StockStatus> = weighted([85, 'in_use'], [10, 'out_of_use'], [5, 'sold']);

function itemArb(id: string, pooled: boolean): fc.Arbitrary<OItem> {
  return fc
    .record({
      sku: weighted<string | null>([40, 'A'], [30, 'B'], [20, 'C'], [10, null]),
      color: weighted([70, 'red'], [30, 'blue']),
      size: fc.constantFrom('S', 'M'),
      loc: weighted([75, 'L1'], [25, 'L2']),
      status: statusArb,
      qty: pooled ? fc.integer({ min: 2, max: 5 }) : fc.constant(1),
    })
    .chain((x) =>
      fc
        .array(
          fc.record({
            s: fc.integer({ min: 0, max: 95 }),
            len: fc.integer({ min: 1, max: 14 }),
            q: fc.integer({ min: 1, max: x.qty }),
          }),
          { maxLength: 2 },
        )
        .map((res) => ({
          item: {
            id,
            tracking: pooled ? ('pooled' as const) : ('serialized' as const),
            quantity: x.qty,
            status: x.status,
            locationId: x.loc,
            skuCode: x.sku,
            attributes: (x.size === 'M'
              ? { color: x.color, size: x.size, wheels: 2 }
              : { color: x.color, size: x.size }) as Record<string, AttributeValue>,
          },
          res: res.map((r) => ({ s: BASE + r.s * H, e: BASE + (r.s + r.len) * H, q: r.q })),
        })),
    );
}

const itemsArb: fc.Arbitrary<OItem[]> = fc
  .tuple(fc.integer({ min: 2, max: 7 }), fc.integer({ min: 0, max: 2 }))
  .chain(([units, pools]) =>
    fc.tuple(
      ...Array.from({ length: units }, (_, i) => itemArb(`u${i}`, false)),
      ...Array.from({ length: pools }, (_, i) => itemArb(`p${i}`, true)),
    ),
  );

const bufferArb = fc.constantFrom<string | undefined>(undefined, 'PT1H', 'PT2H', 'PT3H');

type MatchKind =
  'skuCodes' | 'byVariant' | 'color' | 'sizeFromVariant' | 'wheels' | 'skuCodes+color' | 'byVariant+wheels';

function ruleArb(
  id: string,
  buffers: readonly (readonly [string | undefined, string | undefined])[],
): fc.Arbitrary<FulfillmentRule> {
  return fc
    .record({
      quantity: fc.constantFrom(1, 1, 2),
      // Mostly one condition, so that rules match often and overlap often.
      kind: weighted<MatchKind>(
        [40, 'skuCodes'],
        [15, 'byVariant'],
        [10, 'color'],
        [10, 'sizeFromVariant'],
        [10, 'wheels'],
        [10, 'skuCodes+color'],
        [5, 'byVariant+wheels'],
      ),
      skuCodes: fc.subarray([...SKUS], { minLength: 1 }),
      color: weighted([70, 'red'], [30, 'blue']),
      slot: fc.integer({ min: 0, max: buffers.length - 1 }),
    })
    .map((x) => {
      const attributes: Record<string, string | number | { fromVariant: string }> = {};
      if (x.kind === 'color' || x.kind === 'skuCodes+color') attributes['color'] = x.color;
      if (x.kind === 'sizeFromVariant') attributes['size'] = { fromVariant: 'Size' };
      if (x.kind === 'wheels' || x.kind === 'byVariant+wheels') attributes['wheels'] = 2;
      const [bufferBefore, bufferAfter] = buffers[x.slot];
      return {
        id,
        quantity: x.quantity,
        match: {
          ...(x.kind.startsWith('skuCodes') ? { skuCodes: x.skuCodes } : {}),
          ...(x.kind.startsWith('byVariant') ? { skuCodeByVariant: { axis: 'Size', map: { S: 'A', M: 'B' } } } : {}),
          ...(Object.keys(attributes).length ? { attributes } : {}),
        },
        ...(bufferBefore ? { bufferBefore } : {}),
        ...(bufferAfter ? { bufferAfter } : {}),
      };
    });
}

/** Listings whose rules use at most `slots` distinct buffer pairs. */
function scenarioArb(slots: number): fc.Arbitrary<Scenario> {
  return fc
    .record({
      items: itemsArb,
      buffers: fc.array(fc.tuple(bufferArb, bufferArb), { minLength: slots, maxLength: slots }),
      ruleCount: fc.integer({ min: 1, max: 3 }),
      locationIds: weighted<string[]>([60, []], [20, ['L1']], [20, ['L1', 'L2']]),
    })
    .chain((x) =>
      fc
        .tuple(...Array.from({ length: x.ruleCount }, (_, i) => ruleArb(`r${i}`, x.buffers)))
        .map((rules) => ({ items: x.items, listing: { rules, locationIds: x.locationIds } })),
    );
}

const requestArb: fc.Arbitrary<Req> = fc
  .record({
    s: fc.integer({ min: 0, max: 95 }),
    len: fc.integer({ min: 1, max: 14 }),
    quantity: fc.integer({ min: 1, max: 2 }),
    variant: weighted<Record<string, string>>([45, { Size: 'S' }], [45, { Size: 'M' }], [10, {}]),
    locationId: weighted<string | undefined>([70, undefined], [20, 'L1'], [10, 'L2']),
  })
  .map((x) => ({
    start: BASE + x.s * H,
    end: BASE + (x.s + x.len) * H,
    quantity: x.quantity,
    variant: x.variant,
    ...(x.locationId ? { locationId: x.locationId } : {}),
  }));

/** Pools shared by rules with different buffers: where the two-window capacity rule matters. */
const sharedPoolScenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    pools: fc.array(
      fc.integer({ min: 2, max: 6 }).chain((qty) =>
        fc.record({
          qty: fc.constant(qty),
          res: fc.array(
            fc.record({
              s: fc.integer({ min: 0, max: 40 }),
              len: fc.integer({ min: 1, max: 10 }),
              q: fc.integer({ min: 1, max: qty }),
            }),
            {
              maxLength: 4,
            },
          ),
        }),
      ),
      { minLength: 1, maxLength: 2 },
    ),
    units: fc.array(
      fc.array(fc.record({ s: fc.integer({ min: 0, max: 40 }), len: fc.integer({ min: 1, max: 10 }) }), {
        maxLength: 2,
      }),
      { maxLength: 2 },
    ),
    buffers: fc.array(
      fc.tuple(
        fc.constantFrom<string | undefined>(undefined, 'PT2H', 'PT6H'),
        fc.constantFrom<string | undefined>(undefined, 'PT2H', 'PT6H'),
      ),
      {
        minLength: 2,
        maxLength: 2,
      },
    ),
    rules: fc.array(fc.record({ quantity: fc.integer({ min: 1, max: 3 }), slot: fc.integer({ min: 0, max: 1 }) }), {
      minLength: 2,
      maxLength: 3,
    }),
  })
  .map((x) => {
    const base = (id: string, quantity: number): EngineStockItem => ({
      id,
      tracking: quantity > 1 ? 'pooled' : 'serialized',
      quantity,
      status: 'in_use',
      locationId: 'L1',
      skuCode: 'A',
      attributes: {},
    });
    const toRes = (r: { s: number; len: number; q?: number }): OReservation => ({
      s: BASE + r.s * H,
      e: BASE + (r.s + r.len) * H,
      q: r.q ?? 1,
    });
    const items: OItem[] = [
      ...x.pools.map((p, i) => ({ item: base(`p${i}`, p.qty), res: p.res.map(toRes) })),
      ...x.units.map((res, i) => ({ item: base(`u${i}`, 1), res: res.map(toRes) })),
    ];
    const rules: FulfillmentRule[] = x.rules.map((r, i) => {
      const [bufferBefore, bufferAfter] = x.buffers[r.slot];
      return {
        id: `r${i}`,
        quantity: r.quantity,
        match: { skuCodes: ['A'] },
        ...(bufferBefore ? { bufferBefore } : {}),
        ...(bufferAfter ? { bufferAfter } : {}),
      };
    });
    return { items, listing: { rules, locationIds: [] } };
  });

const sharedPoolRequestArb: fc.Arbitrary<Req> = fc
  .record({
    s: fc.integer({ min: 0, max: 40 }),
    len: fc.integer({ min: 1, max: 10 }),
    quantity: fc.integer({ min: 1, max: 2 }),
  })
  .map((x) => ({ start: BASE + x.s * H, end: BASE + (x.s + x.len) * H, quantity: x.quantity, variant: {} }));

function indexOf(sc: Scenario): AvailabilityIndex {
  const index = new AvailabilityIndex();
  sc.items.forEach((it) => {
    index.upsertItem(it.item);
    it.res.forEach((r, k) =>
      index.addReservation({ id: `${it.item.id}_${k}`, stockItemId: it.item.id, quantity: r.q, start: r.s, end: r.e }),
    );
  });
  return index;
}

// ---------------------------------------------------------------------------------------------

describe('engine vs brute-force oracle', () => {
  it('availability, listing quantity and allocations agree with exhaustive search', () => {
    fc.assert(
      fc.property(scenarioArb(2), requestArb, (sc, req) => {
        const index = indexOf(sc);
        const ctx = oContext(sc, req);
        const quantity = oQuantity(sc, ctx);
        const free = oFree(sc, ctx);
        expect(checkAvailability(index, sc.listing, req)).toEqual({
          available: quantity >= req.quantity,
          quantity,
          rules: sc.listing.rules.map((rule, r) => ({
            ruleId: rule.id,
            required: rule.quantity * req.quantity,
            free: free[r],
          })),
        });
        const result = allocate(index, sc.listing, req);
        expect(result.ok).toBe(quantity >= req.quantity);
        if (result.ok) {
          expect(oInvalid(sc, req, result.allocations)).toEqual([]);
        } else {
          expect(result.error.details.quantity).toBe(quantity);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('pools shared by rules with two different buffer pairs: quantity and allocations agree with the oracle', () => {
    fc.assert(
      fc.property(sharedPoolScenarioArb, sharedPoolRequestArb, (sc, req) => {
        const index = indexOf(sc);
        const ctx = oContext(sc, req);
        const quantity = oQuantity(sc, ctx);
        expect(checkAvailability(index, sc.listing, req).quantity).toBe(quantity);
        const result = allocate(index, sc.listing, req);
        expect(result.ok).toBe(quantity >= req.quantity);
        if (result.ok) expect(oInvalid(sc, req, result.allocations)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('calendar days equal the oracle for each whole local day, in UTC and across DST in Helsinki', () => {
    const rangeArb = fc.record({
      offset: fc.integer({ min: 0, max: 2 }),
      days: fc.integer({ min: 1, max: 3 }),
      timeZone: fc.constantFrom('UTC', 'Europe/Helsinki'),
      variant: fc.constantFrom<Record<string, string>>({}, { Size: 'S' }, { Size: 'M' }),
      locationId: fc.constantFrom<string | undefined>(undefined, 'L1'),
    });
    fc.assert(
      fc.property(scenarioArb(2), rangeArb, (sc, range) => {
        const index = indexOf(sc);
        const date = (d: number): string => new Date(BASE + d * 24 * H).toISOString().slice(0, 10);
        const from = date(range.offset);
        const to = date(range.offset + range.days);
        const cal = calendar(index, sc.listing, {
          from,
          to,
          timeZone: range.timeZone,
          variant: range.variant,
          ...(range.locationId ? { locationId: range.locationId } : {}),
        });
        const expected = Array.from({ length: range.days }, (_, d) => {
          const day = date(range.offset + d);
          const start = oDayStart(day, range.timeZone);
          const end = oDayStart(date(range.offset + d + 1), range.timeZone);
          const ctx = oContext(sc, { start, end, variant: range.variant, locationId: range.locationId });
          return { date: day, quantity: oQuantity(sc, ctx) };
        });
        expect(cal.days).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('with three or more buffer pairs on a shared pool the engine stays safe: never more than the oracle, allocations valid', () => {
    fc.assert(
      fc.property(scenarioArb(3), requestArb, (sc, req) => {
        const index = indexOf(sc);
        const ctx = oContext(sc, req);
        const check = checkAvailability(index, sc.listing, req);
        expect(check.quantity).toBeLessThanOrEqual(oQuantity(sc, ctx));
        const result = allocate(index, sc.listing, req);
        expect(result.ok).toBe(check.available);
        if (result.ok) expect(oInvalid(sc, req, result.allocations)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
