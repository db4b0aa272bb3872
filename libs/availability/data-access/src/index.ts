export { ReservationLog, entryId, LOG_COLLECTION, SNAPSHOT_COLLECTION, SNAPSHOT_CHUNK } from './lib/reservation-log';
export type { AppendResult, LogEntry, LoggedDecision, Snapshot } from './lib/reservation-log';
export { GroupCommitter } from './lib/group-committer';
export type { GroupCommitterOptions, CommitterStats } from './lib/group-committer';
export { describeLoad, foldEntries, loadTenant, STANDBY_MAX_BEHIND, type LoadStats } from './lib/load-tenant';
export { StandbySnapshots, type StandbyOptions } from './lib/standby-snapshots';
export { checkLog } from './lib/log-invariants';
