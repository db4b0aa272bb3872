/**
 * The shapes reporting needs from the orders and availability services (issue 14). They are the
 * minimum reporting relies on; the producing services may send more fields.
 */

/** One pooled (or serialized) stock item a refused order line could not get enough of. */
export interface RefusedShortfall {
  stockItemId: string;
  /** The rule of the listing that asked for it (informative). */
  ruleId?: string;
  /** Units the line asked of this item, and how many were free for the whole period. */
  requested: number;
  free: number;
}

export interface RefusedLine {
  index: number;
  listingId: string;
  /** The period asked for, ISO 8601 (absent on a purchase line). */
  start?: string;
  end?: string;
  quantity: number;
  shortfalls: RefusedShortfall[];
}

/** `orders.order.refused.v1`: an order answered 409 unavailable, nothing reserved. Unmet demand. */
export interface OrderRefusedEvent {
  orderId: string;
  at: string;
  lines: RefusedLine[];
}

/** One allocation as the availability service reports it (epoch ms, like issue 12's contracts). */
export interface ReservationFactAllocation {
  reservationId: string;
  stockItemId: string;
  quantity: number;
  start: number;
  end: number;
}

/**
 * `availability.reservation.<kind>` (issue 12's `ReservationEventPayload`, read structurally):
 * `allocations` are the order's allocations after the decision, `removed` the reservation ids that
 * no longer block anything. Released and expired reservations did not happen and leave the peak;
 * the others (returned included) stay in history.
 */
export interface ReservationFact {
  type: string;
  orderId: string | null;
  allocations: ReservationFactAllocation[];
  removed: string[];
  at: number;
}
