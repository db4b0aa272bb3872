import { Logger } from '@nestjs/common';
import { ItemProjection } from '@circulate/reporting/domain';
import type { AnyBulkWriteOperation } from 'mongodb';
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
 * Upserts per bulk write. FerretDB v1.24.2 (SQLite) never answers an update command of 100 or
 * more upserts of existing documents (measured: 99 answer in ~50 ms, 100 hang; new documents are
 * not affected); a burst of reservations that touched 1,000 items in one flush stalled reporting.
 */
export const WRITE_CHUNK = 50;
/** A row of the projections collection: an item's projection (as JSON) or a tenant document. */
type StoredRow = { _id: string; [field: string]: unknown };

/** Stored as JSON text: FerretDB v1 rejects nested arrays (the step functions are arrays of pairs). */
type StoredDoc =
  | { _id: string; kind: 'demand'; tenantId: string; itemId: string; json: string }
  | { _id: string; kind: 'item'; json: string }
  | { _id: string; kind: 'sku'; tenantId: string; skuId: string; code: string | null; version: number };

/**
 * The in-memory projections of every tenant and what changed since the last flush, stored in
 * reporting's own database as one document per item (`_id = <tenant>:<item>`), per item's demand
 * (`demand:<tenant>:<item>`) and per SKU (`sku:<tenant>:<sku>`). Loaded once at boot (one read
 * of the whole collection); written in one bulk write per flush.
 */
export class ProjectionStore {
  private readonly logger = new Logger('ReportingProjections');
  private readonly tenants = new Map<string, TenantState>();
  private readonly dirtyItems = new Set<ItemProjection>();
  private readonly dirtyDocs = new Map<string, StoredDoc>();
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly db: Connection) {}

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
    const docs = (await this.db.collection(COLLECTION).find({}).toArray()) as unknown as StoredDoc[];
    for (const d of docs) {
      if (d.kind === 'item') {
        const p = JSON.parse(d.json) as ItemProjection;
        this.tenant(p.tenantId).items.set(p.id, p);
      } else if (d.kind === 'demand') this.tenant(d.tenantId).demand.set(d.itemId, JSON.parse(d.json) as Demand);
      else if (d.kind === 'sku') {
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
    this.logger.log(`projections loaded: ${docs.length} documents, ${this.tenants.size} tenants`);
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
    this.dirtyDocs.set(`demand:${tenantId}:${itemId}`, {
      _id: `demand:${tenantId}:${itemId}`,
      kind: 'demand',
      tenantId,
      itemId,
      json: JSON.stringify(d),
    });
    // The item's own document is not rewritten: its demand document is the truth for
    // reservations and shortfalls, and `load` puts it onto the item (half the writes of a burst).
  }

  /** A SKU's code and version changed. */
  touchSku(t: TenantState, tenantId: string, skuId: string, code: string, version: number): void {
    t.skuVersions.set(skuId, version);
    t.skuCodes.set(skuId, code); // a deleted SKU keeps its code for its history
    const _id = `sku:${tenantId}:${skuId}`;
    this.dirtyDocs.set(_id, { _id, kind: 'sku', tenantId, skuId, code, version });
    t.revision++;
  }

  /**
   * Writes everything touched since the last flush. Flushes run one at a time (the three
   * consumers share this store: two bulk upserts of the same new document at once collide on its
   * `_id`, as FerretDB's upsert is not atomic); a write that fails leaves what it held marked
   * dirty, so the next flush writes it again.
   */
  flush(): Promise<void> {
    const run = this.flushing.then(() => this.write());
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private async write(): Promise<void> {
    const items = [...this.dirtyItems];
    const docs = [...this.dirtyDocs];
    this.dirtyItems.clear();
    this.dirtyDocs.clear();
    const ops: AnyBulkWriteOperation<StoredRow>[] = [];
    for (const p of items) {
      const _id = `${p.tenantId}:${p.id}`;
      ops.push({
        replaceOne: { filter: { _id }, replacement: { kind: 'item', json: JSON.stringify(p) }, upsert: true },
      });
    }
    for (const [_id, doc] of docs) {
      const { _id: _, ...rest } = doc;
      void _;
      ops.push({ replaceOne: { filter: { _id }, replacement: rest, upsert: true } });
    }
    try {
      for (let i = 0; i < ops.length; i += WRITE_CHUNK) {
        const chunk = ops.slice(i, i + WRITE_CHUNK);
        await this.db.collection<StoredRow>(COLLECTION).bulkWrite(chunk, { ordered: false });
      }
    } catch (err) {
      for (const p of items) this.dirtyItems.add(p);
      for (const [id, d] of docs) if (!this.dirtyDocs.has(id)) this.dirtyDocs.set(id, d);
      throw err;
    }
  }
}
