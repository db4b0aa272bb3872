import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  DEFAULT_LIMIT,
  EventEnvelope,
  LedgerEntry,
  MAX_LIMIT,
  Page,
  TimelineEntry,
  TenantId,
} from '@circulate/contracts';
import { ReadCache, ReadCacheBus } from '@circulate/platform/messaging';
import { decodeCursor, encodeCursor, Owned, TenantRepository, tenantFilter } from '@circulate/platform/persistence';
import type { Model, QueryFilter } from 'mongoose';
import { StockItemDoc } from './stock-item.schema';

/** A stock item as stored, without its embedded history (what reads and snapshots need). */
export type StockItemRecord = Omit<
  StockItemDoc,
  'timeline' | 'ledger' | 'appliedKeys' | 'outByOrder' | '_outbox' | 'updatedAt'
>;

/** Everything, history included (what a change needs to decide). */
export type StockItemFull = Omit<StockItemDoc, '_outbox' | 'updatedAt'>;

const VIEW = { timeline: 0, ledger: 0, appliedKeys: 0, outByOrder: 0, _outbox: 0 } as const;

/** A new item as registration builds it: the repository adds the tenant. */
export type NewStockItemDoc = Omit<StockItemDoc, 'tenantId' | 'updatedAt'>;

/** What one change writes: new field values, and what it appends to the embedded history. */
export interface StockItemWrite {
  set: Partial<
    Pick<
      StockItemDoc,
      | 'skuId'
      | 'skuVersion'
      | 'quantity'
      | 'codes'
      | 'locationId'
      | 'condition'
      | 'status'
      | 'state'
      | 'overrides'
      | 'outByOrder'
    >
  >;
  timeline: TimelineEntry[];
  ledgerEntry?: LedgerEntry;
  appliedKey?: string;
  version: number;
  event: EventEnvelope;
}

@Injectable()
export class StockItemRepository extends TenantRepository<StockItemDoc, StockItemRecord> {
  /** Items as reads see them (no history), by id; every write below invalidates its items. */
  private readonly records: ReadCache<StockItemRecord>;
  /**
   * Items per SKU by `tenant:skuId` (FerretDB answers the count by scanning every item): dropped
   * whole whenever a write may change which SKU items belong to.
   */
  private readonly skuCounts: ReadCache<{ n: number }>;

  constructor(@InjectModel(StockItemDoc.name) model: Model<StockItemDoc>, caches: ReadCacheBus) {
    super(model);
    this.records = caches.cache('stock-items');
    this.skuCounts = caches.cache('stock-item-counts');
  }

  protected toPlain(doc: StockItemDoc): StockItemRecord {
    return {
      _id: doc._id,
      tenantId: doc.tenantId,
      skuId: doc.skuId ?? null,
      tracking: doc.tracking,
      quantity: doc.quantity,
      codes: doc.codes ?? [],
      locationId: doc.locationId,
      condition: doc.condition ?? null,
      status: doc.status,
      state: doc.state,
      overrides: doc.overrides ?? {},
      version: doc.version,
      skuVersion: doc.skuVersion ?? 0,
      createdAt: doc.createdAt,
    };
  }

  /**
   * By `_id` alone, then the tenant is checked here: FerretDB v1 answers an `_id`-only filter
   * from its primary key but scans for `_id` + `tenantId` (the hot path of code lookups).
   */
  override async findById(tenantId: TenantId, id: string): Promise<StockItemRecord | null> {
    const record = await this.records.get(id, async () => {
      const doc = await this.model.findById(id, VIEW).lean<StockItemDoc>().exec();
      return doc ? this.toPlain(doc) : null;
    });
    return record && record.tenantId === tenantId ? record : null;
  }

  /**
   * Reads and writes of one item go by `_id` alone and check the tenant in code (reads) or rely on
   * the read that the same lock made (writes): FerretDB v1 answers only an `_id`-only filter from
   * the index; `_id` + `tenantId` scans until it finds the document (measured: 0.6–1.6 s per
   * change of an item late in a 10,000-item collection, against ~30 ms by `_id`).
   */
  findFull(tenantId: TenantId, id: string): Promise<Owned<StockItemFull> | null> {
    return this.findOwned<StockItemFull>(tenantId, id, { _outbox: 0 });
  }

  /** The item with its history, defaults filled in: what a change decides on (AggregateStore). */
  async loadOwned(tenantId: TenantId, id: string): Promise<Owned<StockItemFull> | null> {
    const full = await this.findFull(tenantId, id);
    if (!full) return null;
    return this.owned({
      ...full,
      timeline: full.timeline ?? [],
      ledger: full.ledger ?? [],
      appliedKeys: full.appliedKeys ?? [],
      outByOrder: full.outByOrder ?? {},
      overrides: full.overrides ?? {},
      condition: full.condition ?? null,
      skuId: full.skuId ?? null,
    });
  }

  /** Drops the cached reads of these items (the AggregateWriter calls it after every write). */
  invalidate(ids: string[]): Promise<void> {
    return this.records.invalidate(ids);
  }

