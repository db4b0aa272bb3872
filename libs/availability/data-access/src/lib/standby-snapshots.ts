import type { ReservationLog, Snapshot } from './reservation-log';

export interface StandbyOptions {
  /** A new snapshot is read once its pointer has not moved for this long (the tenant is at rest). */
  readonly settleMs: number;
  /** Most records held over all copies (0: no standby copies). */
  readonly maxRecords: number;
  readonly clock?: () => number;
}

/**
 * Warm standby for tenants another replica owns: the latest snapshot of each, already read and
 * decoded, so that a takeover folds it at once and reads only the log after it (`loadTenant`'s
 * `standby`). A snapshot is an immutable fold of a prefix of the log, so a copy is never wrong,
 * only older: the new owner then reads a longer tail. A copy is refreshed once the tenant's
 * pointer has stayed put for `settleMs` (after the owner's idle snapshot), not while the tenant
 * is busy, so the standby reads nothing during a rush. Copies cost memory: at most `maxRecords`
 * records are held, over all tenants.
 */
export class StandbySnapshots {
  private readonly copies = new Map<string, Snapshot>();
  private readonly reading = new Map<string, Promise<Snapshot | null>>();
  /** The pointer last seen per tenant and since when (a copy is read once it settles). */
  private readonly seen = new Map<string, { seq: number; since: number }>();
  /** Bumped when a tenant's copy is taken or dropped: a read begun before then is not kept. */
  private readonly generation = new Map<string, number>();

  constructor(
    private readonly log: ReservationLog,
    private readonly options: StandbyOptions,
  ) {}

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  /** Records held over all copies. */
  get records(): number {
    let n = 0;
    for (const c of this.copies.values()) n += c.records.length;
    return n;
  }

  /** The seq of the copy held for a tenant (undefined: none). */
  seqOf(tenantId: string): number | undefined {
    return this.copies.get(tenantId)?.seq;
  }

  /**
   * Called now and then for a tenant another replica owns: reads its latest snapshot when that is
   * newer than the copy held and has settled. Answers whether a copy was read.
   */
  async refresh(tenantId: string): Promise<boolean> {
    if (this.options.maxRecords <= 0 || this.reading.has(tenantId)) return false;
    const seq = await this.log.snapshotSeq(tenantId);
    const copy = this.copies.get(tenantId);
    if (seq === null || (copy && copy.seq >= seq)) return false;
    const now = this.now();
    const seen = this.seen.get(tenantId);
    if (!seen || seen.seq !== seq) {
      this.seen.set(tenantId, { seq, since: now });
      if (this.options.settleMs > 0) return false;
    } else if (now - seen.since < this.options.settleMs) return false;
    const generation = this.generation.get(tenantId) ?? 0;
    const read = this.log.loadSnapshot(tenantId);
    this.reading.set(tenantId, read);
    try {
      const snap = await read;
      if (!snap || (this.generation.get(tenantId) ?? 0) !== generation) return false;
      const others = this.records - (copy?.records.length ?? 0);
      if (others + snap.records.length > this.options.maxRecords) return false;
      this.copies.set(tenantId, snap);
      return true;
    } finally {
      this.reading.delete(tenantId);
    }
  }

  /**
   * Hands the tenant's copy over to the replica's new ownership (waiting for a read in flight)
   * and forgets it: the owner's state is the copy from now on.
   */
  async take(tenantId: string): Promise<Snapshot | undefined> {
    const inFlight = this.reading.get(tenantId);
    const copy = (inFlight ? await inFlight.catch(() => null) : null) ?? this.copies.get(tenantId);
    this.drop(tenantId);
    return copy ?? undefined;
  }

  drop(tenantId: string): void {
    this.copies.delete(tenantId);
    this.seen.delete(tenantId);
    this.generation.set(tenantId, (this.generation.get(tenantId) ?? 0) + 1);
  }

  clear(): void {
    for (const t of [...this.copies.keys()]) this.drop(t);
  }
}
