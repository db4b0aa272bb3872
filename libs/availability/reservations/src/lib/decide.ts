import { allocate } from '@circulate/availability/engine';
import {
  DomainError,
  ErrorCode,
  type ReservationCommand,
  type ReservationEventType,
  type ReservationReply,
  type ReserveCommand,
} from '@circulate/contracts';
import {
  recordKey,
  type Change,
  type OrderRecord,
  type ReservationRecord,
  type ReservationState,
  type StateRecord,
} from './state';

import {
  activeOrder,
  Draft,
  linesKey,
  listingOf,
  putLines,
  Refused,
  refuse,
  requestOf,
  statusOf,
  type DecideResult,
} from './draft';
import { searchOrder } from './search';
import { extend, overdue, partialReturn, resolveConflicts, selected, swap } from './moves';

export { UNTIL_BACK } from './draft';
export type { Decision, DecideResult } from './draft';

function validateReserve(cmd: ReserveCommand): void {
  if (typeof cmd.orderId !== 'string' || cmd.orderId.length === 0)
    refuse(ErrorCode.VALIDATION_FAILED, 'orderId: required');
  if (!Array.isArray(cmd.lines) || cmd.lines.length === 0)
    refuse(ErrorCode.VALIDATION_FAILED, 'lines: at least one line');
  cmd.lines.forEach((l, i) => {
    if (!Number.isFinite(l.start) || !Number.isFinite(l.end) || l.start >= l.end) {
      refuse(ErrorCode.VALIDATION_FAILED, `lines[${i}]: start must be before end`);
    }
    const q = l.quantity ?? 1;
    if (!Number.isInteger(q) || q < 1) refuse(ErrorCode.VALIDATION_FAILED, `lines[${i}].quantity: an integer >= 1`);
  });
}

function reserve(d: Draft, cmd: ReserveCommand): ReservationReply {
  validateReserve(cmd);
  const { state, now } = d;
  const key = linesKey(cmd.lines);
  const existing = state.order(cmd.orderId);
  if (existing) {
    if (linesKey(existing.lines) !== key) {
      refuse(ErrorCode.IDEMPOTENCY_KEY_REUSED, `order ${cmd.orderId} was reserved with other lines`);
    }
    return { ok: true, order: state.view(cmd.orderId) };
  }
  let order: OrderRecord = {
    kind: 'order',
    id: cmd.orderId,
    lines: cmd.lines,
    state: 'active',
    holdUntil: cmd.holdUntil ?? null,
    end: null,
    nextRsv: 0,
    createdAt: now,
  };
  d.put(order);
  const start = d.mark();
  const ordered = order;
  const made: ReservationRecord[] = [];
  const report: { lineIndex: number; requested: number; fits: number }[] = [];
  let refused = false;
  cmd.lines.forEach((line, i) => {
    const listing = listingOf(state, line, `lines[${i}].listingId`);
    const n = line.quantity ?? 1;
    const res = allocate(state.index, listing, requestOf(line, line.end, n));
    if (res.ok) {
      order = putLines(d, order, i, res.allocations, statusOf(order), made);
      report.push({ lineIndex: i, requested: n, fits: n });
      return;
    }
    const fits = res.error.details.quantity;
    report.push({ lineIndex: i, requested: n, fits });
    if (!cmd.acceptShortage) {
      refused = true;
      return;
    }
    if (fits > 0) {
      const part = allocate(state.index, listing, requestOf(line, line.end, fits));
      if (part.ok) order = putLines(d, order, i, part.allocations, statusOf(order), made);
    }
    const got = made.filter((r) => r.lineIndex === i);
    const copies = got.length === 0 ? 0 : fits;
    d.put({
      kind: 'short',
      id: `${cmd.orderId}#${i}`,
      orderId: cmd.orderId,
      lineIndex: i,
      missing: n - copies,
      since: now,
    });
  });
  if (refused) {
    d.rollbackTo(start);
    made.length = 0;
    if (!searchOrder(d, ordered, cmd, made)) {
      refuse(ErrorCode.UNAVAILABLE, `order ${cmd.orderId}: not every line is available`, { lines: report });
    }
  }
  d.event('reservation.reserved', cmd.orderId, made);
  return { ok: true, order: state.view(cmd.orderId) };
}

/** Removes an order's records and marks it `state`; then fills shortages from what it freed. */
function endOrder(d: Draft, order: OrderRecord, state: 'released' | 'expired', type: ReservationEventType): void {
  const removed: string[] = [];
  for (const k of d.state.keysOf(order.id)) {
    const r = d.state.get(k);
    if (r?.kind === 'rsv') removed.push(r.id);
    d.del(k);
  }
  d.put({ ...order, state });
  d.event(type, order.id, [], removed);
}

/** Fills shortages, oldest first, with whatever fits now. */
function fillShortages(d: Draft): void {
  const { state } = d;
  const queue = [...state.shortages]
    .map((k) => state.get(k))
    .filter((r): r is Extract<StateRecord, { kind: 'short' }> => r?.kind === 'short')
    .sort((a, b) => a.since - b.since || a.id.localeCompare(b.id));
  for (const s of queue) {
    let order = state.order(s.orderId);
    if (!order || order.state !== 'active') continue;
    const line = order.lines[s.lineIndex];
    const listing = state.listings(line.listingId);
    if (!listing) continue;
    const end = order.end ?? line.end;
    let res = allocate(state.index, listing, requestOf(line, end, s.missing));
    let copies = s.missing;
    if (!res.ok) {
      copies = res.error.details.quantity;
      if (copies === 0) continue;
      res = allocate(state.index, listing, requestOf(line, end, copies));
      if (!res.ok) continue;
    }
    const made: ReservationRecord[] = [];
    order = putLines(d, order, s.lineIndex, res.allocations, statusOf(order), made);
    if (copies === s.missing) d.del(recordKey(s));
    else d.put({ ...s, missing: s.missing - copies });
    d.event('reservation.shortage_filled', s.orderId, made);
  }
}