  findHistory(
    tenantId: TenantId,
    id: string,
    field: 'timeline' | 'ledger',
  ): Promise<Pick<StockItemDoc, 'tenantId' | 'timeline' | 'ledger'> | null> {
    return this.findOwned<StockItemDoc>(tenantId, id, { tenantId: 1, [field]: 1 });
  }

  async list(
    tenantId: TenantId,
    filter: { skuId?: string; locationId?: string; status?: string; tracking?: string },
    limit = DEFAULT_LIMIT,
    cursor?: string,
  ): Promise<Page<StockItemRecord>> {
    const n = Math.min(Math.max(1, limit), MAX_LIMIT);
    const after = decodeCursor(cursor);
    const query: QueryFilter<StockItemDoc> = {};
    for (const key of ['skuId', 'locationId', 'status', 'tracking'] as const)
      if (filter[key] !== undefined) query[key] = filter[key];
    if (after) query._id = { $gt: after };
    const docs = await this.model
      .find(tenantFilter<StockItemDoc>(tenantId, query), VIEW)
      .sort({ _id: 1 })
      .limit(n + 1)
      .lean<StockItemDoc[]>()
      .exec();
    const items = docs.slice(0, n).map((d) => this.toPlain(d));
    return { items, nextCursor: docs.length > n ? encodeCursor(docs[n - 1]._id) : null };
  }

  async linkedTo(tenantId: TenantId, skuId: string): Promise<Owned<StockItemRecord>[]> {
    const docs = await this.findOwnedMany<StockItemDoc>(tenantId, { skuId }, VIEW);
    return docs.map((d) => this.owned(this.toPlain(d)));
  }

  async countBySku(tenantId: TenantId, skuIds: string[]): Promise<Map<string, number>> {
    if (skuIds.length === 0) return new Map();
    const keyOf = (skuId: string) => `${tenantId}:${skuId}`;
    const counts = await this.skuCounts.getMany(skuIds.map(keyOf), async (missing) => {
      const ids = missing.map((key) => key.slice(tenantId.length + 1));
      const rows = await this.model
        .aggregate<{ _id: string; n: number }>([
          { $match: { tenantId, skuId: { $in: ids } } },
          { $group: { _id: '$skuId', n: { $sum: 1 } } },
        ])
        .exec();
      const n = new Map(rows.map((r) => [r._id, r.n]));
      return new Map(ids.map((id) => [keyOf(id), { n: n.get(id) ?? 0 }]));
    });
    return new Map(skuIds.map((id) => [id, counts.get(keyOf(id))?.n ?? 0]));
  }

  /**
   * Inserts new items of the tenant, each with its `registered` event in its own outbox. Their
   * `createdAt` is stored as it is, so the 201 answer built from it is what a later read returns.
   */
  async insertMany(tenantId: TenantId, docs: NewStockItemDoc[]): Promise<void> {
    const stored = docs.map((d) => ({ ...d, tenantId, updatedAt: d.createdAt }));
    // Write-through: this replica reads its new items from memory from now on.
    await this.records.fillAfter(
      () => this.collection.insertMany(stored, { ordered: true }),
      () => stored.map((d) => [d._id, this.toPlain(d)] as const),
    );
    if (stored.some((d) => d.skuId)) await this.skuCounts.invalidateAll();
  }

  async deleteMany(tenantId: TenantId, ids: string[]): Promise<void> {
    try {
      for (let i = 0; i < ids.length; i += 100) {
        await this.model
          .deleteMany(tenantFilter<StockItemDoc>(tenantId, { _id: { $in: ids.slice(i, i + 100) } }))
          .exec();
      }
    } finally {
      await this.records.invalidate(ids);
      await this.skuCounts.invalidateAll();
    }
  }

  /**
   * One change of one item: fields, history and outbox event in one document write. By `_id`
   * alone (see findFull), which the proof allows: the caller read the item, for this tenant,
   * under the same lock. The AggregateWriter invalidates the item's cached reads afterwards.
   */
  async apply(item: Owned<{ _id: string }>, write: StockItemWrite): Promise<void> {
    const push: Record<string, unknown> = { _outbox: write.event };
    if (write.timeline.length) push['timeline'] = { $each: write.timeline };
    if (write.ledgerEntry) push['ledger'] = write.ledgerEntry;
    if (write.appliedKey) push['appliedKeys'] = write.appliedKey;
    try {
      await this.model
        .updateOne({ _id: item._id }, { $set: { ...write.set, version: write.version }, $push: push })
        .exec();
    } finally {
      if (write.set.skuId !== undefined) await this.skuCounts.invalidateAll();
    }
  }

  /** Many single-item changes at once (SKU fan-out), each its own atomic write by `_id` (as apply). */
  async applyEach(writes: { item: Owned<{ _id: string }>; write: StockItemWrite }[]): Promise<void> {
    // One by one: FerretDB v1 runs bulk updates far slower, at times not at all.
    try {
      for (const { item, write } of writes) {
        await this.model
          .updateOne(
            { _id: item._id },
            { $set: { ...write.set, version: write.version }, $push: { _outbox: write.event } },
          )
          .exec();
      }
    } finally {
      if (writes.some((w) => w.write.set.skuId !== undefined)) await this.skuCounts.invalidateAll();
    }
  }
}
