/**
 * Reporting's projection of one stock item, folded from events (pure: no Nest, no storage).
 *
 * Every inventory fact carries the item's full snapshot; the fold keeps step functions over event
 * time: units owned (quantity while the status is `in_use`, 0 once retired) and units out
 * (`state.out`), plus the ledger entries, hand-outs, reservations and refused-order shortfalls.
 * Idempotent: a snapshot at or below the item's applied version is skipped, ledger entries are
 * keyed by entry id, reservations by reservation id, shortfalls by order and line.
 */

export const DAY_MS = 86_400_000;
const RETIRED = new Set(['out_of_use', 'lost', 'sold']);

export interface MoneyAmount {
  amount: number;
  currency: string;
}

/** A change point of a step function: from `t` (epoch ms) on, the value is `v`. */
export type Step = [t: number, v: number];

export interface ItemProjection {
  tenantId: string;
  id: string;
  skuId: string | null;
  skuCode: string | null;
  tracking: 'serialized' | 'pooled';
  quantity: number;
  locationId: string;
  status: string;
  purchasePrice: MoneyAmount | null;
  createdAt: number;
  version: number;
  owned: Step[];
  out: Step[];
  /** Ledger entries by id: [at, +income / −cost in minor units, currency]. */
  ledger: Record<string, [number, number, string]>;
  /** Hand-outs: [at, units]. */
  handOuts: Step[];
  /** Reservations by id: [start, end, units]. */
  reservations: Record<string, [number, number, number]>;
  /** Refused-order shortfalls by `<orderId>:<line>`: [start, end, units missing]. */
  shortfalls: Record<string, [number, number, number]>;
}

/** The snapshot fields the fold reads (a structural subset of the contracts' StockItem). */
export type SnapshotInput = Pick<
  ItemProjection,
  'id' | 'skuId' | 'skuCode' | 'tracking' | 'quantity' | 'locationId' | 'status' | 'version'
> & {
  state: { in: number; out: number };
  effective: { purchasePrice: MoneyAmount | null };
  createdAt: string;
};

export interface SnapshotFact {
  tenantId: string;
  at: number;
  item: SnapshotInput;
  changes: { type: string; quantity?: number; at?: string }[];
  ledgerEntry?: { id: string; type: 'income' | 'cost'; amount: MoneyAmount; at: string };
}

export interface FoldOptions {
  /** Off only to prove the tests catch double counting. */
  idempotent?: boolean;
}

function pushStep(steps: Step[], t: number, v: number): void {
  const last = steps[steps.length - 1];
  if (last && last[1] === v) return;
  if (last && last[0] >= t) {
    // Same instant (or an event stamped earlier than the last one): the newer value wins from then.
    last[1] = v;
    if (steps.length > 1 && steps[steps.length - 2][1] === v) steps.pop();
    return;
  }
  steps.push([t, v]);
}

/** Applies one inventory snapshot fact. Returns false when it was already applied. */
export function applySnapshot(
  prev: ItemProjection | undefined,
  fact: SnapshotFact,
  opts: FoldOptions = {},
): ItemProjection | false {
  const idempotent = opts.idempotent ?? true;
  const s = fact.item;
  if (prev && idempotent && s.version <= prev.version) return false;
  const createdAt = Date.parse(s.createdAt);
  const p: ItemProjection = prev ?? {
    tenantId: fact.tenantId,
    id: s.id,
    skuId: s.skuId,
    skuCode: s.skuCode,
    tracking: s.tracking,
    quantity: s.quantity,
    locationId: s.locationId,
    status: s.status,
    purchasePrice: null,
    createdAt,
    version: 0,
    owned: [],
    out: [],
    ledger: {},
    handOuts: [],
    reservations: {},
    shortfalls: {},
  };
  const at = prev ? Math.max(fact.at, createdAt) : createdAt;
  p.skuId = s.skuId;
  p.skuCode = s.skuCode;
  p.quantity = s.quantity;
  p.locationId = s.locationId;
  p.status = s.status;
  p.purchasePrice = s.effective.purchasePrice ? { ...s.effective.purchasePrice } : null;
  p.version = Math.max(p.version, s.version);
  const owned = RETIRED.has(s.status) ? 0 : s.quantity;
  pushStep(p.owned, at, owned);
  pushStep(p.out, at, Math.min(s.state.out, owned));
  const e = fact.ledgerEntry;
  if (e) {
    const key = idempotent ? e.id : `${e.id}:${Object.keys(p.ledger).length}`;
    p.ledger[key] = [Date.parse(e.at), e.type === 'income' ? e.amount.amount : -e.amount.amount, e.amount.currency];
  }
  for (const c of fact.changes) {
    if (c.type === 'handed_out') p.handOuts.push([c.at ? Date.parse(c.at) : at, c.quantity ?? 1]);
  }
  return p;
}

