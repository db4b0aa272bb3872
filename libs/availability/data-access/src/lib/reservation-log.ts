import type { Change, StateRecord } from '@circulate/availability/reservations';
import type { ReservationEventPayload } from '@circulate/contracts';
import { isDuplicateKeyError } from '@circulate/platform/persistence';
import type { Connection } from 'mongoose';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { compactDecision, expandDecision, recordRow, rowRecord, type CompactDecision, type RecordRow } from './compact';

export const LOG_COLLECTION = 'reservation_log';
export const SNAPSHOT_COLLECTION = 'reservation_snapshots';
/** Records per snapshot chunk (a chunk is one document, far below the 16 MB limit). */
export const SNAPSHOT_CHUNK = 10_000;
/** Point reads issued at once while reading a tail. */
const READ_WINDOW = 32;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
/**
 * Lets timers and I/O run between CPU-heavy slices (a snapshot of 100,000 records takes seconds
 * on a loaded machine): the owner must keep refreshing its lease meanwhile.
 */
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface LoggedDecision {
  readonly changes: readonly Change[];
  readonly events: readonly ReservationEventPayload[];
}

export interface LogEntry {
  readonly seq: number;
  readonly at: number;
  /** Every decision of one group commit, in the order they were decided. */
  readonly decisions: readonly LoggedDecision[];
}

export type AppendResult = { readonly ok: true; readonly seq: number } | { readonly ok: false; readonly behind: true };

export interface Snapshot {
  readonly seq: number;
  readonly records: readonly StateRecord[];
}

/*
 * Storage form. The decisions of an entry are one JSON string and a snapshot chunk is one
 * gzipped JSON binary: a MongoDB-compatible server that converts every nested field (FerretDB on
 * SQLite) spends its time per field, so a few large scalar fields write and read far faster
 * than thousands of small nested documents. Nothing ever filters on their contents.
 */
interface EntryDoc {
  _id: string;
  tenantId: string;
  seq: number;
  at: number;
  /** How many decisions `body` holds. */
  n: number;
  /** JSON of the decisions in their compact form (see compact.ts). */
  body: string;
}

interface PointerDoc {
  _id: string;
  tenantId: string;
  seq: number;
  chunks: number;
}

interface ChunkDoc {
  _id: string;
  tenantId: string;
  count: number;
  /** gzip of the JSON of the records as rows (see compact.ts). */
  data: Buffer | { buffer: Uint8Array };
}

function bytesOf(data: ChunkDoc['data']): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer);
}

/** `<tenant>:<seq>` with seq zero-padded to 12 digits, so ids sort by seq. */
export function entryId(tenantId: string, seq: number): string {
  return `${tenantId}:${String(seq).padStart(12, '0')}`;
}

/**
 * The per-tenant reservation log. Appending entry N is an insert with `_id = <tenant>:<N>`: the
 * unique `_id` is the compare-and-set, so of two writers that both believe the head is N-1
 * exactly one succeeds and the other learns it is behind. Reads are `_id` point reads only (a
 * MongoDB-compatible server without secondary index use still answers them in ~1 ms).
 */
export class ReservationLog {
  constructor(private readonly connection: Connection) {}

  private db() {
    const db = this.connection.db;
    if (!db) throw new Error('ReservationLog: the connection is not open');
    return db;
  }

  private get entries() {
    return this.db().collection<EntryDoc>(LOG_COLLECTION);
  }

  private get pointers() {
    return this.db().collection<PointerDoc>(SNAPSHOT_COLLECTION);
  }

  private get chunks() {
    return this.db().collection<ChunkDoc>(SNAPSHOT_COLLECTION);
  }

  /** Appends the entry after `headSeq`; `behind` when another writer took that place first. */
  async append(
    tenantId: string,
    headSeq: number,
    decisions: readonly LoggedDecision[],
    at = Date.now(),
  ): Promise<AppendResult> {
    const seq = headSeq + 1;
    try {
      await this.entries.insertOne({
        _id: entryId(tenantId, seq),
        tenantId,
        seq,
        at,
        n: decisions.length,
        body: JSON.stringify(decisions.map(compactDecision)),
      });
      return { ok: true, seq };
    } catch (err) {
      if (isDuplicateKeyError(err)) return { ok: false, behind: true };
      throw err;
    }
  }

