/** Request-reply names the availability service answers. */
export const AvailabilityRpc = {
  checkAvailability: 'availability.listing.check.v1',
  calendar: 'availability.listing.calendar.v1',
  stockItemSchedule: 'availability.stock-item.schedule.v1',
  /** Admin: drop this replica's read model and replay inventory's and catalog's streams from the start. */
  rebuildReadModel: 'availability.read-model.rebuild.v1',
} as const;

/**
 * Core-NATS broadcast names (no queue group, no stream): every availability replica hears them.
 * `rebuildBroadcast` tells the other replicas to rebuild too.
 */
export const AvailabilityBroadcast = {
  rebuild: 'availability.read-model.rebuild-all.v1',
} as const;
