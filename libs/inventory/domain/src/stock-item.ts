import {
  Attributes,
  DomainError,
  ErrorCode,
  Money,
  StockItemEffective,
  StockItemOverridesShape,
  StockItemState,
  StockItemStatus,
  Tracking,
} from '@circulate/contracts';

/** The SKU fields an item inherits. */
export interface SkuDefaults {
  name: string;
  category: string[];
  attributes: Attributes;
  purchasePrice: Money | null;
}

/**
 * What the item effectively is: the SKU's fields overlaid by the item's overrides, attributes
 * merged key by key. Without a SKU (never linked, or the SKU was deleted) only the item's own
 * overrides remain: it loses the inherited defaults and keeps its own data.
 */
export function effectiveOf(sku: SkuDefaults | null, overrides: StockItemOverridesShape): StockItemEffective {
  return {
    name: overrides.name ?? sku?.name ?? null,
    category: overrides.category ?? sku?.category ?? [],
    attributes: { ...(sku?.attributes ?? {}), ...(overrides.attributes ?? {}) },
    purchasePrice: overrides.purchasePrice ?? sku?.purchasePrice ?? null,
  };
}

/** Applies an overrides patch: a given field replaces the override, null removes it. */
export function patchOverrides(
  current: StockItemOverridesShape,
  patch: { [K in keyof StockItemOverridesShape]?: StockItemOverridesShape[K] | null },
): StockItemOverridesShape {
  const next: Record<string, unknown> = { ...current };
  for (const key of ['name', 'category', 'attributes', 'purchasePrice'] as const) {
    if (!(key in patch) || patch[key] === undefined) continue;
    if (patch[key] === null) delete next[key];
    else next[key] = patch[key];
  }
  return next as StockItemOverridesShape;
}

/**
 * Lifecycle transitions, as data. `sold` is final (the unit left the business); a lost unit
 * that turns up goes back in use or out of use.
 */
export const STATUS_TRANSITIONS: Record<StockItemStatus, readonly StockItemStatus[]> = {
  in_use: ['out_of_use', 'lost', 'sold'],
  out_of_use: ['in_use', 'lost', 'sold'],
  lost: ['in_use', 'out_of_use'],
  sold: [],
};

export function isRetired(status: StockItemStatus): boolean {
  return status !== 'in_use';
}

export function assertStatusTransition(from: StockItemStatus, to: StockItemStatus): void {
  if (from === to) return;
  if (!STATUS_TRANSITIONS[from].includes(to)) {
    throw new DomainError(
      ErrorCode.INVALID_STATE_TRANSITION,
      `a stock item cannot go from ${from} to ${to}` + (from === 'sold' ? ' (a sold item is final)' : ''),
    );
  }
}

/** The quantity a new item starts with; serialized is always 1. */
export function initialQuantity(tracking: Tracking, quantity: number | undefined): number {
  if (tracking === 'serialized') {
    if (quantity !== undefined && quantity !== 1) {
      throw DomainError.invalid('quantity', 'a serialized item is one unit: quantity must be absent or 1');
    }
    return 1;
  }
  return quantity ?? 1;
}

export const ONE_WAY_DOOR_MESSAGE =
  'the tracking mode is chosen at creation and never changes: create new records in the other mode and retire these by setting their status to out_of_use';

/** PATCH may not touch the tracking mode nor move a quantity (the one-way door). */
export function assertNoTrackingChange(
  item: { tracking: Tracking; quantity: number },
  patch: { tracking?: unknown; quantity?: unknown },
): void {
  if (patch.tracking !== undefined) {
    throw new DomainError(ErrorCode.TRACKING_IMMUTABLE, ONE_WAY_DOOR_MESSAGE);
  }
  if (patch.quantity !== undefined && patch.quantity !== item.quantity) {
    if (item.tracking === 'serialized') throw new DomainError(ErrorCode.TRACKING_IMMUTABLE, ONE_WAY_DOOR_MESSAGE);
    throw new DomainError(
      ErrorCode.UNPROCESSABLE,
      'a pool’s quantity changes only through POST /stock-items/{id}/adjustments (with a reason)',
    );
  }
}

/** Codes of one request: none empty, none twice. */
export function assertDistinctCodes(codes: string[], field = 'codes'): void {
  const seen = new Set<string>();
  for (const code of codes) {
    if (code.trim() === '') throw DomainError.invalid(field, 'a code may not be empty');
    if (seen.has(code)) throw DomainError.invalid(field, `the code "${code}" appears twice`);
    seen.add(code);
  }
}

export function initialState(quantity: number): StockItemState {
  return { in: quantity, out: 0 };
}

/** Units go out: serialized the whole unit, pooled a quantity never more than are in. */
export function handOutUnits(
  tracking: Tracking,
  state: StockItemState,
  quantity: number | undefined,
): { state: StockItemState; quantity: number } {
  const q = tracking === 'serialized' ? 1 : (quantity ?? 1);
  if (tracking === 'serialized' && quantity !== undefined && quantity !== 1) {
    throw DomainError.invalid('quantity', 'a serialized item is handed out whole (quantity 1)');
  }
  if (q > state.in) {
    throw new DomainError(
      ErrorCode.CONFLICT,
      tracking === 'serialized' ? 'the unit is already out' : `only ${state.in} units are in, ${q} were asked for`,
    );
  }
  return { state: { in: state.in - q, out: state.out + q }, quantity: q };
}

