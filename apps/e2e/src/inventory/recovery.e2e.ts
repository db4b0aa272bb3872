import { InventoryEvents, SkuSnapshot, tenantId } from '@circulate/contracts';
import { outboxEvent } from '@circulate/platform/messaging';
import { useTestStack } from '../support/stack';
import { MongoClient } from 'mongodb';
import { Inventory } from './support';

const ACME = tenantId('acme');

/**
 * A SKU edit writes the SKU (with its event) and then re-publishes every linked item's snapshot.
 * These tests put the database in the state a crash between the two leaves behind (inventory
 * stopped, the SKU written with its event still in the document's outbox, the items untouched),
 * start inventory again and expect the snapshots to catch up by themselves.
 */
describe('inventory: a crash in the middle of a SKU edit or deletion is repaired after restart', () => {
  const stack = useTestStack({ env: { SKU_FANOUT_GRACE_MS: '0' } });
  let inv: Inventory;
  let mongo: MongoClient;
  let loc: string;

  const skus = () =>
    mongo.db(`${stack.namespace}_inventory`).collection<{ _id: string; version: number; _outbox: unknown[] }>('skus');

  /**
   * What the service would have written before crashing: the SKU and its event, nothing else.
   * The process is killed (kill -9), not stopped: a clean stop leaves the replica roster and
   * nobody would look for left-overs; the restarted replica finds the dead one's entry and sweeps.
   */
  const crashAfterSkuWrite = async (sku: SkuSnapshot, type: string, set: Record<string, unknown>) => {
    stack.apps.signal('inventory', 'SIGKILL');
    await stack.apps.exited('inventory');
    const next = { ...sku, ...set, version: sku.version + 1 } as SkuSnapshot;
    const event = outboxEvent(type, ACME, sku.id, next.version, { sku: next });
    await skus().updateOne(
      { _id: sku.id },
      {
        $set: { ...set, version: next.version },
        $push: { _outbox: event },
      },
    );
  };

  const restartInventory = async () => {
    stack.apps.start('inventory');
    await stack.apps.waitReady();
  };

  const snapshotsOf = async (itemId: string) =>
    (await inv.events())
      .filter((e) => e.type === InventoryEvents.stockItemChanged && e.aggregateId === itemId)
      .map((e) => e.data);

  // The dead replica's entry goes stale 15 s after its last beat (ReplicaRoster), then the sweep.
  const eventually = async <T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 45_000): Promise<T> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (ok(value) || Date.now() > end) return value;
      await new Promise((r) => setTimeout(r, 300));
    }
  };

  beforeAll(async () => {
    inv = new Inventory(stack);
    mongo = await MongoClient.connect(stack.apps.options.mongoUrl);
    loc = await inv.location('Recovery shop');
  }, 120_000);

  afterAll(async () => {
    await inv?.close();
    await mongo?.close();
  });

  it('publishes the linked items\u2019 new snapshots when inventory died right after writing the SKU', async () => {
    const sku = await inv.sku({ code: 'REC-CRUISER', name: 'Cruiser', attributes: { gears: 3 } });
    const item = await inv.item({ tracking: 'serialized', codes: ['REC-C1'], locationId: loc, skuId: sku.id });
    await crashAfterSkuWrite(sku, InventoryEvents.skuUpdated, { name: 'Cruiser II' });
    expect(await snapshotsOf(item.id)).toEqual([]);

    await restartInventory();
    const snapshots = await eventually(
      () => snapshotsOf(item.id),
      (s) => s.length > 0,
    );
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toMatchObject({
      reason: 'sku_updated',
      item: { id: item.id, effective: { name: 'Cruiser II' }, version: 2 },
    });
    expect((await stack.http('GET', '/stock-items/lookup?code=REC-C1')).body).toMatchObject({
      version: 2,
      effective: { name: 'Cruiser II' },
    });
  });

  it('does not publish a snapshot twice when the edit had completed', async () => {
    const sku = await inv.sku({ code: 'REC-TOURER', name: 'Tourer' });
    const item = await inv.item({ tracking: 'serialized', codes: ['REC-T1'], locationId: loc, skuId: sku.id });
    expect((await stack.http('PATCH', `/skus/${sku.id}`, { body: { name: 'Tourer II' } })).status).toBe(200);
    // The fan-out published and cleared its events itself (nothing left for the sweeper). The PATCH
    // answers after at most SKU_FANOUT_WAIT_MS even if the fan-out is slower: poll a little.
    const outboxOf = async () =>
      (
        await mongo
          .db(`${stack.namespace}_inventory`)
          .collection<{ _id: string; _outbox: unknown[] }>('stock_items')
          .findOne({ _id: item.id })
      )?._outbox;
    let outbox = await outboxOf();
    for (const deadline = Date.now() + 5000; outbox?.length !== 0 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 100));
      outbox = await outboxOf();
    }
    expect(outbox).toEqual([]);
    // The recovery consumer sees the SKU event too (grace 0 here) and must find nothing to do.
    await new Promise((r) => setTimeout(r, 2000));
    const snapshots = await snapshotsOf(item.id);
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toMatchObject({ reason: 'sku_updated', item: { effective: { name: 'Tourer II' } } });
  });

  it('unlinks the items and removes the tombstone when inventory died right after tombstoning a SKU', async () => {
    const sku = await inv.sku({ code: 'REC-GONE', name: 'Gone bike' });
    const item = await inv.item({ tracking: 'serialized', codes: ['REC-G1'], locationId: loc, skuId: sku.id });
    await crashAfterSkuWrite(sku, InventoryEvents.skuDeleted, { deletedAt: new Date(), code: `~deleted~${sku.id}` });

    await restartInventory();
    const snapshots = await eventually(
      () => snapshotsOf(item.id),
      (s) => s.length > 0,
    );
    expect(snapshots[0]).toMatchObject({ reason: 'sku_deleted', item: { id: item.id, skuId: null } });
    expect((await stack.http('GET', '/stock-items/lookup?code=REC-G1')).body).toMatchObject({
      skuId: null,
      codes: ['REC-G1'],
    });
    expect(
      await eventually(
        () => skus().countDocuments({ _id: sku.id }),
        (n) => n === 0,
      ),
    ).toBe(0);
    // The code is free again.
    expect((await stack.http('POST', '/skus', { body: { code: 'REC-GONE', name: 'Again' } })).status).toBe(201);
  });
});
