export * from './lib/types';
export { AvailabilityIndex } from './lib/availability-index';
export { checkAvailability, allocate, calendar, validateAllocation, MAX_CALENDAR_DAYS } from './lib/engine';
export { bestFitPolicy, firstFitPolicy } from './lib/policy';
export type { AllocationPolicy, AllocationCandidate, AllocationContext } from './lib/policy';
export { resolveMatch, ruleMatchesItem, matchesResolved } from './lib/matching';
export type { ResolvedMatch } from './lib/matching';
export {
  widenPeriod,
  blockedPeriod,
  parseDuration,
  shiftByDuration,
  startOfDay,
  dayBoundaries,
  parseDate,
  formatDay,
} from './lib/time';
export type { Duration } from './lib/time';
