/** Request-reply names the reporting service answers. */
export const ReportingRpc = {
  stockItems: 'reporting.report.stock-items.v1',
  skus: 'reporting.report.skus.v1',
  underPerformers: 'reporting.report.under-performers.v1',
  pools: 'reporting.report.pools.v1',
  /** Reset the projections and replay them from the streams (operators; `tools/reporting-rebuild.ts`). */
  rebuild: 'reporting.projections.rebuild.v1',
  /** Where the projections stand: events applied, per stream (tests and the rebuild tool wait on it). */
  status: 'reporting.projections.status.v1',
} as const;

/**
 * Facts reporting consumes from services not built yet. The orders service publishes
 * `orders.order.refused.v1` (payload `OrderRefusedEvent`) on its stream when an order is refused
 * as unavailable; the availability service publishes reservation facts under
 * `availability.reservation.>` (payload `ReservationFact`).
 */
export const ReportingInputEvents = {
  orderRefused: 'orders.order.refused.v1',
  reservationPrefix: 'availability.reservation',
} as const;
