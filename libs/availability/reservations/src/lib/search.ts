import {
  allocate,
  type AllocationLine,
  type AvailabilityIndex,
  type AvailabilityRequest,
  type EngineListing,
} from '@circulate/availability/engine';
import type { ReserveCommand } from '@circulate/contracts';
import { Draft, listingOf, putLines, requestOf, statusOf } from './draft';
import type { OrderRecord, ReservationRecord } from './state';

/**
 * The complete search for an order whose lines, placed one after another, did not fit.
 *
 * The engine is exact for one line (one period), but an order's lines can have different periods,
 * and the unit the first line takes may be the one a later line needed: three bikes, one booked
 * on day 5, an order for one bike on day 3 and two for days 3–5 fits only if the day-3 bike is
 * the one booked on day 5. So every copy of every rule of every line becomes a slot of one unit,
 * and the slots are filled depth first, longest period first, each trying the free matching items
 * in the engine's order (an item tried and given up is blocked for that slot's period while the
 * slot tries the next). The order is refused only when no assignment fits, or when the search
 * spends its budget of engine calls (then it answers as if nothing fit: a refusal, never an
 * over-booking).
 */

export interface Slot {
  readonly lineIndex: number;
  /** The line's listing cut down to the one rule this slot fills, quantity 1. */
  readonly listing: EngineListing;
  readonly request: AvailabilityRequest;
}

export interface Placed {
  readonly lineIndex: number;
  readonly line: AllocationLine;
}

export const SEARCH_BUDGET = 512;

export function slotsOf(
  lines: readonly { lineIndex: number; listing: EngineListing; request: AvailabilityRequest }[],
): Slot[] {
  const slots: Slot[] = [];
  for (const l of lines) {
    const copies = l.request.quantity ?? 1;
    for (let c = 0; c < copies; c++) {
      for (const rule of l.listing.rules) {
        for (let q = 0; q < rule.quantity; q++) {
          slots.push({
            lineIndex: l.lineIndex,
            listing: { rules: [{ ...rule, quantity: 1 }], locationIds: l.listing.locationIds },
            request: { ...l.request, quantity: 1 },
          });
        }
      }
    }
  }
  const length = (s: Slot) => s.request.end - s.request.start;
  return slots
    .map((s, i) => ({ s, i }))
    .sort((a, b) => length(b.s) - length(a.s) || a.i - b.i)
    .map((x) => x.s);
}

/**
 * Fills every slot or none. The index is left as it was; the answer is the units to reserve,
 * merged per line, rule, item and blocked period.
 */
export function searchSlots(index: AvailabilityIndex, slots: readonly Slot[], budget = SEARCH_BUDGET): Placed[] | null {
  let calls = 0;
  let seq = 0;
  const placed: { lineIndex: number; line: AllocationLine; id: string }[] = [];
  const place = (j: number): boolean => {
    if (j === slots.length) return true;
    const slot = slots[j];
    const blockers: string[] = [];
    try {
      while (calls < budget) {
        calls++;
        const res = allocate(index, slot.listing, slot.request);
        if (!res.ok) return false;
        const line = res.allocations[0];
        const id = `~search:${seq++}`;
        index.addReservation({ id, stockItemId: line.stockItemId, quantity: 1, ...line.blocked });
        placed.push({ lineIndex: slot.lineIndex, line, id });
        if (place(j + 1)) return true;
        placed.pop();
        index.removeReservation(id);
        const blocker = `~search:${seq++}`;
        const item = index.getItem(line.stockItemId);
        index.addReservation({
          id: blocker,
          stockItemId: line.stockItemId,
          quantity: item?.quantity ?? 1,
          ...line.blocked,
        });
        blockers.push(blocker);
      }
      return false;
    } finally {
      for (const b of blockers) index.removeReservation(b);
    }
  };
  let found = false;
  try {
    found = place(0);
  } finally {
    // The tentative units leave the shared index however the search ended (a throw included).
    for (const p of placed) index.removeReservation(p.id);
  }
  if (!found) return null;
  const merged = new Map<string, Placed>();
  for (const p of placed) {
    const key = JSON.stringify([
      p.lineIndex,
      p.line.ruleId,
      p.line.stockItemId,
      p.line.blocked.start,
      p.line.blocked.end,
    ]);
    const prev = merged.get(key);
    merged.set(key, prev ? { ...prev, line: { ...prev.line, quantity: prev.line.quantity + 1 } } : p);
  }
  return [...merged.values()].sort((a, b) => a.lineIndex - b.lineIndex);
}

/**
 * The lines did not fit one after another: if each fits on its own, search for an assignment of
 * units to all of them together (search.ts). Puts the reservations and returns true when found.
 */
export function searchOrder(d: Draft, order: OrderRecord, cmd: ReserveCommand, made: ReservationRecord[]): boolean {
  const { state } = d;
  const lines = cmd.lines.map((line, i) => ({
    lineIndex: i,
    listing: listingOf(state, line, `lines[${i}].listingId`),
    request: requestOf(line, line.end, line.quantity ?? 1),
  }));
  if (lines.length < 2 || lines.some((l) => !allocate(state.index, l.listing, l.request).ok)) return false;
  const found = searchSlots(state.index, slotsOf(lines));
  if (!found) return false;
  for (const [i] of cmd.lines.entries()) {
    const mine = found.filter((p) => p.lineIndex === i).map((p) => p.line);
    order = putLines(d, order, i, mine, statusOf(order), made);
  }
  return true;
}
