/** What the inventory int specs share: the harness with one location, and the items' `changed` facts. */
import { EventEnvelope, InventoryEvents, Location, StockItemEvent } from '@circulate/contracts';
import { ServiceHarness, startServiceHarness } from '@circulate/platform/nest';
import { InventoryApplicationModule } from '../inventory-application.module';
import { LocationsService } from '../locations/locations.service';

export interface InventoryHarness {
  h: ServiceHarness;
  location: Location;
  /** The `stock-item.changed` facts published so far for the given items, in order. */
  changed(ids: string[]): Promise<(EventEnvelope & { data: StockItemEvent })[]>;
}

export async function startInventoryHarness(): Promise<InventoryHarness> {
  const h = await startServiceHarness('inventory', { imports: [InventoryApplicationModule] });
  const location = await h.get(LocationsService).create(h.ctx(), { name: 'Shop' });
  const changed = async (ids: string[]) =>
    (await h.events()).filter(
      (e) => ids.includes(e.aggregateId) && e.type === InventoryEvents.stockItemChanged,
    ) as (EventEnvelope & { data: StockItemEvent })[];
  return { h, location, changed };
}
