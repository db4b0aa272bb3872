import { Injectable } from '@nestjs/common';
import { InventoryEvents, RequestContext, StockItem } from '@circulate/contracts';
import { SkuRepository, StockItemFull, StockItemRecord, StockItemRepository } from '@circulate/inventory/data-access';
import { StockItemChange, StockItemDecision } from '@circulate/inventory/domain';
import { AggregateWriter } from '@circulate/platform/messaging';
import type { Owned } from '@circulate/platform/persistence';
import { claimsOf, CodeClaims } from './code-claims';
import { composeStockItem, stockItemEvent } from './stock-item-view';

/** Decides one change of an item from what it is now and the time of the change. */
export type StockItemDecider = (
  item: Owned<StockItemFull>,
  at: string,
) => StockItemDecision | Promise<StockItemDecision>;

/**
 * Every change of one existing item, through the AggregateWriter: under the item's lock its
 * full state is read (for the tenant), decided on, then the fields, timeline entry, ledger entry
 * and `changed` event (with the item's full snapshot) are one document write; new codes are
 * claimed before and dropped codes released after it.
 */
@Injectable()
export class StockItemWriter {
  constructor(
    private readonly writer: AggregateWriter,
    private readonly items: StockItemRepository,
    private readonly skus: SkuRepository,
    private readonly claims: CodeClaims,
  ) {}

  change(ctx: RequestContext, id: string, decide: StockItemDecider): Promise<StockItem> {
    return this.writer.change(this.items, ctx.tenantId, id, {
      what: 'stock item',
      decide: (item) => decide(item, new Date().toISOString()),
      unchanged: (item) => this.view(ctx, item),
      write: (item, change) => this.write(ctx, item, change),
    });
  }

  private async view(ctx: RequestContext, record: Omit<StockItemRecord, 'tenantId'>): Promise<StockItem> {
    const sku = record.skuId ? await this.skus.findById(ctx.tenantId, record.skuId) : null;
    return composeStockItem(record, sku);
  }

  private async write(ctx: RequestContext, item: Owned<StockItemFull>, change: StockItemChange): Promise<StockItem> {
    const next = { ...item, ...change.set, version: item.version + 1 };
    const sku = next.skuId ? await this.skus.findById(ctx.tenantId, next.skuId) : null;
    const view = composeStockItem(next, sku);
    const extra = change.ledgerEntry ? { ledgerEntry: change.ledgerEntry } : {};
    const event = stockItemEvent(ctx, InventoryEvents.stockItemChanged, view, change.timeline, extra);
    await this.claims.holding(ctx.tenantId, claimsOf(item._id, change.claimCodes), () =>
      this.items.apply(item, {
        // The snapshot in this event reflects the SKU as read above.
        set: { ...change.set, skuVersion: sku?.version ?? 0 },
        timeline: change.timeline,
        ledgerEntry: change.ledgerEntry,
        appliedKey: change.appliedKey,
        version: view.version,
        event,
      }),
    );
    if (change.releaseCodes?.length) await this.claims.release(ctx.tenantId, claimsOf(item._id, change.releaseCodes));
    return view;
  }
}
