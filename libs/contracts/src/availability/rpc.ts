import { defineRpc } from '../rpc';
import {
  ListingAvailability,
  ListingAvailabilityRequest,
  ListingCalendar,
  RebuildReport,
  StockItemSchedule,
  StockItemScheduleRequest,
} from './availability';
import { OrderReservationView, ReservationCommandRequest } from './reservations';
import { AvailabilityRpc } from './subjects';

/** The availability service's subjects with their request and reply types (`RpcClient.call`, `@Handles`). */
export const AvailabilityCalls = {
  checkAvailability: defineRpc<ListingAvailabilityRequest, ListingAvailability>(
    AvailabilityRpc.checkAvailability,
    ListingAvailabilityRequest,
  ),
  calendar: defineRpc<ListingAvailabilityRequest, ListingCalendar>(
    AvailabilityRpc.calendar,
    ListingAvailabilityRequest,
  ),
  stockItemSchedule: defineRpc<StockItemScheduleRequest, StockItemSchedule>(
    AvailabilityRpc.stockItemSchedule,
    StockItemScheduleRequest,
  ),
  rebuildReadModel: defineRpc<Record<string, never>, RebuildReport>(AvailabilityRpc.rebuildReadModel),
  reservationCommand: defineRpc<ReservationCommandRequest, OrderReservationView | null>(
    AvailabilityRpc.reservationCommand,
  ),
  reservationOf: defineRpc<{ orderId: string }, OrderReservationView | null>(AvailabilityRpc.reservationOf),
} as const;
