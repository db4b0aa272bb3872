export { ReadModel, TenantState } from './lib/read-model';
export type { ListingView } from './lib/read-model';
export { NoReservations, NO_RESERVATION_DETAILS } from './lib/reservation-source';
export type { ReservationSource, ReservationDetails, ScheduledReservation } from './lib/reservation-source';
export { AvailabilityQueries } from './lib/queries';
export { parseAvailabilityQuery, parseCalendarQuery, parseScheduleQuery, parseDateTime } from './lib/query-parsing';
export type { AvailabilityQuery, CalendarQuery, RawQuery } from './lib/query-parsing';
