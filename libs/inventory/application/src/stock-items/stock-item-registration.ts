import { Injectable } from '@nestjs/common';
import {
  BatchRegisterRequest,
  CreateStockItemRequest,
  IdPrefix,
  InventoryEvents,
  newId,
  RequestContext,
  SkuSnapshot,
  StockItem,
  StockItemBatch,
  unwrap,
} from '@circulate/contracts';
import {
  BatchOutbox,
  LocationRepository,
  NewStockItemDoc,
  SkuRepository,
  StockItemRepository,
} from '@circulate/inventory/data-access';
import { decideBatch, decideRegistration, NewStockItem, RegistrationLookups } from '@circulate/inventory/domain';
import { AggregateWriter } from '@circulate/platform/messaging';
import { claimsOf, CodeClaims } from './code-claims';
import { composeStockItem, stockItemEvent } from './stock-item-view';

/** The stored document of a new item, its `registered` event in its outbox. */
function newDoc(ctx: RequestContext, item: NewStockItem, sku: SkuSnapshot | null, createdAt: Date) {
  const doc: NewStockItemDoc = {
    ...item,
    skuVersion: sku?.version ?? 0,
    ledger: [],
    outByOrder: {},
    appliedKeys: [],
    version: 1,
    _outbox: [],
    createdAt,
  };
  const view = composeStockItem(doc, sku);
  doc._outbox = [stockItemEvent(ctx, InventoryEvents.stockItemRegistered, view, doc.timeline)];
  return { doc, view };
}

/** Registration of new items: one (any tracking), or a batch of serialized units under a SKU. */
@Injectable()
export class StockItemRegistration {
  constructor(
    private readonly writer: AggregateWriter,
    private readonly items: StockItemRepository,
    private readonly skus: SkuRepository,
    private readonly locations: LocationRepository,
    private readonly claims: CodeClaims,
    private readonly batches: BatchOutbox,
  ) {}

  async create(ctx: RequestContext, input: CreateStockItemRequest): Promise<StockItem> {
    const id = newId(IdPrefix.stockItem);
    const at = new Date();
    const found = await this.lookups(ctx, input);
    const item = unwrap(decideRegistration(input, id, found, at.toISOString()));
    const { doc, view } = newDoc(ctx, item, found.sku, at);
    const claims = claimsOf(id, item.codes);
    return this.writer.create(this.items, id, async () => {
      await this.claims.claim(ctx.tenantId, claims);
      try {
        await this.items.insertMany(ctx.tenantId, [doc]);
      } catch (err) {
        await this.items.deleteMany(ctx.tenantId, [id]).catch(() => undefined);
        await this.claims.release(ctx.tenantId, claims);
        throw err;
      }
      return view;
    });
  }

  /**
   * Registers `count` serialized units under a SKU, all or nothing, without transactions: every
   * code is claimed first (any taken → the claims made are deleted, 409), the events are staged
   * in one batch document, then the items are inserted; if that fails, the inserted items, the
   * staged events and the claims are deleted again. Then the events are committed and published.
   */
  async batch(ctx: RequestContext, input: BatchRegisterRequest): Promise<StockItemBatch> {
    const ids = Array.from({ length: input.count }, () => newId(IdPrefix.stockItem));
    const at = new Date();
    const found = await this.lookups(ctx, input);
    const decided = unwrap(decideBatch(input, ids, found, at.toISOString()));
    const made = decided.map((item) => newDoc(ctx, item, found.sku, at));
    const docs = made.map((m) => m.doc);
    const events = docs.flatMap((d) => d._outbox);
    for (const d of docs) d._outbox = [];
    const claims = decided.flatMap((item) => claimsOf(item._id, item.codes));
    const batchId = `bat_${ids[0]}`;
    await this.claims.claim(ctx.tenantId, claims);
    await this.batches.stage(ctx.tenantId, batchId, ids, events);
    try {
      await this.items.insertMany(ctx.tenantId, docs);
    } catch (err) {
      await this.items.deleteMany(ctx.tenantId, ids).catch(() => undefined);
      await this.batches.discard(ctx.tenantId, batchId);
      await this.claims.release(ctx.tenantId, claims);
      throw err;
    }
    await this.batches.commit(ctx.tenantId, batchId);
    return { items: made.map((m) => m.view) };
  }

  /** The SKU and location a registration names, looked up before deciding. */
  private async lookups(
    ctx: RequestContext,
    input: { skuId?: string; locationId: string },
  ): Promise<RegistrationLookups & { sku: SkuSnapshot | null }> {
    const [sku, location] = await Promise.all([
      input.skuId !== undefined ? this.skus.findById(ctx.tenantId, input.skuId) : null,
      this.locations.findById(ctx.tenantId, input.locationId),
    ]);
    return { sku, locationExists: !!location };
  }
}
