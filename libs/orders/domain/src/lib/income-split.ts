/** One stock item's part in a line: a serialized unit counts 1, a pool the units it gave. */
export interface LineUnitShare {
  stockItemId: string;
  units: number;
}

export interface IncomePart {
  stockItemId: string;
  /** Minor units. */
  amount: number;
}

/**
 * Splits a line's price over the stock items that fulfilled it, per unit: a serialized item
 * gets one unit's share, a pool as many shares as units it gave. Minor units cannot be split, so
 * the remainder goes one minor unit at a time to the first units in stock-item id order: the
 * parts always add up to the line, and the same line always splits the same way whatever the
 * order of its allocations.
 */
export function splitLineIncome(amount: number, shares: readonly LineUnitShare[]): IncomePart[] {
  if (!Number.isSafeInteger(amount) || amount < 0)
    throw new RangeError(`a line amount is a non-negative integer (got ${amount})`);
  const units = new Map<string, number>();
  for (const share of shares) {
    if (!Number.isSafeInteger(share.units) || share.units <= 0)
      throw new RangeError(`units are positive integers (got ${share.units})`);
    units.set(share.stockItemId, (units.get(share.stockItemId) ?? 0) + share.units);
  }
  const ids = [...units.keys()].sort();
  const totalUnits = ids.reduce((sum, id) => sum + (units.get(id) as number), 0);
  if (totalUnits === 0) {
    if (amount !== 0) throw new RangeError('a priced line needs at least one unit to post its income to');
    return [];
  }
  const perUnit = Math.floor(amount / totalUnits);
  let remainder = amount - perUnit * totalUnits;
  return ids.map((stockItemId) => {
    const n = units.get(stockItemId) as number;
    const extra = Math.min(remainder, n);
    remainder -= extra;
    return { stockItemId, amount: perUnit * n + extra };
  });
}