/** Units come back: never more than the order has out. */
export function returnUnits(
  tracking: Tracking,
  state: StockItemState,
  outForOrder: number,
  quantity: number | undefined,
): { state: StockItemState; quantity: number } {
  if (tracking === 'serialized' && quantity !== undefined && quantity !== 1) {
    throw DomainError.invalid('quantity', 'a serialized item is returned whole (quantity 1)');
  }
  const q = tracking === 'serialized' ? 1 : (quantity ?? outForOrder);
  if (outForOrder <= 0) throw new DomainError(ErrorCode.CONFLICT, 'this order has no units of the item out');
  if (q > outForOrder)
    throw new DomainError(ErrorCode.CONFLICT, `this order has ${outForOrder} units out, ${q} cannot come back`);
  return { state: { in: state.in + q, out: state.out - q }, quantity: q };
}

/**
 * A pool adjustment: adds or writes off units, never below the units currently out (nor below
 * one unit: retire a pool by status instead). Reservations are the availability service's
 * concern and are checked there.
 */
export function adjustPool(
  tracking: Tracking,
  quantity: number,
  state: StockItemState,
  delta: number,
): { quantity: number; state: StockItemState } {
  if (tracking !== 'pooled') {
    throw new DomainError(
      ErrorCode.UNPROCESSABLE,
      'adjustments are for pooled items; a serialized item is one unit (retire it by status)',
    );
  }
  const next = quantity + delta;
  if (next < state.out) {
    throw new DomainError(
      ErrorCode.CONFLICT,
      `cannot go below the ${state.out} units currently out (would be ${next})`,
    );
  }
  if (next < 1) {
    throw new DomainError(
      ErrorCode.CONFLICT,
      'a pool keeps at least one unit; retire it by setting its status instead',
    );
  }
  return { quantity: next, state: { in: next - state.out, out: state.out } };
}

/**
 * Units sold from an item for an order. Serialized: the item becomes `sold`. Pooled: the units
 * leave the pool, taken first from those this order has out; the pool is `sold` when none remain.
 */
export function sellUnits(
  item: { tracking: Tracking; quantity: number; state: StockItemState; status: StockItemStatus },
  outForOrder: number,
  quantity: number | undefined,
): { quantity: number; state: StockItemState; status: StockItemStatus; sold: number; fromOut: number } {
  if (item.tracking === 'serialized') {
    if (quantity !== undefined && quantity !== 1)
      throw DomainError.invalid('quantity', 'a serialized item is sold whole (quantity 1)');
    assertStatusTransition(item.status, 'sold');
    return { quantity: 1, state: item.state, status: 'sold', sold: 1, fromOut: item.state.out };
  }
  if (item.status === 'sold') throw new DomainError(ErrorCode.INVALID_STATE_TRANSITION, 'the pool is already sold out');
  const q = quantity ?? 1;
  const fromOut = Math.min(outForOrder, q);
  const fromIn = q - fromOut;
  if (fromIn > item.state.in)
    throw new DomainError(ErrorCode.CONFLICT, `only ${item.state.in} units are in, ${fromIn} more cannot be sold`);
  const remaining = item.quantity - q;
  return {
    quantity: Math.max(remaining, 0),
    state: { in: item.state.in - fromIn, out: item.state.out - fromOut },
    status: remaining <= 0 ? 'sold' : item.status,
    sold: q,
    fromOut,
  };
}

/** Income and cost totals of a ledger, in its one currency. */
export function ledgerTotals(
  entries: { type: 'income' | 'cost'; amount: Money }[],
  fallbackCurrency: string,
): { income: Money; cost: Money } {
  const currency = entries[0]?.amount.currency ?? fallbackCurrency;
  let income = 0;
  let cost = 0;
  for (const e of entries) {
    if (e.type === 'income') income += e.amount.amount;
    else cost += e.amount.amount;
  }
  return { income: { amount: income, currency }, cost: { amount: cost, currency } };
}

/**
 * A new ledger entry must keep the ledger consistent: one currency (its first entry's), and a
 * total of its type that stays a safe integer (each amount is ≤ 10^12 by contract, so this only
 * binds after thousands of entries; refused, never rounded).
 */
export function assertLedgerEntry(
  entries: { type: 'income' | 'cost'; amount: Money }[],
  type: 'income' | 'cost',
  amount: Money,
): void {
  assertLedgerCurrency(entries, amount);
  const total = entries.reduce((sum, e) => (e.type === type ? sum + e.amount.amount : sum), amount.amount);
  if (!Number.isSafeInteger(total)) {
    throw new DomainError(
      ErrorCode.UNPROCESSABLE,
      `the ${type} total of this ledger would pass ${Number.MAX_SAFE_INTEGER} minor units`,
      [{ field: 'amount.amount', message: 'the ledger total would be too large to keep exactly' }],
    );
  }
}

/** A ledger keeps one currency (its first entry's), so totals add up. */
export function assertLedgerCurrency(entries: { amount: Money }[], amount: Money): void {
  const currency = entries[0]?.amount.currency;
  if (currency && currency !== amount.currency) {
    throw DomainError.invalid('amount.currency', `this ledger is kept in ${currency}`);
  }
}
