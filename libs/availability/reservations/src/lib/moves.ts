import { allocate, ruleMatchesItem, type EngineListing } from '@circulate/availability/engine';
import { ErrorCode, type ReservationCommand, type ReservationReply } from '@circulate/contracts';
import { recordKey, type OrderRecord, type ReservationRecord, type ReservationState } from './state';

import { activeOrder, Draft, refuse, requestOf, statusOf, UNTIL_BACK } from './draft';

/**
 * Moves one reservation to other free matching units (never `avoid`); the first new line keeps
 * its id. Returns the new records, or null (and changes nothing) when nothing fits.
 */
export function move(d: Draft, r: ReservationRecord, avoid: string): ReservationRecord[] | null {
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

export function overBooked(state: ReservationState, unit: string, start: number, end: number): boolean {
  const item = state.index.getItem(unit);
  if (!item) return false;
  return state.index.peakReserved(unit, start, end) > item.quantity;
}

/** Other reservations on `unit` overlapping [start, end), latest start first. */
export function othersOn(
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

export function extend(d: Draft, orderId: string, end: number): ReservationReply {
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

export function swap(d: Draft, cmd: Extract<ReservationCommand, { type: 'swap' }>): ReservationReply {
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
export function moveToUnit(d: Draft, r: ReservationRecord, unit: string): ReservationRecord {
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
export function selected(
  state: ReservationState,
  orderId: string,
  ids: readonly string[] | undefined,
): ReservationRecord[] {
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
export function partialReturn(d: Draft, order: OrderRecord, ids: readonly string[]): void {
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

export function overdue(d: Draft): ReservationReply {
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
export function resolveConflicts(d: Draft): void {
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
