import { AvailabilityCalls } from '@circulate/contracts';
import { forward, forwardController } from '../forward';

/**
 * The query strings go to the availability service as received (`variant.<axis>` keys are the
 * listing's own, so no DTO can list them); it validates them and names the offending field.
 */
const asReceived = (query: Record<string, unknown>, { id }: Record<string, string>) => ({ id, query });
const everyone = ['admin', 'staff', 'storefront'] as const;

export const ListingAvailabilityController = forwardController(
  'listings',
  [
    forward('availability', 'GET :id/availability', AvailabilityCalls.checkAvailability, {
      roles: everyone,
      rawQuery: asReceived,
      summary: 'start, end (ISO 8601 with offset), quantity, locationId, variant.<axis>, explain',
    }),
    forward('calendar', 'GET :id/calendar', AvailabilityCalls.calendar, {
      roles: everyone,
      rawQuery: asReceived,
      summary: 'from, to (YYYY-MM-DD, to exclusive, at most 366 days), locationId, variant.<axis>',
    }),
  ],
  'availability',
);

export const StockItemScheduleController = forwardController(
  'stock-items',
  [
    forward('schedule', 'GET :id/reservations', AvailabilityCalls.stockItemSchedule, {
      roles: ['admin', 'staff'],
      rawQuery: asReceived,
    }),
  ],
  'availability',
);

export const AvailabilityAdminController = forwardController(
  'admin/availability',
  [
    /** Every availability replica drops its read model and replays the streams from the start. */
    forward('rebuild', 'POST rebuild', AvailabilityCalls.rebuildReadModel, { roles: ['admin'], status: 200 }),
  ],
  'availability',
);
