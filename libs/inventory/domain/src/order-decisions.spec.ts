import { ErrorCode } from '@circulate/contracts';
import { accepted, givenBike, refusal } from './testing';
import { commandKey, decideHandOut, decideOrderIncome, decideReturn, decideSale } from './order-decisions';
import { StockItemFacts } from './stock-item-decisions';

const AT = '2027-05-01T10:00:00.000Z';

const pool = (over: Partial<StockItemFacts> = {}): StockItemFacts =>
  givenBike({
    _id: 'stk_chairs',
    tracking: 'pooled',
    quantity: 10,
    codes: ['CHAIRS'],
    condition: null,
    state: { in: 10, out: 0 },
    ...over,
  });
const unit = (over: Partial<StockItemFacts> = {}): StockItemFacts =>
  pool({ _id: 'stk_bike', tracking: 'serialized', quantity: 1, state: { in: 1, out: 0 }, ...over });

describe('order commands on a stock item', () => {
  it('given 10 chairs in, when order 1 takes 4, then 6 in, 4 out, and the order has 4 out', () => {
    const change = accepted(decideHandOut(pool(), { orderId: 'ord_1', quantity: 4 }, AT));
    expect(change?.set).toEqual({ state: { in: 6, out: 4 }, outByOrder: { ord_1: 4 } });
    expect(change?.timeline).toEqual([{ type: 'handed_out', at: AT, quantity: 4, orderId: 'ord_1' }]);
    expect(change?.appliedKey).toBe(commandKey('hand_out', { orderId: 'ord_1' }));
  });

  it('given a hand-out already applied, when the same command comes again, then nothing to do (null)', () => {
    const item = pool({ appliedKeys: ['hand_out:ord_1:'] });
    expect(accepted(decideHandOut(item, { orderId: 'ord_1', quantity: 4 }, AT))).toBeNull();
    // Another operation of the same order is a new command.
    expect(accepted(decideHandOut(item, { orderId: 'ord_1', operationKey: 'scan-2', quantity: 1 }, AT))).not.toBeNull();
  });

  it('given a bike out of use, when it is handed out, then refused', () => {
    expect(refusal(decideHandOut(unit({ status: 'out_of_use' }), { orderId: 'ord_1' }, AT))).toBe(
      ErrorCode.INVALID_STATE_TRANSITION,
    );
  });

  it('given order 1 has 4 chairs out, when 3 come back worn, then the order keeps 1 out and the condition changes', () => {
    const item = pool({ state: { in: 6, out: 4 }, outByOrder: { ord_1: 4 } });
    const change = accepted(decideReturn(item, { orderId: 'ord_1', quantity: 3, condition: 'worn' }, AT));
    expect(change?.set).toEqual({ state: { in: 9, out: 1 }, outByOrder: { ord_1: 1 }, condition: 'worn' });
    expect(change?.timeline.map((t) => t.type)).toEqual(['returned', 'condition_changed']);
  });

  it('given order 1 has 4 chairs out, when all come back, then the order has none out any more', () => {
    const item = pool({ state: { in: 6, out: 4 }, outByOrder: { ord_1: 4, ord_2: 0 } });
    expect(accepted(decideReturn(item, { orderId: 'ord_1' }, AT))?.set.outByOrder).toEqual({ ord_2: 0 });
    expect(refusal(decideReturn(item, { orderId: 'ord_3' }, AT))).toBe(ErrorCode.CONFLICT);
  });

  it('given order 1 has 2 chairs out, when 3 are sold to it, then 2 leave from out and 1 from in', () => {
    const item = pool({ state: { in: 8, out: 2 }, outByOrder: { ord_1: 2 } });
    const change = accepted(decideSale(item, { orderId: 'ord_1', quantity: 3 }, AT));
    expect(change?.set).toEqual({ quantity: 7, state: { in: 7, out: 0 }, status: 'in_use', outByOrder: {} });
    expect(change?.timeline).toEqual([
      { type: 'adjusted', at: AT, quantity: -3, orderId: 'ord_1', data: { delta: -3, reason: 'sold', quantity: 7 } },
    ]);
  });

  it('given a bike out with order 1, when it is sold, then it is sold and the order has nothing out', () => {
    const item = unit({ state: { in: 0, out: 1 }, outByOrder: { ord_1: 1 } });
    const change = accepted(decideSale(item, { orderId: 'ord_1' }, AT));
    expect(change?.set).toMatchObject({ status: 'sold', outByOrder: {} });
    expect(change?.timeline).toEqual([
      { type: 'status_changed', at: AT, orderId: 'ord_1', data: { from: 'in_use', to: 'sold' } },
    ]);
  });

  it('given an income already recorded for order 1, when it comes again, then nothing; else an income entry', () => {
    const cmd = { orderId: 'ord_1', entryId: 'led_9', amount: { amount: 5000, currency: 'EUR' } };
    expect(accepted(decideOrderIncome(pool({ appliedKeys: ['income:ord_1:'] }), cmd, AT))).toBeNull();
    expect(accepted(decideOrderIncome(pool(), cmd, AT))?.ledgerEntry).toEqual({
      id: 'led_9',
      type: 'income',
      amount: cmd.amount,
      reason: 'order',
      note: null,
      orderId: 'ord_1',
      at: AT,
    });
  });
});
