import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { DomainError, ErrorCode, EventEnvelope, Page, SkuSnapshot, TenantId } from '@circulate/contracts';
import { ReadCache, ReadCacheBus } from '@circulate/platform/messaging';
import { isDuplicateKeyError, Owned, TenantRepository, tenantFilter } from '@circulate/platform/persistence';
import type { Model, QueryFilter } from 'mongoose';
import { SkuDoc } from './sku.schema';

const LIVE = { deletedAt: { $exists: false } };

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A live SKU as cached, with its tenant (checked on every read); owned, what a change decides on. */
export interface CachedSku {
  tenantId: TenantId;
  sku: SkuSnapshot;
}

@Injectable()
export class SkuRepository extends TenantRepository<SkuDoc, SkuSnapshot> {
  /** Live SKUs by id (every stock-item read composes one); every write below invalidates. */
  private readonly live: ReadCache<CachedSku>;

  constructor(@InjectModel(SkuDoc.name) model: Model<SkuDoc>, caches: ReadCacheBus) {
    super(model);
    this.live = caches.cache('skus');
  }

  protected toPlain(doc: SkuDoc): SkuSnapshot {
    return {
      id: doc._id,
      code: doc.code,
      name: doc.name,
      category: doc.category ?? [],
      attributes: doc.attributes ?? {},
      purchasePrice: doc.purchasePrice ?? null,
      description: doc.description ?? null,
      createdAt: new Date(doc.createdAt).toISOString(),
      version: doc.version,
    };
  }

  override async findById(tenantId: TenantId, id: string): Promise<SkuSnapshot | null> {
    const cached = await this.live.get(id, async () => {
      // `_id` alone (FerretDB v1 answers it from its primary key; with more conditions it scans).
      const doc = await this.model.findById(id, { _outbox: 0 }).lean<SkuDoc>().exec();
      return doc && doc.deletedAt == null ? { tenantId: doc.tenantId, sku: this.toPlain(doc) } : null;
    });
    return cached && cached.tenantId === tenantId ? cached.sku : null;
  }

  /** The live SKU as its tenant owns it (AggregateStore). */
  async loadOwned(tenantId: TenantId, id: string): Promise<Owned<CachedSku> | null> {
    const sku = await this.findById(tenantId, id);
    return sku ? this.owned({ tenantId, sku }) : null;
  }

  /** Drops the cached reads of these SKUs (the AggregateWriter calls it after every write). */
  invalidate(ids: string[]): Promise<void> {
    return this.live.invalidate(ids);
  }

  async findMany(tenantId: TenantId, ids: string[]): Promise<Map<string, SkuSnapshot>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const docs = await this.model
      .find(tenantFilter<SkuDoc>(tenantId, { _id: { $in: unique }, ...LIVE }), { _outbox: 0 })
      .lean<SkuDoc[]>()
      .exec();
    return new Map(docs.map((d) => [d._id, this.toPlain(d)]));
  }

  list(
    tenantId: TenantId,
    query: { code?: string; q?: string; limit?: number; cursor?: string },
  ): Promise<Page<SkuSnapshot>> {
    const filter: QueryFilter<SkuDoc> = { ...LIVE };
    if (query.code !== undefined) filter.code = query.code;
    if (query.q) filter.name = { $regex: escapeRegex(query.q), $options: 'i' };
    return this.page(tenantId, filter, query.limit, query.cursor);
  }

  async insert(tenantId: TenantId, sku: SkuSnapshot, event: EventEnvelope): Promise<void> {
    try {
      await this.model.create({
        _id: sku.id,
        tenantId,
        code: sku.code,
        name: sku.name,
        category: sku.category,
        attributes: sku.attributes,
        ...(sku.purchasePrice ? { purchasePrice: sku.purchasePrice } : {}),
        ...(sku.description !== null ? { description: sku.description } : {}),
        version: 1,
        _outbox: [event],
        // The time the answer and the event carry, stored as it is (not a second clock reading).
        createdAt: new Date(sku.createdAt),
      });
    } catch (err) {
      throw this.duplicate(err, sku.code);
    }
  }

  async replace(tenantId: TenantId, sku: SkuSnapshot, event: EventEnvelope): Promise<void> {
    try {
      await this.model
        .updateOne(tenantFilter<SkuDoc>(tenantId, { _id: sku.id, ...LIVE }), {
          $set: {
            code: sku.code,
            name: sku.name,
            category: sku.category,
            attributes: sku.attributes,
            purchasePrice: sku.purchasePrice,
            description: sku.description,
            version: sku.version,
          },
          $push: { _outbox: event },
        })
        .exec();
    } catch (err) {
      throw this.duplicate(err, sku.code);
    }
  }

  /** Marks the SKU deleted and frees its code, in the same write as its `deleted` event. */
  async tombstone(tenantId: TenantId, id: string, version: number, event: EventEnvelope): Promise<void> {
    await this.live.invalidateAfter([id], () =>
      this.model
        .updateOne(tenantFilter<SkuDoc>(tenantId, { _id: id }), {
          $set: { deletedAt: new Date(), code: `~deleted~${id}`, version },
          $push: { _outbox: event },
        })
        .exec(),
    );
  }

  /** Removes a tombstone once its event is published (what remains after a crash is harmless). */
  async purgeIfPublished(tenantId: TenantId, id: string): Promise<void> {
    await this.model
      .deleteOne(
        tenantFilter<SkuDoc>(tenantId, { _id: id, deletedAt: { $exists: true }, '_outbox.0': { $exists: false } }),
      )
      .exec();
  }

  private duplicate(err: unknown, code: string): unknown {
    if (isDuplicateKeyError(err))
      return new DomainError(ErrorCode.CONFLICT_DUPLICATE_CODE, `a SKU with code "${code}" already exists`);
    return err;
  }
}
