import type { EngineStockItem } from '@circulate/availability/engine';

export interface HeldInterval {
  readonly id: string;
  readonly stockItemId: string;
  readonly quantity: number;
  readonly start: number;
  readonly end: number;
}

/**
 * Brute force, independent of the engine: at every start instant of every reservation, the sum
 * of reservations covering it on that item must not exceed the item's quantity (a serialized
 * unit: 1, so no two overlap). Returns the problems found.
 */
export function overBookings(items: Iterable<EngineStockItem>, held: Iterable<HeldInterval>): string[] {
  const quantity = new Map<string, number>();
  for (const i of items) quantity.set(i.id, i.quantity);
  const byItem = new Map<string, HeldInterval[]>();
  for (const h of held) {
    let list = byItem.get(h.stockItemId);
    if (!list) byItem.set(h.stockItemId, (list = []));
    list.push(h);
  }
  const problems: string[] = [];
  for (const [itemId, list] of byItem) {
    const q = quantity.get(itemId);
    if (q === undefined) {
      problems.push(`${itemId}: reserved but not a known item`);
      continue;
    }
    const points = [...new Set(list.map((h) => h.start))].sort((a, b) => a - b);
    const sorted = [...list].sort((a, b) => a.start - b.start);
    for (const t of points) {
      let sum = 0;
      for (const h of sorted) {
        if (h.start > t) break;
        if (h.end > t) sum += h.quantity;
      }
      if (sum > q) problems.push(`${itemId}: ${sum} reserved at ${new Date(t).toISOString()}, quantity ${q}`);
    }
  }
  return problems;
}
