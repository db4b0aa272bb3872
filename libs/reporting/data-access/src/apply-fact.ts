import {
  EventEnvelope,
  InventoryEvents,
  OrderRefusedEvent,
  ReportingInputEvents,
  ReservationFact,
  SkuEvent,
  StockItemEvent,
} from '@circulate/contracts';
import { applySnapshot } from '@circulate/reporting/domain';
import type { ProjectionStore, TenantState } from './projection-store';

/**
 * Applies one fact to the projections; false when it changed nothing (already applied, or not
 * ours). Idempotent under redelivery: a snapshot at or below an item's applied version, a SKU
 * event at or below the SKU's version, a reservation id or a refused-order line already
 * recorded changes nothing (`idempotent: false` only to show the tests catch double counting).
 */
export function applyFact(store: ProjectionStore, event: EventEnvelope, idempotent: boolean): boolean {
  const t = store.tenant(event.tenantId);
  switch (event.type) {
    case InventoryEvents.stockItemRegistered:
    case InventoryEvents.stockItemChanged:
      return applyItemSnapshot(store, t, event, idempotent);
    case InventoryEvents.skuCreated:
    case InventoryEvents.skuUpdated:
    case InventoryEvents.skuDeleted: {
      const { sku } = event.data as SkuEvent;
      if ((t.skuVersions.get(sku.id) ?? 0) >= event.aggregateVersion && idempotent) return false;
      store.touchSku(t, event.tenantId, sku.id, sku.code, event.aggregateVersion);
      return true;
    }
    case ReportingInputEvents.orderRefused:
      return applyRefusal(store, t, event, idempotent);
    default:
      if (!event.type.startsWith(`${ReportingInputEvents.reservationPrefix}.`)) return false;
      return applyReservation(store, t, event);
  }
}

function applyItemSnapshot(store: ProjectionStore, t: TenantState, event: EventEnvelope, idempotent: boolean): boolean {
  const data = event.data as StockItemEvent;
  const next = applySnapshot(
    t.items.get(data.item.id),
    {
      tenantId: event.tenantId,
      at: Date.parse(event.occurredAt),
      item: data.item,
      changes: data.changes ?? [],
      ledgerEntry: data.ledgerEntry,
    },
    { idempotent },
  );
  if (!next) return false;
  if (!t.items.has(next.id)) {
    const d = t.demand.get(next.id);
    if (d) Object.assign(next, d);
  }
  t.items.set(next.id, next);
  if (next.skuId && next.skuCode && !t.skuCodes.has(next.skuId)) t.skuCodes.set(next.skuId, next.skuCode);
  store.touch(t, next);
  return true;
}

function applyRefusal(store: ProjectionStore, t: TenantState, event: EventEnvelope, idempotent: boolean): boolean {
  const data = event.data as OrderRefusedEvent;
  let changed = false;
  for (const line of data.lines ?? []) {
    const start = line.start ? Date.parse(line.start) : Date.parse(data.at);
    const end = line.end ? Date.parse(line.end) : start + 86_400_000;
    for (const s of line.shortfalls ?? []) {
      const d = store.demandOf(t, s.stockItemId);
      const missing = Math.max(0, s.requested - s.free);
      const key = `${data.orderId}:${line.index}`;
      if (!missing || (idempotent && key in d.shortfalls)) continue;
      d.shortfalls[idempotent ? key : `${key}:${Object.keys(d.shortfalls).length}`] = [start, end, missing];
      store.touchDemand(t, event.tenantId, s.stockItemId);
      changed = true;
    }
  }
  return changed;
}

function applyReservation(store: ProjectionStore, t: TenantState, event: EventEnvelope): boolean {
  const data = event.data as ReservationFact;
  let changed = false;
  const gone = /released|expired/.test(data.type ?? event.type);
  if (gone) {
    for (const id of data.removed ?? []) {
      for (const [itemId, d] of t.demand) {
        if (id in d.reservations) {
          delete d.reservations[id];
          store.touchDemand(t, event.tenantId, itemId);
          changed = true;
        }
      }
    }
    return changed;
  }
  for (const a of data.allocations ?? []) {
    const d = store.demandOf(t, a.stockItemId);
    const prev = d.reservations[a.reservationId];
    if (prev && prev[0] === a.start && prev[1] === a.end && prev[2] === a.quantity) continue;
    d.reservations[a.reservationId] = [a.start, a.end, a.quantity];
    store.touchDemand(t, event.tenantId, a.stockItemId);
    changed = true;
  }
  return changed;
}
