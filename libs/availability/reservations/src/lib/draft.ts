import type { AllocationLine, EngineListing } from '@circulate/availability/engine';
import {
  DomainError,
  ErrorCode,
  type ErrorPayload,
  type ReservationEventPayload,
  type ReservationEventType,
  type ReservationReply,
  type ReserveLineInput,
} from '@circulate/contracts';
import {
  toAllocation,
  type Change,
  type OrderRecord,
  type ReservationRecord,
  type ReservationState,
  type StateRecord,
} from './state';

/** A decided command: the record changes to log, the events to publish, the caller's answer. */
export interface Decision {
  readonly changes: readonly Change[];
  readonly events: readonly ReservationEventPayload[];
  readonly reply: ReservationReply;
}

export type DecideResult = { ok: true; decision: Decision } | { ok: false; error: ErrorPayload };

/** Where a unit that is still out after its end stays blocked until: "until it is back". */
export const UNTIL_BACK = 8.64e15;

export class Refused extends Error {
  constructor(readonly payload: ErrorPayload) {
    super(payload.message);
  }
}

export function refuse(code: ErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new Refused(new DomainError(code, message, undefined, details).toPayload());
}

/**
 * A scratch pad over the state: every change is applied at once (so later steps of the same
 * decision see it) and undone when the decision is made, leaving the state as it was.
 */
export class Draft {
  readonly changes: Change[] = [];
  private undo: Change[] = [];
  readonly events: ReservationEventPayload[] = [];

  constructor(
    readonly state: ReservationState,
    readonly now: number,
  ) {}

  put(r: StateRecord): void {
    this.changes.push({ put: r });
    this.undo.push(this.state.applyChange({ put: r }));
  }

  del(key: string): void {
    if (!this.state.get(key)) return;
    this.changes.push({ del: key });
    this.undo.push(this.state.applyChange({ del: key }));
  }

  event(type: ReservationEventType, orderId: string | null, rsv: ReservationRecord[], removed: string[] = []): void {
    this.events.push({ type, orderId, allocations: rsv.map(toAllocation), removed, at: this.now });
  }

  /** The changes that undo everything put so far, in the order to apply them. */
  takeUndo(): Change[] {
    const u = this.undo.reverse();
    this.undo = [];
    return u;
  }

  /** A point to roll back to with `rollbackTo`. */
  mark(): { changes: number; undo: number } {
    return { changes: this.changes.length, undo: this.undo.length };
  }

  /** Undoes (and forgets) every change made since `mark`. */
  rollbackTo(mark: { changes: number; undo: number }): void {
    for (const u of this.undo.splice(mark.undo).reverse()) this.state.applyChange(u);
    this.changes.length = mark.changes;
  }

  rollback(): void {
    for (let i = this.undo.length - 1; i >= 0; i--) this.state.applyChange(this.undo[i]);
    this.undo.length = 0;
  }
}

export function linesKey(lines: readonly ReserveLineInput[]): string {
  return JSON.stringify(
    lines.map((l) => [l.listingId, l.start, l.end, l.quantity ?? 1, l.variant ?? null, l.locationId ?? null]),
  );
}

export function requestOf(line: ReserveLineInput, end: number, quantity: number) {
  return {
    start: line.start,
    end,
    quantity,
    variant: line.variant,
    locationId: line.locationId,
    timeZone: line.timeZone,
  };
}

export function listingOf(state: ReservationState, line: ReserveLineInput, field: string): EngineListing {
  const listing = state.listings(line.listingId);
  if (!listing) refuse(ErrorCode.NOT_FOUND, `${field}: listing ${line.listingId} was not found`);
  return listing;
}

export function activeOrder(state: ReservationState, orderId: string): OrderRecord {
  const order = state.order(orderId);
  if (!order) refuse(ErrorCode.NOT_FOUND, `order ${orderId} has no reservation`);
  if (order.state !== 'active') {
    refuse(ErrorCode.INVALID_STATE_TRANSITION, `the reservation of order ${orderId} is ${order.state}`);
  }
  return order;
}

/** Puts the allocation lines of one order line as reservation records; returns the new order record. */
export function putLines(
  d: Draft,
  order: OrderRecord,
  lineIndex: number,
  lines: readonly AllocationLine[],
  status: 'held' | 'confirmed',
  out: ReservationRecord[],
): OrderRecord {
  let next = order.nextRsv;
  for (const a of lines) {
    const r: ReservationRecord = {
      kind: 'rsv',
      id: `res_${order.id}_${next++}`,
      orderId: order.id,
      lineIndex,
      ruleId: a.ruleId,
      stockItemId: a.stockItemId,
      quantity: a.quantity,
      start: a.blocked.start,
      end: a.blocked.end,
      status,
    };
    d.put(r);
    out.push(r);
  }
  const updated = { ...order, nextRsv: next };
  d.put(updated);
  return updated;
}

export function statusOf(order: OrderRecord): 'held' | 'confirmed' {
  return order.holdUntil === null ? 'confirmed' : 'held';
}
