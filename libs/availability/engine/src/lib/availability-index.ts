import { attributeKey, matchesResolved, type ResolvedMatch } from './matching';
import { ItemTimeline } from './timeline';
import type { EngineReservation, EngineStockItem } from './types';

/** An item with its reservation timeline (internal). */
export interface ItemEntry {
  item: EngineStockItem;
  readonly timeline: ItemTimeline;
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

function assertItem(item: EngineStockItem): void {
  if (!Number.isInteger(item.quantity) || item.quantity < 1) {
    throw new RangeError(`stock item ${item.id}: quantity must be an integer >= 1`);
  }
  if (item.tracking === 'serialized' && item.quantity !== 1) {
    throw new RangeError(`stock item ${item.id}: a serialized item has quantity 1`);
  }
}

function assertReservation(r: EngineReservation): void {
  if (!Number.isInteger(r.quantity) || r.quantity < 1) {
    throw new RangeError(`reservation ${r.id}: quantity must be an integer >= 1`);
  }
  if (!Number.isFinite(r.start) || !Number.isFinite(r.end) || r.start >= r.end) {
    throw new RangeError(`reservation ${r.id}: blocked interval must satisfy start < end`);
  }
}

/**
 * The in-memory read model the engine queries: stock items indexed by SKU code, attribute value
 * and location, and reservations indexed per item as a step function over time.
 *
 * Everything is incremental: `upsertItem`, `removeItem`, `addReservation` and
 * `removeReservation` are idempotent, so an at-least-once event consumer can call them directly.
 * A reservation may arrive before its item; it counts as soon as the item does.
 */
export class AvailabilityIndex {
  private readonly entries = new Map<string, ItemEntry>();
  private readonly timelines = new Map<string, ItemTimeline>();
  private readonly reservationsById = new Map<string, EngineReservation>();
  private readonly bySku = new Map<string, Set<ItemEntry>>();
  private readonly byAttribute = new Map<string, Set<ItemEntry>>();
  private readonly byLocation = new Map<string, Set<ItemEntry>>();
  private itemChangeCount = 0;

  constructor(items: Iterable<EngineStockItem> = [], reservations: Iterable<EngineReservation> = []) {
    for (const item of items) this.upsertItem(item);
    for (const r of reservations) this.addReservation(r);
  }

  /** Counts item upserts and removals: a reader can tell the fleet changed since it last looked. */
  get itemChanges(): number {
    return this.itemChangeCount;
  }

  get itemCount(): number {
    return this.entries.size;
  }

  get reservationCount(): number {
    return this.reservationsById.size;
  }

  getItem(id: string): EngineStockItem | undefined {
    return this.entries.get(id)?.item;
  }

  *items(): IterableIterator<EngineStockItem> {
    for (const e of this.entries.values()) yield e.item;
  }

  getReservation(id: string): EngineReservation | undefined {
    return this.reservationsById.get(id);
  }

  /** Reservations on one item, sorted by start. */
  reservationsOf(stockItemId: string): EngineReservation[] {
    return this.timelines.get(stockItemId)?.reservations() ?? [];
  }

  /** The peak quantity reserved on an item at any instant of `[start, end)`. */
  peakReserved(stockItemId: string, start: number, end: number): number {
    return this.timelines.get(stockItemId)?.peak(start, end) ?? 0;
  }

  /** Adds or replaces an item (by id) and re-indexes it. */
  upsertItem(item: EngineStockItem): void {
    assertItem(item);
    this.itemChangeCount++;
    const existing = this.entries.get(item.id);
    if (existing) {
      this.unindex(existing);
      existing.item = item;
      this.index(existing);
      return;
    }
    const entry: ItemEntry = { item, timeline: this.timeline(item.id) };
    this.entries.set(item.id, entry);
    this.index(entry);
  }

  /** Removes an item; its reservations stay (they are removed by `removeReservation`). */
  removeItem(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.itemChangeCount++;
    this.unindex(entry);
    this.entries.delete(id);
    return true;
  }