function run(d: Draft, cmd: ReservationCommand): ReservationReply {
  const { state, now } = d;
  switch (cmd.type) {
    case 'reserve':
      return reserve(d, cmd);
    case 'release': {
      const order = state.order(cmd.orderId);
      if (!order) refuse(ErrorCode.NOT_FOUND, `order ${cmd.orderId} has no reservation`);
      if (order.state !== 'active') return { ok: true, order: state.view(cmd.orderId) };
      endOrder(d, order, 'released', 'reservation.released');
      resolveConflicts(d);
      fillShortages(d);
      return { ok: true, order: state.view(cmd.orderId) };
    }
    case 'confirm': {
      const order = activeOrder(state, cmd.orderId);
      if (order.holdUntil !== null) {
        d.put({ ...order, holdUntil: null });
        const updated: ReservationRecord[] = [];
        for (const r of state.reservationsOf(cmd.orderId)) {
          if (r.status !== 'held') continue;
          const c: ReservationRecord = { ...r, status: 'confirmed' };
          d.put(c);
          updated.push(c);
        }
        d.event('reservation.confirmed', cmd.orderId, updated);
      }
      return { ok: true, order: state.view(cmd.orderId) };
    }
    case 'expire': {
      // Only orders with a hold: a scan of every active order cost the owner 34 ms a tick at 100,000.
      const due = [...state.heldOrders]
        .map((id) => state.order(id))
        .filter((o): o is OrderRecord => o !== undefined && o.holdUntil !== null && o.holdUntil <= now);
      for (const o of due) endOrder(d, o, 'expired', 'reservation.expired');
      if (due.length > 0) {
        resolveConflicts(d);
        fillShortages(d);
      }
      return { ok: true, order: null };
    }
    case 'extend':
      if (!Number.isFinite(cmd.end)) refuse(ErrorCode.VALIDATION_FAILED, 'end: a time in epoch ms');
      return extend(d, cmd.orderId, cmd.end);
    case 'swap':
      return swap(d, cmd);
    case 'hand_out': {
      activeOrder(state, cmd.orderId);
      const out: ReservationRecord[] = [];
      for (const r of selected(state, cmd.orderId, cmd.reservationIds)) {
        if (r.status === 'out' || r.status === 'conflict') continue;
        const o: ReservationRecord = { ...r, status: 'out' };
        d.put(o);
        out.push(o);
      }
      if (out.length > 0) d.event('reservation.handed_out', cmd.orderId, out);
      return { ok: true, order: state.view(cmd.orderId) };
    }
    case 'return': {
      const order = activeOrder(state, cmd.orderId);
      if (cmd.reservationIds !== undefined) partialReturn(d, order, cmd.reservationIds);
      else endOrder(d, order, 'released', 'reservation.returned');
      resolveConflicts(d);
      fillShortages(d);
      return { ok: true, order: state.view(cmd.orderId) };
    }
    case 'overdue':
      return overdue(d);
    case 'fill':
      resolveConflicts(d);
      fillShortages(d);
      return { ok: true, order: null };
    default:
      return refuse(ErrorCode.VALIDATION_FAILED, 'type: unknown reservation command');
  }
}

/**
 * Decides one command against the state as it is at `now`. Leaves the state unchanged: the
 * decision's changes take effect through `apply`. A refusal is a typed failure (nothing to log).
 */
export function decide(state: ReservationState, command: ReservationCommand, now: number): DecideResult {
  const d = new Draft(state, now);
  try {
    const reply = run(d, command);
    return { ok: true, decision: { changes: d.changes, events: d.events, reply } };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, error: e.payload };
    if (e instanceof RangeError) return { ok: false, error: DomainError.invalid('lines', e.message).toPayload() };
    throw e;
  } finally {
    d.rollback();
  }
}

/**
 * `decide` followed by `apply` in one pass (what the group committer runs): on success the
 * decision's changes stay applied and `undo` takes them back (for a lost append); on a failure
 * the state is unchanged and `undo` is empty.
 */
export function decideApplied(
  state: ReservationState,
  command: ReservationCommand,
  now: number,
): { result: DecideResult; undo: Change[] } {
  const d = new Draft(state, now);
  try {
    const reply = run(d, command);
    return { result: { ok: true, decision: { changes: d.changes, events: d.events, reply } }, undo: d.takeUndo() };
  } catch (e) {
    d.rollback();
    if (e instanceof Refused) return { result: { ok: false, error: e.payload }, undo: [] };
    if (e instanceof RangeError) {
      return { result: { ok: false, error: DomainError.invalid('lines', e.message).toPayload() }, undo: [] };
    }
    throw e;
  }
}

/** Applies a decision's changes; returns the changes that undo it (for a lost append). */
export function apply(state: ReservationState, changes: readonly Change[]): Change[] {
  const undo: Change[] = [];
  for (const c of changes) undo.push(state.applyChange(c));
  return undo.reverse();
}

/** Undoes what `apply` returned. */
export function undo(state: ReservationState, undoChanges: readonly Change[]): void {
  for (const c of undoChanges) state.applyChange(c);
}
