import {
  decideApplied,
  undo,
  type Change,
  type DecideResult,
  type ReservationState,
} from '@circulate/availability/reservations';
import type { ReservationCommand, ReservationReply } from '@circulate/contracts';
import { foldEntries, loadTenant, type LoadStats } from './load-tenant';
import { type LogEntry, type LoggedDecision, type ReservationLog, type Snapshot } from './reservation-log';

export interface GroupCommitterOptions {
  /** Most commands decided into one entry. */
  readonly maxBatch?: number;
  /** Write a snapshot every this many entries (0: never). */
  readonly snapshotEvery?: number;
  /**
   * Also write one once the tenant has been idle this long with entries since the last snapshot
   * (0: never), so that a new owner of a quiet tenant loads the snapshot alone, with no tail.
   */
  readonly idleSnapshotMs?: number;
  /** For `open`: a standby copy of the tenant's snapshot to fold instead of reading one (see loadTenant). */
  readonly standby?: Snapshot;
  readonly clock?: () => number;
  /** Called after each successful append (the outbox: publish the entry's events). */
  readonly onCommitted?: (tenantId: string, entry: LogEntry) => void;
  /** Called when a snapshot write fails (the log stays the truth; loading just reads a longer tail). */
  readonly onSnapshotError?: (err: unknown) => void;
}

interface Pending {
  readonly command: ReservationCommand;
  readonly resolve: (reply: ReservationReply) => void;
  readonly reject: (err: unknown) => void;
}

export interface CommitterStats {
  appends: number;
  collisions: number;
  decisions: number;
}

/**
 * Group commit for one tenant: callers queue commands; the committer decides everything queued
 * behind the current append against the in-memory state, writes all their decisions as ONE log
 * entry (one insert), and then answers every caller. When the append collides (another writer
 * took that seq), it undoes the batch, folds the entries it missed and decides the batch again.
 */
export class GroupCommitter {
  private readonly queue: Pending[] = [];
  private running = false;
  private lastSnapshot: number;
  /** The snapshot write in flight, and whether another is due once it ends (one at a time). */
  private snapshotting: Promise<void> | null = null;
  private snapshotDue = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private idleArmedAt = 0;
  readonly stats: CommitterStats = { appends: 0, collisions: 0, decisions: 0 };
  /** How the load went (set by `open`). */
  loadStats: LoadStats | null = null;

  constructor(
    private readonly log: ReservationLog,
    readonly tenantId: string,
    readonly state: ReservationState,
    private seqValue: number,
    private readonly options: GroupCommitterOptions = {},
  ) {
    this.lastSnapshot = seqValue;
  }

  static async open(
    log: ReservationLog,
    tenantId: string,
    state: ReservationState,
    options?: GroupCommitterOptions,
  ): Promise<GroupCommitter> {
    const loadStats = {} as LoadStats; // filled by loadTenant
    const seq = await loadTenant(log, tenantId, state, loadStats, options?.standby);
    const committer = new GroupCommitter(log, tenantId, state, seq, options);
    committer.loadStats = loadStats;
    return committer;
  }

  /** The seq of the last entry folded into the state. */
  get seq(): number {
    return this.seqValue;
  }

  submit(command: ReservationCommand): Promise<ReservationReply> {
    return new Promise((resolve, reject) => {
      this.queue.push({ command, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch ?? 1000);
        try {
          const replies = await this.commit(batch.map((p) => p.command));
          batch.forEach((p, i) => p.resolve(replies[i]));
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.running = false;
      this.armIdleSnapshot();
    }
  }

  /** After a burst: a snapshot of the head once nothing has been committed for `idleSnapshotMs`. */
  private armIdleSnapshot(): void {
    const idleMs = this.options.idleSnapshotMs ?? 0;
    if (idleMs <= 0 || this.seqValue <= this.lastSnapshot) return;
    // A drain that appended nothing (the owner's timer ticks) leaves the armed timer running.
    if (this.idleTimer && this.idleArmedAt === this.seqValue) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const seq = this.seqValue;
    this.idleArmedAt = seq;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.running || this.seqValue !== seq || this.seqValue <= this.lastSnapshot) return;
      this.lastSnapshot = this.seqValue;
      this.startSnapshot();
    }, idleMs);
    this.idleTimer.unref();
  }

  /** Stops the idle snapshot timer (the owner let the tenant go). */
  stop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  /** Folds entries other writers appended; true when there were any. */
  private async catchUp(): Promise<boolean> {
    const tail = await this.log.readAfter(this.tenantId, this.seqValue);
    if (tail.length === 0) return false;
    this.seqValue = foldEntries(this.state, tail);
    return true;
  }

  private async commit(commands: readonly ReservationCommand[]): Promise<ReservationReply[]> {
    for (;;) {
      const now = (this.options.clock ?? Date.now)();
      const results: DecideResult[] = [];
      const undos: Change[][] = [];
      const decisions: LoggedDecision[] = [];
      try {
        for (const c of commands) {
          const { result: r, undo: u } = decideApplied(this.state, c, now);
          results.push(r);
          if (r.ok && r.decision.changes.length > 0) {
            undos.push(u);
            decisions.push({ changes: r.decision.changes, events: r.decision.events });
          }
        }
      } catch (err) {
        for (let i = undos.length - 1; i >= 0; i--) undo(this.state, undos[i]);
        throw err;
      }
      const replies = results.map((r): ReservationReply => (r.ok ? r.decision.reply : { ok: false, error: r.error }));
      if (decisions.length === 0) {
        // Nothing to write: answer from a state known to be current (one point read).
        if (await this.catchUp()) continue;
        return replies;
      }
      let appended;
      try {
        appended = await this.log.append(this.tenantId, this.seqValue, decisions, now);
      } catch (err) {
        for (let i = undos.length - 1; i >= 0; i--) undo(this.state, undos[i]);
        throw err;
      }
      if (appended.ok) {
        this.seqValue = appended.seq;
        this.stats.appends++;
        this.stats.decisions += decisions.length;
        this.options.onCommitted?.(this.tenantId, { seq: appended.seq, at: now, decisions });
        this.maybeSnapshot();
        return replies;
      }
      // Behind: another writer owns this seq. Undo, fold what we missed, decide again.
      this.stats.collisions++;
      for (let i = undos.length - 1; i >= 0; i--) undo(this.state, undos[i]);
      await this.catchUp();
    }
  }

  private maybeSnapshot(): void {
    const every = this.options.snapshotEvery ?? 2000;
    if (every <= 0 || this.seqValue - this.lastSnapshot < every) return;
    this.lastSnapshot = this.seqValue;
    this.startSnapshot();
  }

  private startSnapshot(): void {
    if (this.snapshotting) {
      // Overlapping writes could land out of order and move the pointer back: coalesce instead.
      this.snapshotDue = true;
      return;
    }
    this.snapshotting = this.snapshotLoop().finally(() => (this.snapshotting = null));
  }

  private async snapshotLoop(): Promise<void> {
    do {
      this.snapshotDue = false;
      await this.snapshot().catch((err) => this.options.onSnapshotError?.(err));
    } while (this.snapshotDue);
  }

  /** Writes a snapshot of the state as of the current seq. */
  async snapshot(): Promise<void> {
    const seq = this.seqValue;
    const records = [...this.state.records.values()];
    await this.log.writeSnapshot(this.tenantId, seq, records);
  }
}
