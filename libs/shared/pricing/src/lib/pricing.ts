import type { Rate, RateUnit } from '@circulate/contracts';

/**
 * Unit lengths in hours. A month is 30 days (documented in the API): calendar months would
 * make the same period cost differently depending on where it starts.
 */
export const UNIT_HOURS: Record<RateUnit, number> = { hour: 1, day: 24, week: 168, month: 720 };
export const HOUR_MS = 3_600_000;
/** Largest unit first: the order breakdowns are listed in. */
const UNITS_DESC: RateUnit[] = ['month', 'week', 'day', 'hour'];

export interface RentalLine {
  unit: RateUnit;
  count: number;
  /** count × rate (× quantity when priced for a quantity). */
  amount: number;
}

export interface RentalPrice {
  total: number;
  breakdown: RentalLine[];
}

/** Hours a period needs to be covered: every unit is a whole number of hours, so round up. */
export function hoursToCover(periodMs: number): number {
  if (!Number.isFinite(periodMs) || periodMs <= 0) throw new RangeError('a period must be longer than zero');
  return Math.ceil(periodMs / HOUR_MS);
}

/** The cheapest rate per unit (a table should not repeat a unit; if it does, the cheaper wins). */
function ratesByUnit(rates: readonly Rate[]): Map<RateUnit, number> {
  const out = new Map<RateUnit, number>();
  for (const r of rates) {
    if (!Number.isSafeInteger(r.amount) || r.amount < 0)
      throw new RangeError(`rate amounts are non-negative integers (got ${r.amount})`);
    const prev = out.get(r.unit);
    if (prev === undefined || r.amount < prev) out.set(r.unit, r.amount);
  }
  return out;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The cheapest combination of the table's units whose total length covers `hours`
 * (min Σ n_u·rate_u subject to Σ n_u·len_u ≥ hours), solved exactly in integers.
 *
 * Let b be the unit with the lowest price per hour. Exchange argument: if another unit u is used
 * k_u = lcm(len_u, len_b)/len_u times or more, swapping k_u of them for lcm/len_b units of b covers
 * the same hours for no more money. So some optimum uses the other units for at most
 * B = Σ (lcm_u − len_u) hours (< 6,000 for hour/day/week/month); a DP over those few hours plus
 * "fill the rest with b" finds it, whatever the period's length.
 */
export function cheapestCover(rates: readonly Rate[], hours: number): RentalPrice {
  if (!Number.isSafeInteger(hours) || hours < 0) throw new RangeError('hours must be a non-negative integer');
  const byUnit = ratesByUnit(rates);
  if (byUnit.size === 0) throw new RangeError('a rental price needs at least one rate');
  if (hours === 0) return { total: 0, breakdown: [] };

  // b: lowest price per hour (a_u/h_u compared as a_u·h_b < a_b·h_u); ties go to the longer unit.
  let best: RateUnit | undefined;
  for (const unit of UNITS_DESC) {
    const a = byUnit.get(unit);
    if (a === undefined) continue;
    if (best === undefined) {
      best = unit;
      continue;
    }
    const ab = byUnit.get(best) as number;
    if (a * UNIT_HOURS[best] < ab * UNIT_HOURS[unit]) best = unit;
  }
  const b = best as RateUnit;
  const hb = UNIT_HOURS[b];
  const ab = byUnit.get(b) as number;
  const others = UNITS_DESC.filter((u) => u !== b && byUnit.has(u));

  let bound = 0;
  for (const u of others) {
    const hu = UNIT_HOURS[u];
    bound += (hu * hb) / gcd(hu, hb) - hu;
  }
  const X = Math.min(hours, bound);

  // g[x]: cheapest cover of ≥ x hours with the other units; choice[x]: the unit taken last.
  const g = new Array<number>(X + 1).fill(Number.POSITIVE_INFINITY);
  const choice = new Array<RateUnit | null>(X + 1).fill(null);
  g[0] = 0;
  for (let x = 1; x <= X; x++) {
    for (const u of others) {
      const c = (byUnit.get(u) as number) + g[Math.max(0, x - UNIT_HOURS[u])];
      if (c < g[x]) {
        g[x] = c;
        choice[x] = u;
      }
    }
  }

  let bestX = 0;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let x = 0; x <= X; x++) {
    if (g[x] === Number.POSITIVE_INFINITY) continue;
    const cost = g[x] + Math.ceil((hours - x) / hb) * ab;
    if (cost < bestCost) {
      bestCost = cost;
      bestX = x;
    }
  }

  const counts = new Map<RateUnit, number>();
  const nb = Math.ceil((hours - bestX) / hb);
  if (nb > 0) counts.set(b, nb);
  for (let x = bestX; x > 0;) {
    const u = choice[x] as RateUnit;
    counts.set(u, (counts.get(u) ?? 0) + 1);
    x = Math.max(0, x - UNIT_HOURS[u]);
  }
  const breakdown = UNITS_DESC.filter((u) => counts.has(u)).map((u) => {
    const count = counts.get(u) as number;
    return { unit: u, count, amount: count * (byUnit.get(u) as number) };
  });
  return { total: bestCost, breakdown };
}

/**
 * Price of renting `quantity` units for `[startMs, endMs)` from a table's rates: the cheapest
 * covering combination, times the quantity. Amounts are integers in minor units.
 */
export function priceRental(rates: readonly Rate[], startMs: number, endMs: number, quantity = 1): RentalPrice {
  if (!Number.isSafeInteger(quantity) || quantity < 1) throw new RangeError('quantity must be a whole number ≥ 1');
  const one = cheapestCover(rates, hoursToCover(endMs - startMs));
  const total = one.total * quantity;
  if (!Number.isSafeInteger(total)) throw new RangeError('the total is too large to price exactly');
  return { total, breakdown: one.breakdown.map((l) => ({ ...l, amount: l.amount * quantity })) };
}
