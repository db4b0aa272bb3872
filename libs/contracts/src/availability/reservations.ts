import type { ErrorPayload } from '../errors';

/*
 * Reservation commands, replies and events (issue 12). Plain typed shapes: the availability
 * service validates them at its NATS edge; the reservation decider
 * (libs/availability/reservations) decides them; the reservation log
 * (libs/availability/data-access) stores the decisions.
 *
 * Error codes used (the closed ErrorCode set, no new codes):
 * - UNAVAILABLE: not enough free matching units (reserve without shortage, extend, swap);
 *   `details.lines` says per line how many copies would fit.
 * - NOT_FOUND: no such order / reservation / listing.
 * - IDEMPOTENCY_KEY_REUSED: a reserve repeated under the same order id with other lines.
 * - INVALID_STATE_TRANSITION: e.g. confirm of a released order, extend to an earlier end.
 * - VALIDATION_FAILED: malformed command (field named in `errors`).
 */

/** Epoch milliseconds. */
export type Millis = number;

export interface ReserveLineInput {
  readonly listingId: string;
  /** Customer period `[start, end)`. */
  readonly start: Millis;
  readonly end: Millis;
  /** Copies of the listing; default 1. */
  readonly quantity?: number;
  readonly variant?: Readonly<Record<string, string>>;
  readonly locationId?: string;
  readonly timeZone?: string;
}

export interface ReserveCommand {
  readonly type: 'reserve';
  /** The idempotency key: a repeat with the same lines returns the same allocations. */
  readonly orderId: string;
  readonly lines: readonly ReserveLineInput[];
  /** When the hold lapses unless confirmed; absent = no expiry. */
  readonly holdUntil?: Millis;
  /** Accept what is free and remember the rest as a shortage (filled oldest first). */
  readonly acceptShortage?: boolean;
}

export interface ReleaseCommand {
  readonly type: 'release';
  readonly orderId: string;
}

/** Ends a hold's expiry. */
export interface ConfirmCommand {
  readonly type: 'confirm';
  readonly orderId: string;
}

/** The service's timer: every hold with `holdUntil <= now` lapses. */
export interface ExpireCommand {
  readonly type: 'expire';
}

/** A later end for every line of an order; later bookings of the same units move when they can. */
export interface ExtendCommand {
  readonly type: 'extend';
  readonly orderId: string;
  readonly end: Millis;
}

/** Hand out another free matching unit instead of the one allocated. */
export interface SwapCommand {
  readonly type: 'swap';
  readonly orderId: string;
  readonly reservationId: string;
  /** The unit to move to (a scanned one); absent = any free matching unit. */
  readonly toStockItemId?: string;
}

/** The units of an order left the shop. */
export interface HandOutReservationCommand {
  readonly type: 'hand_out';
  readonly orderId: string;
  /** Only these reservations (a partial hand-out); absent = all of the order's. */
  readonly reservationIds?: readonly string[];
}

/** The units of an order are back: they block nothing after `now`. */
export interface ReturnReservationCommand {
  readonly type: 'return';
  readonly orderId: string;
  /** Only these reservations are back (a partial return); absent = all of the order's. */
  readonly reservationIds?: readonly string[];
}

/** The service's timer: units still out after their end stay blocked; later bookings move or conflict. */
export interface OverdueCommand {
  readonly type: 'overdue';
}

/**
 * The service's timer, when the fleet changed (new stock, a unit back in use): shortages, oldest
 * first, and bookings in conflict take the units that are free now.
 */
export interface FillCommand {
  readonly type: 'fill';
}

export type ReservationCommand =
  | ReserveCommand
  | ReleaseCommand
  | ConfirmCommand
  | ExpireCommand
  | ExtendCommand
  | SwapCommand
  | HandOutReservationCommand
  | ReturnReservationCommand
  | OverdueCommand
  | FillCommand;

/** What `AvailabilityRpc.reservationCommand` carries. */
export interface ReservationCommandRequest {
  readonly command: ReservationCommand;
}

export type ReservationStatus = 'held' | 'confirmed' | 'out' | 'conflict';

/** One allocated unit (or part of a pool) of one order line. */
export interface ReservationAllocation {
  readonly reservationId: string;
  readonly lineIndex: number;
  readonly ruleId: string;
  readonly stockItemId: string;
  readonly quantity: number;
  /** The blocked interval (customer period widened by the rule's buffers). */
  readonly start: Millis;
  readonly end: Millis;
  readonly status: ReservationStatus;
  /** `conflict` only: the order whose unit, still out, blocks this booking. */
  readonly blockedBy?: string;
}

export interface ShortageView {
  readonly lineIndex: number;
  /** Copies of the listing still missing. */
  readonly missing: number;
}

export interface OrderReservationView {
  readonly orderId: string;
  readonly state: 'active' | 'released' | 'expired';
  readonly holdUntil: Millis | null;
  readonly allocations: readonly ReservationAllocation[];
  readonly shortages: readonly ShortageView[];
}

export type ReservationReply = { ok: true; order: OrderReservationView | null } | { ok: false; error: ErrorPayload };

export const ReservationEventTypes = [
  'reservation.reserved',
  'reservation.released',
  'reservation.confirmed',
  'reservation.expired',
  'reservation.extended',
  'reservation.moved',
  'reservation.swapped',
  'reservation.shortage_filled',
  'reservation.handed_out',
  'reservation.returned',
  'reservation.overdue',
  'reservation.conflicted',
] as const;
export type ReservationEventType = (typeof ReservationEventTypes)[number];

/**
 * One reservation event. Published from the log entry that holds the decision, with
 * `Nats-Msg-Id = <tenant>:<seq>:<i>` (see `reservationEventMsgId`), so a new owner can publish
 * what its predecessor had not without duplicates.
 */
export interface ReservationEventPayload {
  readonly type: ReservationEventType;
  readonly orderId: string | null;
  /** Allocations as they are after the decision (for moved/swapped: the new unit). */
  readonly allocations: readonly ReservationAllocation[];
  /** Reservation ids that no longer block anything. */
  readonly removed: readonly string[];
  readonly at: Millis;
}

export function reservationEventMsgId(tenantId: string, seq: number, index: number): string {
  return `${tenantId}:${seq}:${index}`;
}
