import { namespace, rpcSubject } from '../subjects';

/** Request-reply names the availability service answers. */
export const AvailabilityRpc = {
  checkAvailability: 'availability.listing.check.v1',
  calendar: 'availability.listing.calendar.v1',
  stockItemSchedule: 'availability.stock-item.schedule.v1',
  /** Admin: drop this replica's read model and replay inventory's and catalog's streams from the start. */
  rebuildReadModel: 'availability.read-model.rebuild.v1',
  /**
   * Reservation commands (issue 12). Request `ReservationCommandRequest`, reply
   * `OrderReservationView | null`; a refusal comes back as the contract error it was decided with
   * (UNAVAILABLE with `details.lines`, NOT_FOUND, INVALID_STATE_TRANSITION, …). Any replica answers;
   * a replica that does not own the tenant forwards to the one that does.
   */
  reservationCommand: 'availability.reservation.command.v1',
  /** One order's reservations: request `{ orderId }`, reply `OrderReservationView | null`. */
  reservationOf: 'availability.reservation.get.v1',
} as const;

/**
 * Reservation events on availability's stream: `availability.reservation.<kind>` where `<kind>`
 * is the event type after `reservation.` (payload `ReservationEventPayload`).
 */
export function reservationEventName(type: string): string {
  return `availability.${type}`;
}

/**
 * Core-NATS broadcast names (no queue group, no stream): every availability replica hears them.
 * `rebuildBroadcast` tells the other replicas to rebuild too.
 */
export const AvailabilityBroadcast = {
  rebuild: 'availability.read-model.rebuild-all.v1',
} as const;

/**
 * The key-value bucket of per-tenant reservation ownership (one key per tenant; short TTL, the
 * owner refreshes it): `<ns>_availability_owners`.
 */
export function tenantOwnerBucket(): string {
  return `${namespace()}_availability_owners`.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * The core-NATS subject only a tenant's current owner subscribes to (no queue group): other
 * replicas forward the tenant's reservation commands and reads here. The tenant id is
 * hex-encoded (any id is a valid single token).
 */
export function tenantOwnerSubject(tenantId: string): string {
  const hex = Array.from(new TextEncoder().encode(tenantId), (b) => b.toString(16).padStart(2, '0')).join('');
  return rpcSubject(`availability.tenant.${hex}.v1`);
}
