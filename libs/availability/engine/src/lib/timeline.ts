import type { EngineReservation, EpochMs } from './types';

const EMPTY = new Float64Array(0);
const BLOCK_SHIFT = 5;
const BLOCK = 1 << BLOCK_SHIFT;
/** Bound on the walk that measures a pool's free gap for best fit (beyond it, the gap is "wide"). */
const GAP_WALK_LIMIT = 1024;
/**
 * Up to this many reservations, a changed timeline answers the common questions — a window that
 * at most one booking overlaps, the free gap of a free unit — by scanning them instead of
 * rebuilding its arrays: a reserve changes one unit, and the next reserve of the same listing used
 * to rebuild it (in the stack at 100,000 reservations, 14 % of the owner's CPU).
 */
const SCAN_MAX = 32;

/**
 * The reserved quantity of one stock item over time, as a step function.
 *
 * `times` holds the sorted instants where the reserved level changes; `levels[i]` is the level on
 * `[times[i], times[i + 1])` (0 before `times[0]`, and the last level is always 0). `blockMax`
 * holds the maximum level of each block of 32 steps, so a peak over a long window skips whole
 * blocks. The arrays are rebuilt lazily after a change (O(n log n) in this item's reservations);
 * queries are O(log n + steps inside the window / 32).
 */
export class ItemTimeline {
  private readonly byId = new Map<string, EngineReservation>();
  private dirty = false;
  private times: Float64Array = EMPTY;
  private levels: Float64Array = EMPTY;
  private blockMax: Float64Array = EMPTY;
  private m = 0;

  get size(): number {
    return this.byId.size;
  }

  set(reservation: EngineReservation): void {
    this.byId.set(reservation.id, reservation);
    this.dirty = true;
  }

  delete(id: string): boolean {
    const had = this.byId.delete(id);
    if (had) this.dirty = true;
    return had;
  }

  reservations(): EngineReservation[] {
    return [...this.byId.values()].sort((a, b) => a.start - b.start || a.end - b.end || (a.id < b.id ? -1 : 1));
  }

  /** The step function (read-only views; valid until the next change). */
  steps(): { readonly times: Float64Array; readonly levels: Float64Array; readonly count: number } {
    if (this.dirty) this.rebuild();
    return { times: this.times, levels: this.levels, count: this.m };
  }

  private rebuild(): void {
    this.dirty = false;
    const deltas = new Map<number, number>();
    for (const r of this.byId.values()) {
      deltas.set(r.start, (deltas.get(r.start) ?? 0) + r.quantity);
      deltas.set(r.end, (deltas.get(r.end) ?? 0) - r.quantity);
    }
    const keys = Float64Array.from(deltas.keys()).sort();
    const times = new Float64Array(keys.length);
    const levels = new Float64Array(keys.length);
    let m = 0;
    let level = 0;
    for (let k = 0; k < keys.length; k++) {
      const t = keys[k];
      const d = deltas.get(t) ?? 0;
      if (d === 0) continue;
      level += d;
      times[m] = t;
      levels[m] = level;
      m++;
    }
    this.m = m;
    this.times = m === keys.length ? times : times.slice(0, m);
    this.levels = m === keys.length ? levels : levels.slice(0, m);
    const blocks = (m + BLOCK - 1) >> BLOCK_SHIFT;
    const blockMax = new Float64Array(blocks);
    for (let b = 0; b < blocks; b++) {
      let mx = -Infinity;
      const end = Math.min(m, (b + 1) << BLOCK_SHIFT);
      for (let j = b << BLOCK_SHIFT; j < end; j++) if (this.levels[j] > mx) mx = this.levels[j];
      blockMax[b] = mx;
    }
    this.blockMax = blockMax;
  }

  /** Index of the last step starting at or before `t`, or -1. */
  private stepAt(t: EpochMs): number {
    const times = this.times;
    let lo = 0;
    let hi = this.m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** The peak reserved quantity at any instant of `[start, end)`. */
  peak(start: EpochMs, end: EpochMs): number {
    if (this.dirty) {
      const scanned = this.byId.size <= SCAN_MAX ? this.scanPeak(start, end) : null;
      if (scanned !== null) return scanned;
      this.rebuild();
    }
    const m = this.m;
    if (m === 0) return 0;
    const times = this.times;
    const levels = this.levels;
    const i = this.stepAt(start);
    let p = i >= 0 ? levels[i] : 0;
    let j = i + 1;
    while (j < m && times[j] < end) {
      if ((j & (BLOCK - 1)) === 0 && j + BLOCK <= m && times[j + BLOCK - 1] < end) {
        const bm = this.blockMax[j >> BLOCK_SHIFT];
        if (bm > p) p = bm;
        j += BLOCK;
        continue;
      }
      if (levels[j] > p) p = levels[j];
      j++;
    }
    return p;
  }

  /**
   * How long before and after `[start, end)` the item stays at least as free as it is during it
   * (the level stays at or below `peak`): for a serialized unit, the distance to the neighbouring
   * bookings. Infinity when nothing bounds it.
   */
  freeGap(start: EpochMs, end: EpochMs, peak: number): { before: number; after: number } {
    if (this.dirty) {
      const scanned = peak === 0 && this.byId.size <= SCAN_MAX ? this.scanFreeGap(start, end) : null;
      if (scanned) return scanned;
      this.rebuild();
    }
    const m = this.m;
    const times = this.times;
    const levels = this.levels;
    let k = this.stepAt(start);
    let steps = 0;
    while (k >= 0 && levels[k] <= peak && steps < GAP_WALK_LIMIT) {
      k--;
      steps++;
    }
    const left = k < 0 ? -Infinity : times[k + 1];
    let j = this.stepAt(end - 1) + 1;
    steps = 0;
    while (j < m && levels[j] <= peak && steps < GAP_WALK_LIMIT) {
      j++;
      steps++;
    }
    const right = j >= m ? Infinity : times[j];
    return { before: start - left, after: right - end };
  }

  /** The peak when at most one booking overlaps `[start, end)` (its quantity, or 0); null otherwise. */
  private scanPeak(start: EpochMs, end: EpochMs): number | null {
    let found = 0;
    let quantity = 0;
    for (const r of this.byId.values()) {
      if (r.start < end && start < r.end && r.quantity > 0) {
        if (++found > 1) return null;
        quantity = r.quantity;
      }
    }
    return quantity;
  }

  /** `freeGap` at level 0: the distance to the nearest bookings before and after; null if one overlaps. */
  private scanFreeGap(start: EpochMs, end: EpochMs): { before: number; after: number } | null {
    let left = -Infinity;
    let right = Infinity;
    for (const r of this.byId.values()) {
      if (r.quantity <= 0) continue;
      if (r.end <= start) {
        if (r.end > left) left = r.end;
      } else if (r.start >= end) {
        if (r.start < right) right = r.start;
      } else return null;
    }
    return { before: start - left, after: right - end };
  }
}
