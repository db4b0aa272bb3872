import type { EngineReservation } from '@circulate/availability/engine';
import type { ReadModel } from './read-model';

/** One line of a unit's schedule, as `GET /stock-items/{id}/reservations` shows it. */
export interface ScheduledReservation extends EngineReservation {
  readonly orderId: string;
  readonly lineIndex: number;
  /** The customer's period (epoch ms); `start`/`end` of the engine reservation are the blocked interval. */
  readonly periodStart: number;
  readonly periodEnd: number;
  readonly status: string;
}

/** What a tenant's reservations say about one reservation id held in its engine index. */
export interface ReservationDetails {
  get(reservationId: string): ScheduledReservation | undefined;
}

/** A tenant whose reservations nobody on this replica holds. */
export const NO_RESERVATION_DETAILS: ReservationDetails = { get: () => undefined };

/**
 * The one place reservations enter the engine state. The owner of a tenant's reservations (the
 * availability service's reservation log, issue 12) folds them into the tenant's
 * `TenantState.index` (items and reservations in one index: a check sees both) and sets
 * `TenantState.reservations` to describe them. When a rebuilt read model goes into service the
 * source is told and moves every tenant it holds into the new model's states.
 */
export interface ReservationSource {
  modelInService(model: ReadModel): void;
}

/** A replica that holds no reservations (tests, or a read model without the log). */
export class NoReservations implements ReservationSource {
  modelInService(): void {
    // Nothing to move.
  }
}