  async read(tenantId: string, seq: number): Promise<LogEntry | null> {
    const doc = await this.entries.findOne({ _id: entryId(tenantId, seq) });
    if (!doc) return null;
    const raw = JSON.parse(doc.body) as (CompactDecision | LoggedDecision)[];
    return { seq: doc.seq, at: doc.at, decisions: raw.map(expandDecision) };
  }

  /** The contiguous entries after `seq`, read by `_id` (seq+1, seq+2, … until a miss). */
  async readAfter(tenantId: string, seq: number): Promise<LogEntry[]> {
    const out: LogEntry[] = [];
    let next = seq + 1;
    for (;;) {
      const window = await Promise.all(Array.from({ length: READ_WINDOW }, (_, i) => this.read(tenantId, next + i)));
      for (const e of window) {
        if (!e) return out;
        out.push(e);
        next++;
      }
    }
  }

  /** Writes a snapshot of the state folded from entries up to `seq`, then moves the pointer. */
  async writeSnapshot(tenantId: string, seq: number, records: readonly StateRecord[]): Promise<void> {
    const chunks = Math.max(1, Math.ceil(records.length / SNAPSHOT_CHUNK));
    for (let c = 0; c < chunks; c++) {
      const part = records.slice(c * SNAPSHOT_CHUNK, (c + 1) * SNAPSHOT_CHUNK);
      await yieldToLoop();
      const json = JSON.stringify(part.map(recordRow));
      const doc: ChunkDoc = {
        _id: `${tenantId}:snap:${String(seq).padStart(12, '0')}:${c}`,
        tenantId,
        count: part.length,
        data: await gzipAsync(json, { level: 1 }),
      };
      await this.chunks.replaceOne({ _id: doc._id }, doc, { upsert: true });
    }
    const pointerId = `${tenantId}:snap`;
    // Not atomic on every backend: a pointer that loses a race points at an older, equally valid
    // snapshot (the log is the truth; a snapshot is a fold of a prefix of it).
    const current = await this.pointers.findOne({ _id: pointerId });
    if (current && current.seq >= seq) return;
    await this.pointers.replaceOne({ _id: pointerId }, { tenantId, seq, chunks }, { upsert: true });
  }

  /** The seq of the tenant's latest snapshot (one `_id` read), null when it has none. */
  async snapshotSeq(tenantId: string): Promise<number | null> {
    const pointer = await this.pointers.findOne({ _id: `${tenantId}:snap` });
    return pointer ? pointer.seq : null;
  }

  async loadSnapshot(tenantId: string): Promise<Snapshot | null> {
    const pointer = await this.pointers.findOne({ _id: `${tenantId}:snap` });
    if (!pointer) return null;
    const ids = Array.from(
      { length: pointer.chunks },
      (_, c) => `${tenantId}:snap:${String(pointer.seq).padStart(12, '0')}:${c}`,
    );
    // Each chunk is gunzipped (on libuv's thread pool) as soon as it arrives, while others are
    // still being fetched; the JSON is then parsed here, a chunk at a time.
    const texts = await Promise.all(
      ids.map(async (id) => {
        const d = await this.chunks.findOne({ _id: id });
        return d ? (await gunzipAsync(bytesOf(d.data))).toString('utf8') : null;
      }),
    );
    const records: StateRecord[] = [];
    for (const text of texts) {
      if (text === null) return null; // an incomplete snapshot: load from the log alone
      await yieldToLoop();
      const rows = JSON.parse(text) as (RecordRow | StateRecord)[];
      for (const r of rows) records.push(Array.isArray(r) ? rowRecord(r) : r);
    }
    return { seq: pointer.seq, records };
  }
}
