import { Logger } from '@nestjs/common';
import { ItemProjection } from '@circulate/reporting/domain';
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';

const COLLECTION = 'report_projections';

export interface TenantState {
  items: Map<string, ItemProjection>;
  skuCodes: Map<string, string>;
  skuVersions: Map<string, number>;
  /**
   * Reservations and refused-order shortfalls per stock item, kept apart from the item so that
   * their order relative to inventory's facts does not matter (the streams replay independently).
   */
  demand: Map<string, Demand>;
  /** Bumped on every applied fact: report caches are keyed by it. */
  revision: number;
  /** The revision at which each item last changed (absent: unchanged since loading). */
  itemRevs: Map<string, number>;
}

export interface Demand {
  reservations: ItemProjection['reservations'];
  shortfalls: ItemProjection['shortfalls'];
}

/**
 * The most JSON text in one stored document (journal or snapshot chunk): well under the 16 MB
 * document limit of MongoDB and FerretDB.
 */
export const CHUNK_CHARS = 4_000_000;

/** A row of state: an item's projection (as JSON), an item's demand (as JSON) or a SKU's code. */
type StoredDoc =
  | { kind: 'demand'; tenantId: string; itemId: string; json: string }
  | { kind: 'item'; json: string }
  | { kind: 'sku'; tenantId: string; skuId: string; code: string | null; version: number };
/** Keys: `<tenant>:<item>` (item), `demand:<tenant>:<item>`, `sku:<tenant>:<sku>`. */
type Row = [key: string, doc: StoredDoc];

/** A document to write at the next flush; a demand document still as the live record. */
type DirtyDoc =
  Exclude<StoredDoc, { kind: 'demand' }> | { kind: 'demand'; tenantId: string; itemId: string; demand: Demand };

/**
 * What the collection holds. `journal`: the rows one flush wrote (`seq` orders them). `snap`: one
 * chunk of the whole state as of journal `seq`, valid once its `snapmark` is stored. Rows stored
 * one per document (`item`, `demand`, `sku`: how this store wrote before the journal) are read as
 * the state before every journal entry and removed by the first compaction.
 */
type StoredRow =
  | { _id: string; kind: 'journal'; seq: number; json: string }
  | { _id: string; kind: 'snap'; seq: number; part: number; json: string }
  | { _id: string; kind: 'snapmark'; seq: number; parts: number }
  | ({ _id: string } & StoredDoc);

export interface ProjectionStoreOptions {
  /** Compact once the journal since the last snapshot holds this many entries… */
  compactAfterEntries: number;
  /** …or this much text, and more than twice the last snapshot's (ms of load stay bounded). */
  compactAfterChars: number;
  /** At least this long between the starts of two writes; flushes asked for meanwhile share the next. */
  minIntervalMs: number;
}

const DEFAULTS: ProjectionStoreOptions = {
  compactAfterEntries: 2000,
  compactAfterChars: 16_000_000,
  minIntervalMs: 0,
};

/** The row keys (also the `_id`s of rows stored one per document). */
const itemKey = (tenantId: string, itemId: string) => `${tenantId}:${itemId}`;
const demandKey = (tenantId: string, itemId: string) => `demand:${tenantId}:${itemId}`;
const skuKey = (tenantId: string, skuId: string) => `sku:${tenantId}:${skuId}`;

function itemRow(p: ItemProjection): Row {
  return [itemKey(p.tenantId, p.id), { kind: 'item', json: JSON.stringify(p) }];
}

/** Rows as JSON texts of at most CHUNK_CHARS each (a single larger row gets a text of its own). */
function chunkRows(rows: readonly Row[]): string[] {
  const out: string[] = [];
  let part: string[] = [];
  let chars = 0;
  for (const row of rows) {
    const text = JSON.stringify(row);
    if (part.length && chars + text.length > CHUNK_CHARS) {
      out.push(`[${part.join(',')}]`);
      part = [];
      chars = 0;
    }
    part.push(text);
    chars += text.length + 1;
  }
  if (part.length) out.push(`[${part.join(',')}]`);
  return out;
}

