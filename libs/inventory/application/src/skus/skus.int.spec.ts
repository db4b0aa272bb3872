/** Service-level tests of SKU edits and their fan-out to linked items (real NATS + FerretDB). */
import { useInventoryHarness } from '../testing/inventory-harness';
import { StockItemQueries } from '../stock-items/stock-item-queries';
import { StockItemRegistration } from '../stock-items/stock-item-registration';
import { SkusService } from './skus.service';

jest.setTimeout(120_000);

describe('SKU edits and their fan-out (real NATS + FerretDB, no gateway)', () => {
  const { h, location, changed: itemFacts } = useInventoryHarness();

  it('renaming a SKU gives each of its three items one `changed` fact with the new name; a repeat gives none', async () => {
    const skus = h.get(SkusService);
    const sku = await skus.create(h.ctx(), { code: 'BIKE', name: 'Bike' });
    const { items } = await h
      .get(StockItemRegistration)
      .batch(h.ctx(), { skuId: sku.id, locationId: location().id, count: 3, tracking: 'serialized' });
    const ids = items.map((i) => i.id);

    const renamed = await skus.update(h.ctx(), { id: sku.id, name: 'City bike' });
    expect(renamed).toMatchObject({ name: 'City bike', version: 2, stockItemCount: 3 });
    const facts = await itemFacts(ids);
    expect(facts.map((f) => f.aggregateId).sort()).toEqual([...ids].sort());
    expect(facts.every((f) => f.data.reason === 'sku_updated' && f.data.item.effective.name === 'City bike')).toBe(
      true,
    );

    await skus.update(h.ctx(), { id: sku.id, name: 'City bike' }); // no difference: no new version
    expect(await itemFacts(ids)).toHaveLength(3);
  });

  it('deleting a SKU unlinks its items (each publishes its snapshot) and frees the code', async () => {
    const skus = h.get(SkusService);
    const sku = await skus.create(h.ctx(), { code: 'TENT', name: 'Tent' });
    const item = await h
      .get(StockItemRegistration)
      .create(h.ctx(), { tracking: 'serialized', skuId: sku.id, locationId: location().id });
    await skus.delete(h.ctx(), sku.id);
    expect(await h.get(StockItemQueries).get(h.ctx(), item.id)).toMatchObject({ skuId: null, skuCode: null });
    const facts = await itemFacts([item.id]);
    expect(facts.map((f) => f.data.reason)).toEqual(['sku_deleted']);
    await expect(skus.create(h.ctx(), { code: 'TENT', name: 'Tent again' })).resolves.toMatchObject({ version: 1 });
  });
});
