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

/**
 * The harness of one `describe`: started before its tests, closed after them. `h` stands for the
 * running harness; `location()` is its location.
 */
export function useInventoryHarness(): Pick<InventoryHarness, 'h' | 'changed'> & { location(): Location } {
  let live: InventoryHarness | undefined;
  beforeAll(async () => {
    live = await startInventoryHarness();
  });
  afterAll(() => live?.h.close());
  const now = (): InventoryHarness => {
    if (!live) throw new Error('the inventory harness is not started');
    return live;
  };
  const h = new Proxy({} as ServiceHarness, {
    get(_, key) {
      const value = Reflect.get(now().h, key) as unknown;
      return typeof value === 'function' ? value.bind(now().h) : value;
    },
  });
  return { h, changed: (ids) => now().changed(ids), location: () => now().location };
}
