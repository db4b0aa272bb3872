import { useTestStack } from '../support/stack';
import { END, useShops, orderBody, rentalLine, START, streamEvents, until } from './support';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('orders: hand-out, return, complete and extend by scanning, through the gateway', () => {
  const stack = useTestStack(undefined, 180_000);
  const [shop] = useShops(stack, 'F');

  const post = (path: string, body?: unknown, key?: string) =>
    stack.http('POST', path, { ...(body === undefined ? {} : { body }), ...(key ? { key } : {}) });
  const order = async (lines: unknown[], extra: Record<string, unknown> = {}) => {
    const res = await post('/orders', orderBody(shop, lines, extra));
    if (res.status !== 201) throw new Error(`order: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const item = async (id: string) => (await stack.http('GET', `/stock-items/${id}`)).body;
  const codeOf = (id: string) => shop.bikes.find((b) => b.id === id).codes;

  it('hands out by any code, records returns with condition, and completes with the income on the units', async () => {
    const o = await order([rentalLine(shop.bike), rentalLine(shop.helmet, { quantity: 3 })]);
    const bikeId = o.lines[0].allocations[0].stockItemId;
    expect((await post(`/orders/${o.id}/hand-out`, { items: [{ code: 'F-HLM-POOL', quantity: 2 }] })).status).toBe(200);
    const tooMany = await post(`/orders/${o.id}/hand-out`, { items: [{ code: 'F-HLM-POOL', quantity: 2 }] });
    expect(tooMany.status).toBe(409);
    const serial = codeOf(bikeId)[1];
    const out = await post(`/orders/${o.id}/hand-out`, { items: [{ code: serial }, { code: 'F-HLM-POOL' }] });
    expect(out.status).toBe(200);
    expect(out.body.status).toBe('active');
    expect(out.body.lines[1].allocations.reduce((n: number, a: any) => n + a.out, 0)).toBe(3);
    expect((await item(bikeId)).state).toEqual({ in: 0, out: 1 });
    expect((await item(shop.helmets.id)).state).toEqual({ in: 7, out: 3 });
    const timeline = (await stack.http('GET', `/stock-items/${bikeId}/timeline`)).body.items;
    expect(timeline.some((e: any) => e.type === 'handed_out' && e.orderId === o.id)).toBe(true);

    const notOut = await post(`/orders/${o.id}/return`, { items: [{ code: 'F-BIK-3' }] });
    expect(notOut.status).toBe(409);
    expect((await post(`/orders/${o.id}/return`, { items: [{ code: 'F-HLM-POOL', quantity: 1 }] })).status).toBe(200);
    expect((await post(`/orders/${o.id}/complete`)).status).toBe(409);
    const back = await post(`/orders/${o.id}/return`, {
      items: [
        { code: codeOf(bikeId)[0], condition: 'scratched frame' },
        { code: 'F-HLM-POOL', quantity: 2 },
      ],
    });
    expect(back.status).toBe(200);
    expect((await item(bikeId)).condition).toBe('scratched frame');
    expect((await item(shop.helmets.id)).state).toEqual({ in: 10, out: 0 });
    const done = await post(`/orders/${o.id}/complete`);
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('completed');
    const bikeLedger = (await stack.http('GET', `/stock-items/${bikeId}/ledger`)).body;
    expect(bikeLedger.items).toEqual([
      expect.objectContaining({ type: 'income', orderId: o.id, amount: { amount: 12000, currency: 'EUR' } }),
    ]);
    const poolLedger = (await stack.http('GET', `/stock-items/${shop.helmets.id}/ledger`)).body;
    expect(poolLedger.totals.income).toEqual({ amount: 4500, currency: 'EUR' });
    expect((await post(`/orders/${o.id}/complete`)).status).toBe(409);
    expect((await stack.http('GET', `/stock-items/${bikeId}/ledger`)).body.items).toHaveLength(1);
    const types = (await streamEvents(stack, 'orders')).filter((e) => e.aggregateId === o.id).map((e) => e.type);
    expect(types).toEqual([
      'orders.order.created.v1',
      'orders.order.handed-out.v1',
      'orders.order.handed-out.v1',
      'orders.order.returned.v1',
      'orders.order.returned.v1',
      'orders.order.completed.v1',
    ]);
  });

  it('scanning another free matching unit moves the allocation to it; a unit of no order line is a 409', async () => {
    const o = await order([rentalLine(shop.bike)]);
    const allocated = o.lines[0].allocations[0].stockItemId;
    const other = shop.bikes.find((b) => b.id !== allocated);
    const wrong = await post(`/orders/${o.id}/hand-out`, { items: [{ code: 'F-S-0' }] });
    expect(wrong.status).toBe(409);
    const unknown = await post(`/orders/${o.id}/hand-out`, { items: [{ code: 'NO-SUCH-CODE' }] });
    expect(unknown.status).toBe(400);
    const res = await post(`/orders/${o.id}/hand-out`, { items: [{ code: other.codes[0] }] });
    expect(res.status).toBe(200);
    expect(res.body.lines[0].allocations).toEqual([expect.objectContaining({ stockItemId: other.id, out: 1 })]);
    const schedule = (await stack.http('GET', `/stock-items/${other.id}/reservations`)).body.items;
    expect(schedule.map((s: any) => s.orderId)).toContain(o.id);
    await post(`/orders/${o.id}/return`, { items: [{ code: other.codes[0] }] });
  });

  it('a purchase line is handed out and completing it marks the unit sold', async () => {
    const o = await order([{ listingId: shop.bikeSale, quantity: 1 }]);
    expect(o.lines[0]).toMatchObject({ purchase: true, start: null, end: null, price: { amount: 39900 } });
    const unit = o.lines[0].allocations[0].stockItemId;
    expect((await post(`/orders/${o.id}/hand-out`, { items: [{ code: codeOf(unit)[0] }] })).status).toBe(200);
    const done = await post(`/orders/${o.id}/complete`);
    expect(done.status).toBe(200);
    expect((await item(unit)).status).toBe('sold');
  });

  it('extend moves the end of every rental line and prices the extra time; 409 unavailable when the unit is booked after and none can take it', async () => {
    const first = await order([rentalLine(shop.sized, { variant: { Size: 'S' } })]);
    expect(first.total).toEqual({ amount: 12000, currency: 'EUR' }); // 3 days at 40.00
    const later = await order([
      rentalLine(shop.sized, { variant: { Size: 'S' }, start: END, end: '2031-06-06T09:00:00Z' }),
    ]);
    expect(later.lines[0].allocations[0].stockItemId).toBe(first.lines[0].allocations[0].stockItemId);
    const blocked = await post(`/orders/${first.id}/extend`, { end: '2031-06-05T09:00:00Z' });
    expect(blocked.status).toBe(409);
    expect((await stack.http('GET', `/orders/${first.id}`)).body.lines[0].end).toBe(END.replace('Z', '.000Z'));
    await post(`/orders/${later.id}/cancel`);
    const extended = await post(`/orders/${first.id}/extend`, { end: '2031-06-05T09:00:00Z' });
    expect(extended.status).toBe(200);
    expect(extended.body.lines[0].end).toBe('2031-06-05T09:00:00.000Z');
    // The fourth day at today's table: 12,000 agreed + (16,000 - 12,000).
    expect(extended.body.lines[0].price).toEqual({ amount: 16000, currency: 'EUR' });
    expect(extended.body.total).toEqual({ amount: 16000, currency: 'EUR' });
    expect((await post(`/orders/${first.id}/extend`, { end: START })).status).toBe(400);
    expect((await stack.http('GET', `/orders/${first.id}`)).body.total).toEqual({ amount: 16000, currency: 'EUR' });
  });

  it('staff hands out and returns; storefront may not', async () => {
    const o = await order([rentalLine(shop.helmet)]);
    const sf = await post(`/orders/${o.id}/hand-out`, { items: [{ code: 'F-HLM-POOL' }] }, stack.keys.storefront);
    expect(sf.status).toBe(403);
    const staff = await post(`/orders/${o.id}/hand-out`, { items: [{ code: 'F-HLM-POOL' }] }, stack.keys.staff);
    expect(staff.status).toBe(200);
    const back = await post(`/orders/${o.id}/return`, { items: [{ code: 'F-HLM-POOL' }] }, stack.keys.staff);
    expect(back.status).toBe(200);
    await until(
      () => stack.http('GET', `/listings/${shop.helmet}/availability?start=${START}&end=${END}`),
      (r) => r.body.quantity === 10,
    );
  });
});
