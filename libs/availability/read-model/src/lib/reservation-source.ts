import type { EngineReservation } from '@circulate/availability/engine';

/** One line of a unit's schedule, as `GET /stock-items/{id}/reservations` shows it. */
export interface ScheduledReservation extends EngineReservation {
  readonly orderId: string;
  readonly lineIndex: number;
  /** The customer's period (epoch ms); `start`/`end` of the engine reservation are the blocked interval. */
  readonly periodStart: number;
  readonly periodEnd: number;
  readonly status: string;
}

/**
 * The one place reservations enter the engine state. The read model asks its source for a
 * tenant's reservations when it loads the tenant and is told of every later change through
 * `subscribe`. Part 2 (the per-tenant reservation log) implements this; until then
 * `NoReservations` holds none.
 */
export interface ReservationSource {
  /** Every live reservation of the tenant (loaded once per tenant). */
  reservationsOf(tenantId: string): Iterable<ScheduledReservation>;
  /** Calls `listener` for every reservation added, replaced (same id) or removed later on. */
  subscribe(listener: (tenantId: string, change: ReservationChange) => void): void;
}

export type ReservationChange =
  | { readonly type: 'upsert'; readonly reservation: ScheduledReservation }
  | { readonly type: 'remove'; readonly reservationId: string };

/** The source until reservations exist: none, ever. */
export class NoReservations implements ReservationSource {
  reservationsOf(): Iterable<ScheduledReservation> {
    return [];
  }

  subscribe(): void {
    // Nothing ever changes.
  }
}
