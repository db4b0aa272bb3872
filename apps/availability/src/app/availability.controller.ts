import {
  AvailabilityCalls,
  ListingAvailability,
  ListingCalendar,
  OrderReservationView,
  StockItemSchedule,
} from '@circulate/contracts';
import { rpcController, rpcHandlers } from '@circulate/platform/messaging';
import { ReadModelFeed } from './read-model-feed';
import { validateCommand } from './reservations/command-validation';
import { orderIdOf, ReservationsService } from './reservations/reservations.service';

/** Every tenant-scoped request runs on the tenant's owner (ReservationsService routes it there). */
export const AvailabilityController = rpcController([ReservationsService, ReadModelFeed], (reservations, feed) =>
  rpcHandlers(AvailabilityCalls, {
    checkAvailability: (ctx, d) => reservations.execute(ctx, 'check', d) as Promise<ListingAvailability>,
    calendar: (ctx, d) => reservations.execute(ctx, 'calendar', d) as Promise<ListingCalendar>,
    stockItemSchedule: (ctx, d) => reservations.execute(ctx, 'schedule', d) as Promise<StockItemSchedule>,
    /** A reservation command (reply: the order's reservations, or null for the timer's commands). */
    reservationCommand: (ctx, d) => {
      const command = validateCommand((d as { command?: unknown } | null)?.command);
      return reservations.execute(ctx, 'command', { command }) as Promise<OrderReservationView | null>;
    },
    /** One order's reservations. */
    reservationOf: (ctx, d) =>
      reservations.execute(ctx, 'of', { orderId: orderIdOf(d) }) as Promise<OrderReservationView | null>,
    /** Rebuilds every replica's read model from the streams (admin; the gateway checks the role). */
    rebuildReadModel: () => feed.rebuildAll(),
  }),
);
