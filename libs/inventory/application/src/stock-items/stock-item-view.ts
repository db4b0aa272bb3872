import {
  EventEnvelope,
  RequestContext,
  SkuSnapshot,
  StockItem,
  StockItemEvent,
  TimelineEntry,
} from '@circulate/contracts';
import { StockItemRecord } from '@circulate/inventory/data-access';
import { effectiveOf } from '@circulate/inventory/domain';
import { outboxEvent } from '@circulate/platform/messaging';

/** The item as the API and its events show it: its fields, with the SKU's inherited ones overlaid. */
export function composeStockItem(r: Omit<StockItemRecord, 'tenantId'>, sku: SkuSnapshot | null): StockItem {
  return {
    id: r._id,
    skuId: r.skuId ?? null,
    skuCode: sku?.code ?? null,
    tracking: r.tracking,
    quantity: r.quantity,
    codes: r.codes,
    locationId: r.locationId,
    condition: r.condition ?? null,
    status: r.status,
    state: r.state,
    overrides: r.overrides ?? {},
    effective: effectiveOf(sku, r.overrides ?? {}),
    createdAt: new Date(r.createdAt).toISOString(),
    version: r.version,
  };
}

/** A stock-item fact: it carries the item's full snapshot and the timeline entries of the change. */
export function stockItemEvent(
  ctx: RequestContext,
  type: string,
  item: StockItem,
  changes: TimelineEntry[],
  extra: Partial<StockItemEvent> = {},
): EventEnvelope<StockItemEvent> {
  return outboxEvent<StockItemEvent>(
    type,
    ctx.tenantId,
    item.id,
    item.version,
    { item, changes, ...extra },
    ctx.requestId,
  );
}
