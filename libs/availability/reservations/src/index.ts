export { ReservationState, recordKey, toAllocation } from './lib/state';
export type { Change, ListingLookup, OrderRecord, ReservationRecord, ShortageRecord, StateRecord } from './lib/state';
export { decide, decideApplied, apply, undo, UNTIL_BACK } from './lib/decide';
export type { Decision, DecideResult } from './lib/decide';
export { overBookings } from './lib/invariants';
export type { HeldInterval } from './lib/invariants';
