import type { EngineStockItem, Period } from './types';

/** A stock item that can serve a rule for the requested period. */
export interface AllocationCandidate {
  readonly item: EngineStockItem;
  /** Units of the item free for the whole blocked window (1 for a free serialized unit). */
  readonly free: number;
  /**
   * How long (ms) before and after the blocked window the item stays at least as free as during
   * it — for a serialized unit, the distance to its previous and next booking. Infinity when
   * nothing bounds it.
   */
  readonly gapBefore: number;
  readonly gapAfter: number;
}

export interface AllocationContext {
  readonly ruleId: string;
  /** The blocked window the new reservation will occupy (period widened by the rule's buffers). */
  readonly window: Period;
}

/**
 * Chooses which of several interchangeable candidates a rule takes first. The engine decides
 * *whether* a bundle fits with max-flow; the policy only orders units that are interchangeable
 * for that decision, so no policy can make a feasible request fail.
 */
export interface AllocationPolicy {
  /** Returns the same candidates, most preferred first. */
  order(candidates: readonly AllocationCandidate[], context: AllocationContext): AllocationCandidate[];
}

function compareIds(a: AllocationCandidate, b: AllocationCandidate): number {
  return a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0;
}

/** Sides with no booking at all: a gap open on one side is wider than any bounded gap. */
function unbounded(c: AllocationCandidate): number {
  return (Number.isFinite(c.gapBefore) ? 0 : 1) + (Number.isFinite(c.gapAfter) ? 0 : 1);
}

function finiteGap(c: AllocationCandidate): number {
  return (Number.isFinite(c.gapBefore) ? c.gapBefore : 0) + (Number.isFinite(c.gapAfter) ? c.gapAfter : 0);
}

/**
 * Best fit: take the unit whose free gap around the period is tightest (smallest
 * `gapBefore + gapAfter`; a side with no booking at all counts as wider than any bounded gap),
 * so units with long free stretches stay available for long future bookings and the calendar
 * stays least fragmented. Ties: fewest free units first (fill an
 * almost-full pool before a large one), then item id (deterministic).
 */
export const bestFitPolicy: AllocationPolicy = {
  order(candidates) {
    return [...candidates].sort((a, b) => {
      const ua = unbounded(a);
      const ub = unbounded(b);
      if (ua !== ub) return ua - ub;
      const ga = finiteGap(a);
      const gb = finiteGap(b);
      if (ga !== gb) return ga - gb;
      return a.free - b.free || compareIds(a, b);
    });
  },
};

/** First fit by item id: predictable, used in tests and as a baseline. */
export const firstFitPolicy: AllocationPolicy = {
  order(candidates) {
    return [...candidates].sort(compareIds);
  },
};
