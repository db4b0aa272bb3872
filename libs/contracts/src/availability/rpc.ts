import { defineRpc, type OwnerRoute } from '../rpc';
import {
  ListingAvailability,
  ListingAvailabilityRequest,
  ListingCalendar,
  RebuildReport,
  StockItemSchedule,
  StockItemScheduleRequest,
} from './availability';
import { OrderReservationView, ReservationCommandRequest } from './reservations';
import { AvailabilityRpc, tenantOwnerSubject } from './subjects';

/** Reservation commands whose repeat after a lost answer does no harm (same order id, same answer). */
export const REPEATABLE_COMMANDS: ReadonlySet<string> = new Set(['reserve', 'release', 'confirm', 'hand_out']);

const toOwner = <TReq>(op: string, repeatable: (data: TReq) => boolean = () => true): OwnerRoute<TReq> => ({
  subjectOf: tenantOwnerSubject,
  op,
  repeatable,
});

/**
 * The availability service's subjects with their request and reply types (`RpcClient.call`,
 * `@Handles`). The tenant-scoped ones run on the tenant's owner (DESIGN.md "How, given our
 * storage"): callers send them straight to its subject, and to the shared one only when no
 * replica owns the tenant yet.
 */
export const AvailabilityCalls = {
  checkAvailability: defineRpc<ListingAvailabilityRequest, ListingAvailability>(AvailabilityRpc.checkAvailability, {
    request: ListingAvailabilityRequest,
    owner: toOwner('check'),
  }),
  calendar: defineRpc<ListingAvailabilityRequest, ListingCalendar>(AvailabilityRpc.calendar, {
    request: ListingAvailabilityRequest,
    owner: toOwner('calendar'),
  }),
  stockItemSchedule: defineRpc<StockItemScheduleRequest, StockItemSchedule>(AvailabilityRpc.stockItemSchedule, {
    request: StockItemScheduleRequest,
    owner: toOwner('schedule'),
  }),
  rebuildReadModel: defineRpc<Record<string, never>, RebuildReport>(AvailabilityRpc.rebuildReadModel),
  reservationCommand: defineRpc<ReservationCommandRequest, OrderReservationView | null>(
    AvailabilityRpc.reservationCommand,
    { owner: toOwner('command', (d) => REPEATABLE_COMMANDS.has(String(d?.command?.type))) },
  ),
  reservationOf: defineRpc<{ orderId: string }, OrderReservationView | null>(AvailabilityRpc.reservationOf, {
    owner: toOwner('of'),
  }),
} as const;