  /** Adds a reservation, or replaces the one with the same id. */
  addReservation(reservation: EngineReservation): void {
    assertReservation(reservation);
    const previous = this.reservationsById.get(reservation.id);
    if (previous && previous.stockItemId !== reservation.stockItemId) this.removeReservation(previous.id);
    this.reservationsById.set(reservation.id, reservation);
    this.timeline(reservation.stockItemId).set(reservation);
  }

  removeReservation(id: string): boolean {
    const r = this.reservationsById.get(id);
    if (!r) return false;
    this.reservationsById.delete(id);
    const tl = this.timelines.get(r.stockItemId);
    if (tl) {
      tl.delete(id);
      if (tl.size === 0 && !this.entries.has(r.stockItemId)) this.timelines.delete(r.stockItemId);
    }
    return true;
  }

  /**
   * Items that match a resolved pattern, have status `in_use` and stand at one of `locations`
   * (null = anywhere). Starts from the smallest index bucket, so a rule naming SKU codes touches
   * only those SKUs' items.
   * @internal
   */
  candidates(match: ResolvedMatch, locations: readonly string[] | null): ItemEntry[] {
    // The smallest bucket list to start from; null = every item.
    let best: Set<ItemEntry>[] | null = null;
    let bestSize = Infinity;
    let bestIsSku = false;
    if (match.skuCodes) {
      let size = 0;
      const sets: Set<ItemEntry>[] = [];
      for (const code of match.skuCodes) {
        const s = this.bySku.get(code);
        if (s) {
          sets.push(s);
          size += s.size;
        }
      }
      if (size === 0) return [];
      best = sets;
      bestSize = size;
      bestIsSku = true;
    }
    for (const [key, value] of match.attributes) {
      const s = this.byAttribute.get(attributeKey(key, value));
      if (!s) return [];
      if (s.size < bestSize) {
        best = [s];
        bestSize = s.size;
        bestIsSku = false;
      }
    }
    if (locations) {
      let size = 0;
      const sets: Set<ItemEntry>[] = [];
      for (const loc of locations) {
        const s = this.byLocation.get(loc);
        if (s) {
          sets.push(s);
          size += s.size;
        }
      }
      if (size === 0) return [];
      if (size < bestSize) {
        best = sets;
        bestSize = size;
        bestIsSku = false;
      }
    }
    const rest: ResolvedMatch = bestIsSku ? { skuCodes: undefined, attributes: match.attributes } : match;
    const out: ItemEntry[] = [];
    const accept = (e: ItemEntry): void => {
      const item = e.item;
      if (item.status !== 'in_use') return;
      if (
        locations &&
        !(locations.length === 1 ? locations[0] === item.locationId : locations.includes(item.locationId))
      ) {
        return;
      }
      if (!matchesResolved(rest, item)) return;
      out.push(e);
    };
    if (best === null) {
      for (const e of this.entries.values()) accept(e);
    } else {
      // Buckets are disjoint: an item has one SKU code and one location.
      for (const s of best) for (const e of s) accept(e);
    }
    return out;
  }

  private timeline(itemId: string): ItemTimeline {
    let tl = this.timelines.get(itemId);
    if (!tl) {
      tl = new ItemTimeline();
      this.timelines.set(itemId, tl);
    }
    return tl;
  }

  private index(e: ItemEntry): void {
    const item = e.item;
    if (item.skuCode !== null) addTo(this.bySku, item.skuCode, e);
    for (const key of Object.keys(item.attributes)) addTo(this.byAttribute, attributeKey(key, item.attributes[key]), e);
    addTo(this.byLocation, item.locationId, e);
  }

  private unindex(e: ItemEntry): void {
    const item = e.item;
    if (item.skuCode !== null) removeFrom(this.bySku, item.skuCode, e);
    for (const key of Object.keys(item.attributes)) {
      removeFrom(this.byAttribute, attributeKey(key, item.attributes[key]), e);
    }
    removeFrom(this.byLocation, item.locationId, e);
  }
}
