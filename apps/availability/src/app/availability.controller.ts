import { Controller } from '@nestjs/common';
import {
  AvailabilityCalls,
  ListingAvailability,
  ListingAvailabilityRequest,
  ListingCalendar,
  OrderReservationView,
  RebuildReport,
  RequestContext,
  ReservationCommandRequest,
  StockItemSchedule,
  StockItemScheduleRequest,
} from '@circulate/contracts';
import { Handles } from '@circulate/platform/messaging';
import { ReadModelFeed } from './read-model-feed';
import { validateCommand } from './reservations/command-validation';
import { orderIdOf, ReservationsService } from './reservations/reservations.service';

/** Every tenant-scoped request runs on the tenant's owner (ReservationsService routes it there). */
@Controller()
export class AvailabilityController {
  constructor(
    private readonly reservations: ReservationsService,
    private readonly feed: ReadModelFeed,
  ) {}

  @Handles(AvailabilityCalls.checkAvailability)
  check(ctx: RequestContext, data: ListingAvailabilityRequest): Promise<ListingAvailability> {
    return this.reservations.execute(ctx, 'check', data) as Promise<ListingAvailability>;
  }

  @Handles(AvailabilityCalls.calendar)
  calendar(ctx: RequestContext, data: ListingAvailabilityRequest): Promise<ListingCalendar> {
    return this.reservations.execute(ctx, 'calendar', data) as Promise<ListingCalendar>;
  }

  @Handles(AvailabilityCalls.stockItemSchedule)
  schedule(ctx: RequestContext, data: StockItemScheduleRequest): Promise<StockItemSchedule> {
    return this.reservations.execute(ctx, 'schedule', data) as Promise<StockItemSchedule>;
  }

  /** A reservation command (reply: the order's reservations, or null for the timer's commands). */
  @Handles(AvailabilityCalls.reservationCommand)
  command(ctx: RequestContext, data: ReservationCommandRequest): Promise<OrderReservationView | null> {
    const command = validateCommand((data as { command?: unknown } | null)?.command);
    return this.reservations.execute(ctx, 'command', { command }) as Promise<OrderReservationView | null>;
  }

  /** One order's reservations. */
  @Handles(AvailabilityCalls.reservationOf)
  reservationOf(ctx: RequestContext, data: { orderId: string }): Promise<OrderReservationView | null> {
    return this.reservations.execute(ctx, 'of', { orderId: orderIdOf(data) }) as Promise<OrderReservationView | null>;
  }

  /** Rebuilds every replica's read model from the streams (admin; the gateway checks the role). */
  @Handles(AvailabilityCalls.rebuildReadModel)
  rebuild(): Promise<RebuildReport> {
    return this.feed.rebuildAll();
  }
}