/**
 * The in-memory projections of every tenant and what changed since the last flush, stored in
 * reporting's own database as a journal: a flush inserts the rows it changed (an item's
 * projection, an item's demand, a SKU) as one document, or a few of CHUNK_CHARS, whatever the
 * number of items it touched. FerretDB does a few hundred single writes a second and an upsert
 * costs it about half a millisecond of CPU; one upsert per touched item had reporting spend
 * more of the store's CPU than the orders it reported on. Now and then (`compactAfterEntries`,
 * `compactAfterChars`) the whole state is written as a snapshot (chunks + a mark) and the journal
 * before it deleted. Loaded once at boot (one read of the whole collection): the newest complete
 * snapshot, then the journal after it, in order; a row written twice keeps its last value.
 */
export class ProjectionStore {
  private readonly logger = new Logger('ReportingProjections');
  private readonly tenants = new Map<string, TenantState>();
  private readonly dirtyItems = new Set<ItemProjection>();
  private readonly dirtyDocs = new Map<string, DirtyDoc>();
  private readonly options: ProjectionStoreOptions;
  /** Journal ids carry a writer id, so two processes writing at once (a rolling update) never collide. */
  private readonly writer = randomBytes(4).toString('hex');
  private nextSeq = 1;
  private journalSinceSnapshot = { entries: 0, chars: 0 };
  private lastSnapshotChars = 0;
  private flushing: Promise<void> = Promise.resolve();
  /** The write that callers of `flush` join until it starts (then their changes are in it). */
  private next: Promise<void> | null = null;
  private lastWriteAt = 0;

