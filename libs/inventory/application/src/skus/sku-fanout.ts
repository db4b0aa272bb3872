import { Injectable } from '@nestjs/common';
import { InventoryEvents, RequestContext, SkuSnapshot } from '@circulate/contracts';
import { StockItemRepository } from '@circulate/inventory/data-access';
import { decideSkuRelink } from '@circulate/inventory/domain';
import { AggregateWriter, PendingEvents } from '@circulate/platform/messaging';
import { composeStockItem, stockItemEvent } from '../stock-items/stock-item-view';

/**
 * A SKU changed (or was deleted: `unlink`): every linked item's effective fields changed, so
 * each gets a `changed` event with its new snapshot (`reason` says why), and on deletion its
 * `skuId` becomes null. Read models therefore only ever need stock-item events.
 */
@Injectable()
export class SkuFanOut {
  constructor(
    private readonly writer: AggregateWriter,
    private readonly items: StockItemRepository,
  ) {}

  /** Answers the ids of the items linked when it started. */
  async skuChanged(ctx: RequestContext, sku: SkuSnapshot, unlink: boolean): Promise<string[]> {
    const ids = (await this.items.linkedTo(ctx.tenantId, sku.id)).map((r) => r._id);
    if (ids.length === 0) return [];
    const locked = new Set(ids);
    const reason = unlink ? 'sku_deleted' : 'sku_updated';
    await this.writer.changeMany(this.items, ids, async (): Promise<PendingEvents[]> => {
      // Re-read under the locks: what a concurrent run already did is left alone.
      const writes = (await this.items.linkedTo(ctx.tenantId, sku.id)).flatMap((item) => {
        const set = locked.has(item._id) ? decideSkuRelink(item, sku, unlink) : null;
        if (!set) return [];
        const version = item.version + 1;
        const view = composeStockItem({ ...item, ...set, version }, unlink ? null : sku);
        const event = stockItemEvent(ctx, InventoryEvents.stockItemChanged, view, [], { reason });
        return [{ item, write: { set, timeline: [], version, event } }];
      });
      if (writes.length === 0) return [];
      await this.items.applyEach(writes);
      return writes.map((w) => ({ id: w.item._id, events: [w.write.event] }));
    });
    return ids;
  }
}
