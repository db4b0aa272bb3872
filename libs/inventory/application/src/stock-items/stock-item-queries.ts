import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  Ledger,
  ListStockItemsRequest,
  Page,
  RequestContext,
  StockItem,
  Timeline,
} from '@circulate/contracts';
import { CodeRepository, SkuRepository, StockItemRepository } from '@circulate/inventory/data-access';
import { effectiveOf, ledgerTotals } from '@circulate/inventory/domain';
import { composeStockItem } from './stock-item-view';

/** The reads of stock items: by id, by code, lists, ledger and timeline. */
@Injectable()
export class StockItemQueries {
  constructor(
    private readonly items: StockItemRepository,
    private readonly codes: CodeRepository,
    private readonly skus: SkuRepository,
  ) {}

  async get(ctx: RequestContext, id: string): Promise<StockItem> {
    const record = await this.items.getById(ctx.tenantId, id, 'stock item');
    return composeStockItem(record, record.skuId ? await this.skus.findById(ctx.tenantId, record.skuId) : null);
  }

  async lookup(ctx: RequestContext, code: string): Promise<StockItem> {
    const owner = await this.codes.ownerOf(ctx.tenantId, code);
    const record = owner ? await this.items.findById(ctx.tenantId, owner) : null;
    // A claim left by a crash, or not yet written, finds nothing.
    if (!record || !record.codes.includes(code))
      throw new DomainError(ErrorCode.NOT_FOUND, `no stock item has the code "${code}"`);
    return composeStockItem(record, record.skuId ? await this.skus.findById(ctx.tenantId, record.skuId) : null);
  }

  async list(ctx: RequestContext, query: ListStockItemsRequest): Promise<Page<StockItem>> {
    const page = await this.items.list(ctx.tenantId, query, query.limit, query.cursor);
    const skus = await this.skus.findMany(
      ctx.tenantId,
      page.items.map((r) => r.skuId).filter((s): s is string => !!s),
    );
    return {
      items: page.items.map((r) => composeStockItem(r, r.skuId ? (skus.get(r.skuId) ?? null) : null)),
      nextCursor: page.nextCursor,
    };
  }

  async ledger(ctx: RequestContext, id: string): Promise<Ledger> {
    const full = await this.items.loadOwned(ctx.tenantId, id);
    if (!full) throw DomainError.notFound('stock item', id);
    let fallback = 'EUR';
    if (full.ledger.length === 0) {
      const sku = full.skuId ? await this.skus.findById(ctx.tenantId, full.skuId) : null;
      fallback = effectiveOf(sku, full.overrides).purchasePrice?.currency ?? fallback;
    }
    return { items: full.ledger, totals: ledgerTotals(full.ledger, fallback) };
  }

  async timeline(ctx: RequestContext, id: string): Promise<Timeline> {
    const doc = await this.items.findHistory(ctx.tenantId, id, 'timeline');
    if (!doc) throw DomainError.notFound('stock item', id);
    return { items: doc.timeline ?? [] };
  }
}