  constructor(
    private readonly db: Connection,
    options: Partial<ProjectionStoreOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  tenant(tenantId: string): TenantState {
    let t = this.tenants.get(tenantId);
    if (!t) {
      t = {
        items: new Map(),
        skuCodes: new Map(),
        skuVersions: new Map(),
        demand: new Map(),
        revision: 0,
        itemRevs: new Map(),
      };
      this.tenants.set(tenantId, t);
    }
    return t;
  }

  /** Forgets memory (storage is untouched): before a reload or a rebuild. */
  clear(): void {
    this.tenants.clear();
    this.dirtyItems.clear();
    this.dirtyDocs.clear();
  }

  /** Empties the stored projections and memory. */
  async drop(): Promise<void> {
    await this.db.collection(COLLECTION).deleteMany({});
    this.clear();
  }

  async load(): Promise<void> {
    const docs = (await this.db.collection(COLLECTION).find({}).toArray()) as unknown as StoredRow[];
    // Chunks grouped by snapshot: its seq and its writer (the last part of every `_id`), so two
    // processes compacting at the same seq (a rolling update) never mix their chunks.
    const snapshotOf = (d: { _id: string; seq: number }) => `${d.seq}:${d._id.slice(d._id.lastIndexOf(':') + 1)}`;
    const parts = new Map<string, Extract<StoredRow, { kind: 'snap' }>[]>();
    for (const d of docs) {
      if (d.kind !== 'snap') continue;
      const list = parts.get(snapshotOf(d));
      if (list) list.push(d);
      else parts.set(snapshotOf(d), [d]);
    }
    // The newest snapshot whose every chunk is stored (a crash may leave a later one half written).
    const snapshot = docs
      .filter((d): d is Extract<StoredRow, { kind: 'snapmark' }> => d.kind === 'snapmark')
      .filter((m) => (parts.get(snapshotOf(m))?.length ?? 0) === m.parts)
      .sort((a, b) => b.seq - a.seq)[0];
    const chunks = snapshot ? (parts.get(snapshotOf(snapshot)) ?? []).sort((a, b) => a.part - b.part) : [];
    const rows = new Map<string, StoredDoc>();
    if (snapshot) {
      for (const chunk of chunks) for (const [key, doc] of JSON.parse(chunk.json) as Row[]) rows.set(key, doc);
    } else {
      for (const d of docs) {
        if (d.kind !== 'item' && d.kind !== 'demand' && d.kind !== 'sku') continue;
        const { _id, ...doc } = d;
        rows.set(_id, doc as StoredDoc);
      }
    }
    const after = snapshot?.seq ?? 0;
    const journal = docs
      .filter((d): d is Extract<StoredRow, { kind: 'journal' }> => d.kind === 'journal' && d.seq > after)
      .sort((a, b) => a.seq - b.seq || (a._id < b._id ? -1 : 1));
    for (const entry of journal) for (const [key, doc] of JSON.parse(entry.json) as Row[]) rows.set(key, doc);
    // Past every sequence in the collection, so a half-written snapshot is never joined by chunks of a new one.
    this.nextSeq = docs.reduce((n, d) => ('seq' in d && d.seq > n ? d.seq : n), 0) + 1;
    this.journalSinceSnapshot = {
      entries: journal.length,
      chars: journal.reduce((n, j) => n + j.json.length, 0),
    };
    this.lastSnapshotChars = chunks.reduce((n, c) => n + c.json.length, 0);

    for (const d of rows.values()) {
      if (d.kind === 'item') {
        const p = JSON.parse(d.json) as ItemProjection;
        this.tenant(p.tenantId).items.set(p.id, p);
      } else if (d.kind === 'demand') this.tenant(d.tenantId).demand.set(d.itemId, JSON.parse(d.json) as Demand);
      else {
        const t = this.tenant(d.tenantId);
        if (d.code) t.skuCodes.set(d.skuId, d.code);
        t.skuVersions.set(d.skuId, d.version);
      }
    }
    for (const t of this.tenants.values()) {
      for (const [itemId, d] of t.demand) {
        const p = t.items.get(itemId);
        if (p) Object.assign(p, d);
      }
    }
    this.logger.log(
      `projections loaded: ${rows.size} rows (${snapshot ? `snapshot of entry ${snapshot.seq}` : 'no snapshot'}, ` +
        `${journal.length} journal entries after it), ${this.tenants.size} tenants`,
    );
  }

  /** The item's demand record, shared by reference with its projection once both exist. */
  demandOf(t: TenantState, itemId: string): Demand {
    let d = t.demand.get(itemId);
    if (!d) {
      const p = t.items.get(itemId);
      d = p ? { reservations: p.reservations, shortfalls: p.shortfalls } : { reservations: {}, shortfalls: {} };
      t.demand.set(itemId, d);
    }
    return d;
  }

  /** An item's projection changed. */
  touch(t: TenantState, p: ItemProjection): void {
    t.revision++;
    t.itemRevs.set(p.id, t.revision);
    this.dirtyItems.add(p);
  }

  /** An item's demand changed (and its projection with it, when there is one). */
  touchDemand(t: TenantState, tenantId: string, itemId: string): void {
    t.revision++;
    t.itemRevs.set(itemId, t.revision);
    const d = t.demand.get(itemId) as Demand;
    // Serialized when the flush writes it: an item touched by many facts between two flushes
    // (a burst of reservations) costs one JSON.stringify, not one per fact.
    this.dirtyDocs.set(demandKey(tenantId, itemId), { kind: 'demand', tenantId, itemId, demand: d });
    // The item's own document is not rewritten: its demand document is the truth for
    // reservations and shortfalls, and `load` puts it onto the item (half the writes of a burst).
  }

  /** A SKU's code and version changed. */
  touchSku(t: TenantState, tenantId: string, skuId: string, code: string, version: number): void {
    t.skuVersions.set(skuId, version);
    t.skuCodes.set(skuId, code); // a deleted SKU keeps its code for its history
    this.dirtyDocs.set(skuKey(tenantId, skuId), { kind: 'sku', tenantId, skuId, code, version });
    t.revision++;
  }

  /**
   * Writes everything touched since the last flush. Writes run one at a time (the three
   * consumers share this store, and journal entries must land in their order), at least
   * `minIntervalMs` apart: the flushes asked for while one is running or waiting share the next.
   * A write that fails leaves what it held marked dirty, so the next flush writes it again.
   */
  flush(): Promise<void> {
    if (this.next) return this.next;
    const run = this.flushing.then(async () => {
      const wait = this.lastWriteAt + this.options.minIntervalMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      // From here on, changes need the write after this one: it snapshots what is dirty now.
      this.next = null;
      this.lastWriteAt = Date.now();
      await this.write();
    });
    this.next = run;
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private async write(): Promise<void> {
    const items = [...this.dirtyItems];
    const docs = [...this.dirtyDocs];
    if (items.length === 0 && docs.length === 0) return;
    this.dirtyItems.clear();
    this.dirtyDocs.clear();
    const rows: Row[] = items.map(itemRow);
    for (const [key, doc] of docs) rows.push([key, stored(doc)]);
    const seq = this.nextSeq;
    const texts = chunkRows(rows);
    // Taken now, before any await: the state exactly as of this entry (what is applied later is dirty).
    const compact =
      this.journalSinceSnapshot.entries + 1 >= this.options.compactAfterEntries ||
      this.journalSinceSnapshot.chars >= Math.max(this.options.compactAfterChars, 2 * this.lastSnapshotChars);
    const snapshot = compact ? chunkRows(this.allRows()) : null;
    try {
      await this.db.collection<StoredRow>(COLLECTION).insertMany(
        texts.map((json, i) => ({ _id: `journal:${seq + i}:${this.writer}`, kind: 'journal', seq: seq + i, json })),
        { ordered: true },
      );
    } catch (err) {
      for (const p of items) this.dirtyItems.add(p);
      for (const [id, d] of docs) if (!this.dirtyDocs.has(id)) this.dirtyDocs.set(id, d);
      throw err;
    }
    this.nextSeq = seq + texts.length;
    this.journalSinceSnapshot.entries += texts.length;
    this.journalSinceSnapshot.chars += texts.reduce((n, t) => n + t.length, 0);
    if (snapshot)
      await this.compact(this.nextSeq - 1, snapshot).catch((err: unknown) =>
        this.logger.warn(`compaction: ${String(err)}`),
      );
  }

  /**
   * Stores the state as of journal `seq` (chunks, then the mark that makes them count) and deletes
   * what it replaces. A crash before the mark leaves chunks that load ignores and the next
   * compaction deletes; a crash before the deletes leaves entries that load skips.
   */
  private async compact(seq: number, chunks: string[]): Promise<void> {
    const collection = this.db.collection<StoredRow>(COLLECTION);
    await collection.insertMany(
      chunks.map((json, part) => ({ _id: `snap:${seq}:${part}:${this.writer}`, kind: 'snap', seq, part, json })),
      { ordered: true },
    );
    await collection.insertOne({ _id: `snapmark:${seq}:${this.writer}`, kind: 'snapmark', seq, parts: chunks.length });
    this.journalSinceSnapshot = { entries: 0, chars: 0 };
    this.lastSnapshotChars = chunks.reduce((n, c) => n + c.length, 0);
    await collection.deleteMany({ kind: 'journal', seq: { $lte: seq } });
    await collection.deleteMany({ kind: { $in: ['snap', 'snapmark'] }, seq: { $lt: seq } });
    await collection.deleteMany({ kind: { $in: ['item', 'demand', 'sku'] } });
    this.logger.log(`projections compacted: snapshot of entry ${seq} in ${chunks.length} chunks`);
  }

  /** Every row of every tenant, as stored. */
  private allRows(): Row[] {
    const rows: Row[] = [];
    for (const [tenantId, t] of this.tenants) {
      for (const p of t.items.values()) rows.push(itemRow(p));
      for (const [itemId, demand] of t.demand)
        rows.push([demandKey(tenantId, itemId), stored({ kind: 'demand', tenantId, itemId, demand })]);
      for (const [skuId, version] of t.skuVersions)
        rows.push([
          skuKey(tenantId, skuId),
          { kind: 'sku', tenantId, skuId, code: t.skuCodes.get(skuId) ?? null, version },
        ]);
    }
    return rows;
  }
}

/** A dirty document as stored (a demand record serialized now). */
function stored(doc: DirtyDoc): StoredDoc {
  return doc.kind === 'demand'
    ? { kind: 'demand', tenantId: doc.tenantId, itemId: doc.itemId, json: JSON.stringify(doc.demand) }
    : doc;
}
