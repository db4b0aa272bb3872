import { allocate, ruleMatchesItem, type AllocationLine, type EngineListing } from '@circulate/availability/engine';
import {
  DomainError,
  ErrorCode,
  type ErrorPayload,
  type ReservationCommand,
  type ReservationEventPayload,
  type ReservationEventType,
  type ReservationReply,
  type ReserveCommand,
  type ReserveLineInput,
} from '@circulate/contracts';
import {
  recordKey,
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

class Refused extends Error {
  constructor(readonly payload: ErrorPayload) {
    super(payload.message);
  }
}

function refuse(code: ErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new Refused(new DomainError(code, message, undefined, details).toPayload());
}

/**
 * A scratch pad over the state: every change is applied at once (so later steps of the same
 * decision see it) and undone when the decision is made, leaving the state as it was.
 */
class Draft {
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

  rollback(): void {
    for (let i = this.undo.length - 1; i >= 0; i--) this.state.applyChange(this.undo[i]);
    this.undo.length = 0;
  }
}

function linesKey(lines: readonly ReserveLineInput[]): string {
  return JSON.stringify(
    lines.map((l) => [l.listingId, l.start, l.end, l.quantity ?? 1, l.variant ?? null, l.locationId ?? null]),
  );
}

function requestOf(line: ReserveLineInput, end: number, quantity: number) {
  return {
    start: line.start,
    end,
    quantity,
    variant: line.variant,
    locationId: line.locationId,
    timeZone: line.timeZone,
  };
}

function listingOf(state: ReservationState, line: ReserveLineInput, field: string): EngineListing {
  const listing = state.listings(line.listingId);
  if (!listing) refuse(ErrorCode.NOT_FOUND, `${field}: listing ${line.listingId} was not found`);
  return listing;
}

function activeOrder(state: ReservationState, orderId: string): OrderRecord {
  const order = state.order(orderId);
  if (!order) refuse(ErrorCode.NOT_FOUND, `order ${orderId} has no reservation`);
  if (order.state !== 'active') {
    refuse(ErrorCode.INVALID_STATE_TRANSITION, `the reservation of order ${orderId} is ${order.state}`);
  }
  return order;
}

/** Puts the allocation lines of one order line as reservation records; returns the new order record. */
function putLines(
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

function statusOf(order: OrderRecord): 'held' | 'confirmed' {
  return order.holdUntil === null ? 'confirmed' : 'held';
}

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
    report.push({ lineIndex: i, requested: n, fits: res.quantity });
    if (!cmd.acceptShortage) {
      refused = true;
      return;
    }
    if (res.quantity > 0) {
      const part = allocate(state.index, listing, requestOf(line, line.end, res.quantity));
      if (part.ok) order = putLines(d, order, i, part.allocations, statusOf(order), made);
    }
    const got = made.filter((r) => r.lineIndex === i);
    const copies = got.length === 0 ? 0 : res.quantity;
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
    refuse(ErrorCode.UNAVAILABLE, `order ${cmd.orderId}: not every line is available`, { lines: report });
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
      copies = res.quantity;
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

/**
 * Moves one reservation to other free matching units (never `avoid`); the first new line keeps
 * its id. Returns the new records, or null (and changes nothing) when nothing fits.
 */
function move(d: Draft, r: ReservationRecord, avoid: string): ReservationRecord[] | null {
  const { state } = d;
  const order = state.order(r.orderId);
  if (!order) return null;
  const line = order.lines[r.lineIndex];
  const listing = state.listings(line.listingId);
  const rule = listing?.rules.find((x) => x.id === r.ruleId);
  if (!listing || !rule) return null;
  const blockerId = `__avoid_${r.id}`;
  const avoidItem = state.index.getItem(avoid);
  d.del(recordKey(r));
  if (avoidItem) {
    state.index.addReservation({
      id: blockerId,
      stockItemId: avoid,
      quantity: avoidItem.quantity,
      start: r.start,
      end: r.end,
    });
  }
  const single: EngineListing = { rules: [{ ...rule, quantity: r.quantity }], locationIds: listing.locationIds };
  const res = allocate(state.index, single, requestOf(line, order.end ?? line.end, 1));
  if (avoidItem) state.index.removeReservation(blockerId);
  if (!res.ok) {
    d.put(r);
    return null;
  }
  const out: ReservationRecord[] = [];
  let current: OrderRecord = order;
  res.allocations.forEach((a, i) => {
    let id = r.id;
    if (i > 0) {
      id = `res_${current.id}_${current.nextRsv}`;
      current = { ...current, nextRsv: current.nextRsv + 1 };
      d.put(current);
    }
    const moved: ReservationRecord = {
      ...r,
      id,
      stockItemId: a.stockItemId,
      quantity: a.quantity,
      start: r.start,
      end: r.end,
      status: r.status === 'conflict' ? statusOf(current) : r.status,
    };
    d.put(moved);
    out.push(moved);
  });
  return out;
}

function overBooked(state: ReservationState, unit: string, start: number, end: number): boolean {
  const item = state.index.getItem(unit);
  if (!item) return false;
  return state.index.peakReserved(unit, start, end) > item.quantity;
}

/** Other reservations on `unit` overlapping [start, end), latest start first. */
function othersOn(
  state: ReservationState,
  unit: string,
  start: number,
  end: number,
  except: string,
): ReservationRecord[] {
  const out: ReservationRecord[] = [];
  for (const e of state.index.reservationsOf(unit)) {
    if (e.start >= end || e.end <= start) continue;
    const r = state.records.get(`rsv:${e.id}`);
    if (r?.kind === 'rsv' && r.orderId !== except) out.push(r);
  }
  return out.sort((a, b) => b.start - a.start);
}

function extend(d: Draft, orderId: string, end: number): ReservationReply {
  const { state } = d;
  const order = activeOrder(state, orderId);
  const rsv = state.reservationsOf(orderId).filter((r) => r.status !== 'conflict');
  const moved: ReservationRecord[] = [];
  const extended: ReservationRecord[] = [];
  for (const r of rsv) {
    const line = order.lines[r.lineIndex];
    const currentEnd = order.end ?? line.end;
    if (!(end > currentEnd)) refuse(ErrorCode.INVALID_STATE_TRANSITION, 'end: must be after the current end');
    const longer: ReservationRecord = { ...r, end: r.end + (end - currentEnd) };
    d.put(longer);
    extended.push(longer);
    if (!overBooked(state, r.stockItemId, r.end, longer.end)) continue;
    // Later bookings of this unit move to other free matching units, latest first.
    for (const other of othersOn(state, r.stockItemId, r.end, longer.end, orderId)) {
      const m = move(d, other, r.stockItemId);
      if (m) moved.push(...m);
      if (!overBooked(state, r.stockItemId, r.end, longer.end)) break;
    }
    if (overBooked(state, r.stockItemId, r.end, longer.end)) {
      refuse(ErrorCode.UNAVAILABLE, `order ${orderId}: unit ${r.stockItemId} is booked after the current end`, {
        stockItemId: r.stockItemId,
      });
    }
  }
  d.put({ ...(state.order(orderId) ?? order), end });
  d.event('reservation.extended', orderId, extended);
  if (moved.length > 0) d.event('reservation.moved', null, moved);
  return { ok: true, order: state.view(orderId) };
}

function swap(d: Draft, cmd: Extract<ReservationCommand, { type: 'swap' }>): ReservationReply {
  const { state } = d;
  const { orderId, reservationId } = cmd;
  activeOrder(state, orderId);
  const r = state.get(`rsv:${reservationId}`);
  if (r?.kind !== 'rsv' || r.orderId !== orderId)
    refuse(ErrorCode.NOT_FOUND, `reservation ${reservationId} was not found`);
  if (cmd.toStockItemId !== undefined) {
    const moved = moveToUnit(d, r, cmd.toStockItemId);
    d.event('reservation.swapped', orderId, [moved]);
    return { ok: true, order: state.view(orderId) };
  }
  const m = move(d, r, r.stockItemId);
  if (!m) refuse(ErrorCode.UNAVAILABLE, `no other free unit matches reservation ${reservationId}`);
  d.event('reservation.swapped', orderId, m);
  return { ok: true, order: state.view(orderId) };
}

/** Moves a reservation to one named unit (a scanned one): it must match the rule, stand where the line allows, and be free. */
function moveToUnit(d: Draft, r: ReservationRecord, unit: string): ReservationRecord {
  const { state } = d;
  const field = 'toStockItemId';
  if (unit === r.stockItemId)
    refuse(ErrorCode.INVALID_STATE_TRANSITION, `${field}: the reservation is on ${unit} already`);
  const item = state.index.getItem(unit);
  if (!item) refuse(ErrorCode.NOT_FOUND, `${field}: stock item ${unit} was not found`);
  const order = state.order(r.orderId);
  const line = order?.lines[r.lineIndex];
  const listing = line ? state.listings(line.listingId) : undefined;
  const rule = listing?.rules.find((x) => x.id === r.ruleId);
  if (!line || !listing || !rule || !ruleMatchesItem(rule, item, line.variant ?? {})) {
    refuse(ErrorCode.UNAVAILABLE, `${field}: stock item ${unit} does not match the reserved rule`, {
      stockItemId: unit,
    });
  }
  const locations = line.locationId !== undefined ? [line.locationId] : listing.locationIds;
  if (item.status !== 'in_use' || (locations.length > 0 && !locations.includes(item.locationId))) {
    refuse(ErrorCode.UNAVAILABLE, `${field}: stock item ${unit} is not in use at the line's location`, {
      stockItemId: unit,
    });
  }
  if (state.index.peakReserved(unit, r.start, r.end) + r.quantity > item.quantity) {
    refuse(ErrorCode.UNAVAILABLE, `${field}: stock item ${unit} is not free for the period`, { stockItemId: unit });
  }
  const moved: ReservationRecord = { ...r, stockItemId: unit };
  d.put(moved);
  return moved;
}

/** The order's reservations named in `ids` (all when absent); NOT_FOUND for an id not the order's. */
function selected(state: ReservationState, orderId: string, ids: readonly string[] | undefined): ReservationRecord[] {
  const all = state.reservationsOf(orderId);
  if (ids === undefined) return all;
  const wanted = new Set(ids);
  for (const id of wanted) {
    if (!all.some((r) => r.id === id))
      refuse(ErrorCode.NOT_FOUND, `reservationIds: ${id} is not a reservation of order ${orderId}`);
  }
  return all.filter((r) => wanted.has(r.id));
}

/** Some of an order's units are back: those block nothing any more; the order ends when none is left. */
function partialReturn(d: Draft, order: OrderRecord, ids: readonly string[]): void {
  const { state } = d;
  const back = selected(state, order.id, ids);
  for (const r of back) d.del(recordKey(r));
  if (state.keysOf(order.id).length === 0) d.put({ ...order, state: 'released' });
  d.event(
    'reservation.returned',
    order.id,
    [],
    back.map((r) => r.id),
  );
}

function overdue(d: Draft): ReservationReply {
  const { state, now } = d;
  const late = [...state.outRsv]
    .map((k) => state.get(k))
    .filter((r): r is ReservationRecord => r?.kind === 'rsv' && r.end <= now);
  for (const r of late) {
    const blocked: ReservationRecord = { ...r, end: UNTIL_BACK };
    d.put(blocked);
    d.event('reservation.overdue', r.orderId, [blocked]);
    for (const other of othersOn(state, r.stockItemId, r.end, UNTIL_BACK, r.orderId)) {
      if (!overBooked(state, r.stockItemId, other.start, other.end)) continue;
      const m = move(d, other, r.stockItemId);
      if (m) {
        d.event('reservation.moved', other.orderId, m);
        continue;
      }
      const c: ReservationRecord = { ...other, status: 'conflict' };
      d.put(c);
      d.event('reservation.conflicted', other.orderId, [c]);
    }
  }
  return { ok: true, order: null };
}

/** Conflicted bookings get a unit back where one is free (their own first). */
function resolveConflicts(d: Draft): void {
  const { state } = d;
  for (const k of [...state.conflicts]) {
    const r = state.get(k);
    if (r?.kind !== 'rsv') continue;
    const order = state.order(r.orderId);
    if (!order || order.state !== 'active') continue;
    const back: ReservationRecord = { ...r, status: statusOf(order) };
    d.put(back);
    if (!overBooked(state, r.stockItemId, r.start, r.end)) {
      d.event('reservation.moved', r.orderId, [back]);
      continue;
    }
    d.put(r);
    const m = move(d, r, r.stockItemId);
    if (m) d.event('reservation.moved', r.orderId, m);
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
      const due = [...state.activeOrders]
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
