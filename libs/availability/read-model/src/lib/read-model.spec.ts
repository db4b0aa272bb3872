import { CatalogEvents, InventoryEvents, tenantId, type EventEnvelope, type StockItem } from '@circulate/contracts';
import type { ScheduledReservation } from './reservation-source';
import { ReadModel } from './read-model';
import { AvailabilityQueries } from './queries';

let seq = 0;
const envelope = (type: string, data: unknown, version = 1): EventEnvelope => ({
  id: `evt_${++seq}`,
  type,
  tenantId: tenantId('acme'),
  aggregateId: 'x',
  aggregateVersion: version,
  occurredAt: new Date().toISOString(),
  data,
});

const item = (id: string, version: number, patch: Partial<StockItem> = {}): StockItem => ({
  id,
  skuId: 'sku_1',
  skuCode: 'BIK',
  tracking: 'serialized',
  quantity: 1,
  codes: [],
  locationId: 'loc_1',
  condition: null,
  status: 'in_use',
  state: { in: 1, out: 0 },
  overrides: {},
  effective: { name: null, category: [], attributes: {}, purchasePrice: null },
  createdAt: '2026-01-01T00:00:00Z',
  version,
  ...patch,
});

const listingEvent = (
  version: number,
  rules = [{ id: 'rul_1', quantity: 1, match: { skuCodes: ['BIK'] }, bufferBeforeMs: 0, bufferAfterMs: 0 }],
) =>
  envelope(CatalogEvents.listingUpdated, {
    listing: {
      id: 'lst_1',
      tenantId: 'acme',
      status: 'published',
      channels: { onlineStore: true, admin: true, checkIn: true },
      locationIds: [],
      variants: [],
      fulfillmentRules: rules,
      version,
    },
  });

const admin = { tenantId: tenantId('acme'), role: 'admin' as const };
const query = { start: '2027-01-01T00:00:00Z', end: '2027-01-02T00:00:00Z' };

describe('ReadModel', () => {
  it('ignores a snapshot no newer than the one it holds, so replays and redeliveries converge', () => {
    const model = new ReadModel();
    const queries = new AvailabilityQueries(() => model);
    model.apply(listingEvent(1));
    model.apply(envelope(InventoryEvents.stockItemRegistered, { item: item('ski_1', 1) }));
    model.apply(envelope(InventoryEvents.stockItemChanged, { item: item('ski_1', 2, { status: 'lost' }) }));
    model.apply(envelope(InventoryEvents.stockItemRegistered, { item: item('ski_1', 1) })); // redelivered, older
    expect(queries.availability(admin, 'lst_1', query).quantity).toBe(0);
    model.apply(envelope(InventoryEvents.stockItemChanged, { item: item('ski_1', 3, { status: 'in_use' }) }));
    expect(queries.availability(admin, 'lst_1', query).quantity).toBe(1);
  });

  it('applies a SKU code change to linked items at once, keeping their overrides', () => {
    const model = new ReadModel();
    model.apply(
      envelope(InventoryEvents.stockItemRegistered, {
        item: item('ski_1', 1, { overrides: { attributes: { size: 'S' } } }),
      }),
    );
    model.apply(
      envelope(InventoryEvents.skuUpdated, {
        sku: { id: 'sku_1', code: 'BIKE', attributes: { size: 'M', wheel: 28 } },
        linkedStockItemIds: ['ski_1'],
      }),
    );
    expect(model.find('acme')?.index.getItem('ski_1')).toMatchObject({
      skuCode: 'BIKE',
      attributes: { size: 'S', wheel: 28 },
    });
  });

  it('answers with the reservations the owner folded into the tenant index (the ReservationSource seam)', () => {
    const r: ScheduledReservation = {
      id: 'res_1',
      stockItemId: 'ski_1',
      quantity: 1,
      start: Date.parse('2027-01-01T06:00:00Z'),
      end: Date.parse('2027-01-01T08:00:00Z'),
      orderId: 'ord_1',
      lineIndex: 0,
      periodStart: 0,
      periodEnd: 1,
      status: 'reserved',
    };
    const model = new ReadModel();
    const queries = new AvailabilityQueries(() => model);
    model.apply(listingEvent(1));
    model.apply(envelope(InventoryEvents.stockItemRegistered, { item: item('ski_1', 1) }));
    const tenant = model.ensure('acme');
    tenant.index.addReservation(r);
    tenant.reservations = { get: (id) => (id === r.id ? r : undefined) };
    expect(queries.availability(admin, 'lst_1', query).quantity).toBe(0);
    expect(
      queries.availability(admin, 'lst_1', { ...query, explain: 'true' }).explain?.[0].candidates[0].blockedBy,
    ).toEqual([{ orderId: 'ord_1', start: '2027-01-01T06:00:00.000Z', end: '2027-01-01T08:00:00.000Z', quantity: 1 }]);
    expect(queries.schedule(admin, 'ski_1', {}).items).toHaveLength(1);
  });
});