/** ∫ steps over [from, to), in unit-days. */
export function integrate(steps: Step[], from: number, to: number): number {
  let total = 0;
  for (let i = 0; i < steps.length; i++) {
    const start = Math.max(steps[i][0], from);
    const end = Math.min(i + 1 < steps.length ? steps[i + 1][0] : Infinity, to);
    if (end > start) total += steps[i][1] * (end - start);
  }
  return total / DAY_MS;
}

/** Highest value the steps take inside [from, to). */
export function peak(steps: Step[], from: number, to: number): number {
  let max = 0;
  for (let i = 0; i < steps.length; i++) {
    const start = Math.max(steps[i][0], from);
    const end = Math.min(i + 1 < steps.length ? steps[i + 1][0] : Infinity, to);
    if (end > start) max = Math.max(max, steps[i][1]);
  }
  return max;
}

/** Highest sum of concurrent intervals [start, end, units) inside [from, to). */
export function peakConcurrent(intervals: [number, number, number][], from: number, to: number): number {
  const points: [number, number][] = [];
  for (const [s, e, n] of intervals) {
    const start = Math.max(s, from);
    const end = Math.min(e, to);
    if (end > start) points.push([start, n], [end, -n]);
  }
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]); // ends before starts at the same instant
  let cur = 0;
  let max = 0;
  for (const [, d] of points) {
    cur += d;
    if (cur > max) max = cur;
  }
  return max;
}

export interface ItemFigures {
  income: number;
  cost: number;
  currency: string | null;
  rentals: number;
  daysOut: number;
  daysOwned: number;
  utilisation: number | null;
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The item's figures over [from, to). */
export function figures(p: ItemProjection, from: number, to: number): ItemFigures {
  let income = 0;
  let cost = 0;
  let currency: string | null = p.purchasePrice?.currency ?? null;
  for (const [at, amount, cur] of Object.values(p.ledger)) {
    if (at < from || at >= to) continue;
    currency ??= cur;
    if (amount >= 0) income += amount;
    else cost -= amount;
  }
  let rentals = 0;
  for (const [at, n] of p.handOuts) if (at >= from && at < to) rentals += n;
  const daysOut = integrate(p.out, from, to);
  const daysOwned = integrate(p.owned, from, to);
  return {
    income,
    cost,
    currency,
    rentals,
    daysOut: round(daysOut),
    daysOwned: round(daysOwned),
    utilisation: daysOwned > 0 ? round(daysOut / daysOwned) : null,
  };
}

/** Units a pool would need so that its peak reserved plus unmet demand (concurrent) fits. */
export function poolFigures(p: ItemProjection, from: number, to: number) {
  const reservations = Object.values(p.reservations);
  const shortfalls = Object.values(p.shortfalls);
  const peakReserved = peakConcurrent(reservations, from, to);
  const unmetDemand = peakConcurrent(shortfalls, from, to);
  const peakDemand = peakConcurrent([...reservations, ...shortfalls], from, to);
  return {
    peakOut: peak(p.out, from, to),
    peakReserved,
    unmetDemand,
    suggestedReorder: Math.max(0, peakDemand - p.quantity),
  };
}
