export { ReservationLog, entryId, LOG_COLLECTION, SNAPSHOT_COLLECTION, SNAPSHOT_CHUNK } from './lib/reservation-log';
export type { AppendResult, LogEntry, LoggedDecision, Snapshot } from './lib/reservation-log';
export { GroupCommitter, loadTenant, foldEntries, type LoadStats } from './lib/group-committer';
export type { GroupCommitterOptions, CommitterStats } from './lib/group-committer';
export { checkLog } from './lib/log-invariants';
