import { idPattern, IdPrefix, tenantId } from '@circulate/contracts';
import { factEventId, OrderGroupCommit, orderIdFor } from './order-commit';
import type { StoredOrder } from './stored-order';

describe('order ids and the group commit', () => {
  it('a keyed request has one id per tenant and key, shaped like any order id; an unkeyed one a fresh id', () => {
    const acme = tenantId('acme');
    expect(orderIdFor(acme, 'k1')).toBe(orderIdFor(acme, 'k1'));
    expect(orderIdFor(acme, 'k1')).not.toBe(orderIdFor(acme, 'k2'));
    expect(orderIdFor(acme, 'k1')).not.toBe(orderIdFor(tenantId('other'), 'k1'));
    expect(orderIdFor(acme)).not.toBe(orderIdFor(acme));
    for (const id of [orderIdFor(acme, 'k1'), orderIdFor(acme)]) expect(id).toMatch(idPattern(IdPrefix.order));
    expect(factEventId('ord_1', 'created')).toMatch(idPattern(IdPrefix.event));
  });

  it('orders that arrive while an insert runs go together in the next one; a duplicate is told apart', async () => {
    const calls: string[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const commit = new OrderGroupCommit({
      insertMany: async (orders: readonly StoredOrder[]) => {
        calls.push(orders.map((o) => o.id));
        if (calls.length === 1) await gate;
        return orders.map((o) => (o.id === 'dup' ? 'duplicate' : 'inserted'));
      },
    });
    const order = (id: string) => ({ id }) as StoredOrder;
    const first = commit.insert(order('a'));
    const rest = ['b', 'dup', 'c'].map((id) => commit.insert(order(id)));
    release();
    expect(await Promise.all([first, ...rest])).toEqual(['inserted', 'inserted', 'duplicate', 'inserted']);
    expect(calls).toEqual([['a'], ['b', 'dup', 'c']]);
  });
});
