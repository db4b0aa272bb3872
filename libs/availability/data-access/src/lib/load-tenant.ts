import { apply, type ReservationState } from '@circulate/availability/reservations';
import { yieldToLoop, type LogEntry, type ReservationLog, type Snapshot } from './reservation-log';

/**
 * A standby copy of a snapshot further behind the latest one than this many entries is not used:
 * reading the newer snapshot is then cheaper than reading the tail between them.
 */
export const STANDBY_MAX_BEHIND = 1000;

/** Folds log entries into the state (no listings needed: entries carry record changes). */
export function foldEntries(state: ReservationState, entries: readonly LogEntry[]): number {
  let seq = -1;
  for (const e of entries) {
    for (const d of e.decisions) apply(state, d.changes);
    seq = e.seq;
  }
  return seq;
}

export interface LoadStats {
  /** Seq of the snapshot loaded (0: none). */
  snapshotSeq: number;
  snapshotRecords: number;
  tailEntries: number;
  /** Reading (and decoding) the snapshot, folding it, reading the tail, folding it. */
  snapshotReadMs: number;
  snapshotFoldMs: number;
  tailReadMs: number;
  tailFoldMs: number;
  /** The snapshot came from this replica's standby copy (read before the takeover), not the store. */
  fromStandby: boolean;
}

/** How a load went, for the new owner's log line. */
export function describeLoad(l: LoadStats): string {
  const source = l.fromStandby ? 'from the standby copy' : 'read';
  return (
    `snapshot of seq ${l.snapshotSeq}: ${l.snapshotRecords} records ${source} in ${l.snapshotReadMs} ms, ` +
    `folded in ${l.snapshotFoldMs} ms; tail of ${l.tailEntries} entries read in ${l.tailReadMs} ms, folded in ${l.tailFoldMs} ms`
  );
}

/**
 * Loads a tenant's reservation state: the latest snapshot, then the tail after it. `state` must
 * be fresh (its index may already hold the items). Returns the head seq (0 = empty log);
 * `stats`, when given, is filled with how the load went. `standby`: a snapshot of the tenant this
 * replica read before it took the tenant over (StandbySnapshots); folded instead of reading one,
 * unless it is more than STANDBY_MAX_BEHIND entries behind the latest. Any snapshot is a fold of
 * a prefix of the log, so an older one only leaves a longer tail.
 */
export async function loadTenant(
  log: ReservationLog,
  tenantId: string,
  state: ReservationState,
  stats?: LoadStats,
  standby?: Snapshot,
): Promise<number> {
  let seq = 0;
  let t = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const ms = Math.round(now - t);
    t = now;
    return ms;
  };
  let snap: Snapshot | null = null;
  if (standby) {
    const latest = await log.snapshotSeq(tenantId);
    if (latest === null || latest - standby.seq <= STANDBY_MAX_BEHIND) snap = standby;
  }
  const fromStandby = snap !== null;
  snap ??= await log.loadSnapshot(tenantId);
  const snapshotReadMs = lap();
  if (snap) {
    // In slices, yielding between them: timers (the owner lease's refresh) keep running.
    for (let i = 0; i < snap.records.length; i++) {
      state.loadRecord(snap.records[i]);
      if (i % 5000 === 4999) await yieldToLoop();
    }
    seq = snap.seq;
  }
  const snapshotFoldMs = lap();
  const tail = await log.readAfter(tenantId, seq);
  const tailReadMs = lap();
  for (let i = 0; i < tail.length; i += 50) {
    seq = foldEntries(state, tail.slice(i, i + 50));
    await yieldToLoop();
  }
  if (stats)
    Object.assign(stats, {
      snapshotSeq: snap?.seq ?? 0,
      snapshotRecords: snap?.records.length ?? 0,
      tailEntries: tail.length,
      snapshotReadMs,
      snapshotFoldMs,
      tailReadMs,
      tailFoldMs: lap(),
      fromStandby,
    } satisfies LoadStats);
  return seq;
}
