/**
 * Service-level tests of inventory's write path (no gateway, no RPC): the use cases against the
 * real NATS (JetStream) and FerretDB, through the AggregateWriter.
 */
import { DomainError, ErrorCode, StockItem } from '@circulate/contracts';
import { StockItemRepository } from '@circulate/inventory/data-access';
import { useInventoryHarness } from '../testing/inventory-harness';
import { OrderCommands } from './order-commands';
import { StockItemChanges } from './stock-item-changes';
import { StockItemQueries } from './stock-item-queries';
import { StockItemRegistration } from './stock-item-registration';

jest.setTimeout(120_000);

describe('inventory write path (real NATS + FerretDB, no gateway)', () => {
  const { h, location, changed } = useInventoryHarness();
  let pool: StockItem;

  beforeAll(async () => {
    pool = await h
      .get(StockItemRegistration)
      .create(h.ctx(), { tracking: 'pooled', quantity: 5, locationId: location().id, codes: ['CHAIRS'] });
  });

  const changesOf = (id: string) => changed([id]);

  it('eight concurrent hand-outs of one unit each from a pool of five: five go out, three are refused, one event each', async () => {
    const orders = h.get(OrderCommands);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        orders.handOut(h.ctx(), { stockItemId: pool.id, orderId: `ord_${i}`, quantity: 1 }),
      ),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(refused.map((r) => ((r as PromiseRejectedResult).reason as DomainError).code)).toEqual([
      ErrorCode.CONFLICT,
      ErrorCode.CONFLICT,
      ErrorCode.CONFLICT,
    ]);
    const item = await h.get(StockItemQueries).get(h.ctx(), pool.id);
    expect(item.state).toEqual({ in: 0, out: 5 });
    expect(item.version).toBe(6);
    const events = await changesOf(pool.id);
    expect(events.map((e) => e.aggregateVersion)).toEqual([2, 3, 4, 5, 6]);
    expect(events[4].data.item.state).toEqual({ in: 0, out: 5 });
  });

  it('a repeated order command changes nothing and publishes nothing', async () => {
    const before = (await changesOf(pool.id)).length;
    const again = await h.get(OrderCommands).handOut(h.ctx(), { stockItemId: pool.id, orderId: 'ord_0', quantity: 1 });
    expect(again.version).toBe(6);
    expect((await changesOf(pool.id)).length).toBe(before);
  });

  it('a read after a write sees the write (the writer invalidates the cached read)', async () => {
    const queries = h.get(StockItemQueries);
    expect((await queries.get(h.ctx(), pool.id)).condition).toBeNull(); // cached now
    await h.get(StockItemChanges).update(h.ctx(), { id: pool.id, condition: 'worn' });
    expect((await queries.get(h.ctx(), pool.id)).condition).toBe('worn');
    // And the outbox of the document is empty: its events went out inline.
    const full = await h.get(StockItemRepository).mongooseModel.findById(pool.id, { _outbox: 1 }).lean().exec();
    expect(full?._outbox).toEqual([]);
  });

  it('another tenant neither reads nor changes the item (404), and nothing is written', async () => {
    const other = h.ctx('other');
    await expect(h.get(StockItemQueries).get(other, pool.id)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await expect(
      h.get(OrderCommands).returnUnits(other, { stockItemId: pool.id, orderId: 'ord_1' }),
    ).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    expect((await h.get(StockItemQueries).get(h.ctx(), pool.id)).state).toEqual({ in: 0, out: 5 });
  });
});
