import { AvailabilityIndex, type EngineListing, type EngineStockItem } from '@circulate/availability/engine';
import {
  CatalogEvents,
  InventoryEvents,
  type EventEnvelope,
  type ListingChangedEvent,
  type ListingSnapshot,
  type LocationCreatedEvent,
  type SkuEvent,
  type StockItem,
  type StockItemEvent,
} from '@circulate/contracts';
import { NO_RESERVATION_DETAILS, type ReservationDetails } from './reservation-source';

/** A listing as the read model keeps it: the engine's part plus what visibility and variants need. */
export interface ListingView {
  readonly id: string;
  readonly version: number;
  readonly status: ListingSnapshot['status'];
  readonly onlineStore: boolean;
  readonly variants: ListingSnapshot['variants'];
  readonly engine: EngineListing;
}

/** One tenant's state: the engine index (items + reservations), listings, locations' time zones. */
export class TenantState {
  readonly index = new AvailabilityIndex();
  readonly listings = new Map<string, ListingView>();
  readonly timeZones = new Map<string, string>();
  /** The last snapshot applied per stock item (version check, SKU re-derivation). */
  readonly stockItems = new Map<string, StockItem>();
  /** Details of the reservations in `index` (set by the tenant's reservation owner, see ReservationSource). */
  reservations: ReservationDetails = NO_RESERVATION_DETAILS;
}

function toEngineItem(item: StockItem): EngineStockItem {
  return {
    id: item.id,
    tracking: item.tracking,
    quantity: item.quantity,
    status: item.status,
    locationId: item.locationId,
    skuCode: item.skuCode,
    attributes: item.effective.attributes,
  };
}

function toListingView(listing: ListingSnapshot): ListingView {
  return {
    id: listing.id,
    version: listing.version,
    status: listing.status,
    onlineStore: listing.channels.onlineStore,
    variants: listing.variants,
    engine: {
      locationIds: listing.locationIds,
      rules: listing.fulfillmentRules.map((r) => ({
        id: r.id,
        quantity: r.quantity,
        match: r.match,
        ...(r.bufferBefore ? { bufferBefore: r.bufferBefore } : {}),
        ...(r.bufferAfter ? { bufferAfter: r.bufferAfter } : {}),
      })),
    },
  };
}

const ITEM_EVENTS = new Set<string>([InventoryEvents.stockItemRegistered, InventoryEvents.stockItemChanged]);
const LISTING_EVENTS = new Set<string>([
  CatalogEvents.listingCreated,
  CatalogEvents.listingUpdated,
  CatalogEvents.listingArchived,
]);

/**
 * The availability read model: every tenant's items, listings and locations, in memory, built
 * from inventory's and catalog's events alone.
 *
 * `apply` is idempotent and order-tolerant: events carry full snapshots with the aggregate's
 * version, and a snapshot no newer than the one held is ignored, so a replay from the start of
 * the streams, a redelivery or an overlap between a rebuild and the live feed all converge on
 * the same state.
 */
export class ReadModel {
  private readonly tenants = new Map<string, TenantState>();
  private applied = 0;

  /** Events applied since the last reset (a replay counts every one). */
  get appliedEvents(): number {
    return this.applied;
  }

  get tenantCount(): number {
    return this.tenants.size;
  }

  /** Totals over all tenants (for the rebuild report and readiness). */
  counts(): { items: number; listings: number; locations: number } {
    let items = 0;
    let listings = 0;
    let locations = 0;
    for (const t of this.tenants.values()) {
      items += t.index.itemCount;
      listings += t.listings.size;
      locations += t.timeZones.size;
    }
    return { items, listings, locations };
  }

  /** The tenant's state, or undefined when no event of it has been seen. */
  find(tenantId: string): TenantState | undefined {
    return this.tenants.get(tenantId);
  }

  /** The tenant's state, created empty when no event of it has been seen yet. */
  ensure(tenantId: string): TenantState {
    return this.tenant(tenantId);
  }

  /** Every tenant seen so far. */
  tenantIds(): string[] {
    return [...this.tenants.keys()];
  }

  /** Forgets everything (before a rebuild from the streams). */
  reset(): void {
    this.tenants.clear();
    this.applied = 0;
  }

  /** Applies one event of inventory or catalog; other event types are ignored. */
  apply(event: EventEnvelope): void {
    this.applied++;
    const type = event.type;
    if (ITEM_EVENTS.has(type)) this.applyItem(event.tenantId, (event.data as StockItemEvent).item);
    else if (LISTING_EVENTS.has(type)) this.applyListing(event.tenantId, (event.data as ListingChangedEvent).listing);
    else if (type === InventoryEvents.locationCreated) {
      const { location } = event.data as LocationCreatedEvent;
      this.tenant(event.tenantId).timeZones.set(location.id, validZone(location.timeZone));
    } else if (type === InventoryEvents.skuUpdated || type === InventoryEvents.skuDeleted) {
      this.applySku(event.tenantId, event.data as SkuEvent, type === InventoryEvents.skuDeleted);
    }
  }

  private applyItem(tenantId: string, item: StockItem): void {
    const t = this.tenant(tenantId);
    const held = t.stockItems.get(item.id);
    if (held && held.version >= item.version) return;
    t.stockItems.set(item.id, item);
    t.index.upsertItem(toEngineItem(item));
  }

  /**
   * A SKU edit reaches items through inventory's fan-out (one item event each); applying it here
   * too makes the change visible at once. The items' own later snapshots win (higher version).
   */
  private applySku(tenantId: string, event: SkuEvent, deleted: boolean): void {
    const t = this.tenant(tenantId);
    for (const id of event.linkedStockItemIds ?? []) {
      const held = t.stockItems.get(id);
      if (!held || held.skuId !== event.sku.id) continue;
      const attributes = deleted
        ? held.effective.attributes
        : { ...event.sku.attributes, ...(held.overrides.attributes ?? {}) };
      const next: StockItem = {
        ...held,
        skuId: deleted ? null : held.skuId,
        skuCode: deleted ? null : event.sku.code,
        effective: { ...held.effective, attributes },
      };
      t.stockItems.set(id, next);
      t.index.upsertItem(toEngineItem(next));
    }
  }

  private applyListing(tenantId: string, listing: ListingSnapshot): void {
    const t = this.tenant(tenantId);
    const held = t.listings.get(listing.id);
    if (held && held.version >= listing.version) return;
    t.listings.set(listing.id, toListingView(listing));
  }

  private tenant(tenantId: string): TenantState {
    let t = this.tenants.get(tenantId);
    if (!t) {
      t = new TenantState();
      this.tenants.set(tenantId, t);
    }
    return t;
  }
}

/** A location's zone as the engine can use it; a name the runtime does not know falls back to UTC. */
function validZone(timeZone: string | undefined): string {
  if (!timeZone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}
