import { useTestStack } from '../support/stack';
import { END, must, useShops, orderBody, orderEvents, rentalLine, Shop, START, streamEvents, until } from './support';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * `allowShortage` (admin and staff only): accepted with what is free, the rest listed in
 * `shortages` and holding no unit; when units free up (cancel, return) shortages are filled
 * oldest first, each fill an event. And a refused order is unmet demand in the pool report.
 */
describe('orders: shortages filled oldest first, and refusals as unmet demand', () => {
  const stack = useTestStack(undefined, 180_000);
  const [shop, pools] = useShops(stack, 'S', 'P');

  const create = (s: Shop, lines: unknown[], extra: Record<string, unknown> = {}, key?: string) =>
    stack.http('POST', '/orders', { body: orderBody(s, lines, extra), ...(key ? { key } : {}) });
  const get = async (id: string) => (await stack.http('GET', `/orders/${id}`)).body;
  const held = (o: any, line = 0) => o.lines[line].allocations.reduce((n: number, a: any) => n + a.quantity, 0);
  const free = async (listing: string) =>
    (await stack.http('GET', `/listings/${listing}/availability?start=${START}&end=${END}`)).body.quantity;
  const shortListed = async () =>
    ((await stack.http('GET', '/orders?shortage=true&limit=500')).body.items as any[]).map((o) => o.id);

  it('admin and staff may accept a shortage, storefront may not; nothing is over-booked', async () => {
    const sf = await create(
      shop,
      [rentalLine(shop.bike, { quantity: 9 })],
      {
        channel: 'online_store',
        allowShortage: true,
      },
      stack.keys.storefront,
    );
    expect(sf.status).toBe(403);
    const staff = await create(
      shop,
      [rentalLine(shop.helmet, { quantity: 12 })],
      { allowShortage: true },
      stack.keys.staff,
    );
    expect(staff.status).toBe(201);
    expect(held(staff.body)).toBe(10);
    expect(staff.body.shortages).toEqual([{ lineIndex: 0, ruleId: expect.stringMatching(/^rul_/), missing: 2 }]);
    expect(await free(shop.helmet)).toBe(0);
    await must(stack, `/orders/${staff.body.id}/cancel`, undefined, stack.keys.staff);
    expect(await free(shop.helmet)).toBe(10);
  });

  it('a cancel fills the oldest shortage first, then the next with what is left', async () => {
    const blocker = await must(stack, '/orders', orderBody(shop, [rentalLine(shop.bike, { quantity: 2 })]));
    const older = (await create(shop, [rentalLine(shop.bike, { quantity: 3 })], { allowShortage: true })).body;
    const ruleId = older.shortages[0]?.ruleId;
    expect(held(older)).toBe(2);
    expect(older.shortages).toEqual([{ lineIndex: 0, ruleId: expect.stringMatching(/^rul_/), missing: 1 }]);
    const newer = (
      await create(shop, [rentalLine(shop.bike, { quantity: 2 })], { allowShortage: true }, stack.keys.staff)
    ).body;
    expect(newer.lines[0].allocations).toEqual([]);
    expect(newer.shortages).toEqual([{ lineIndex: 0, ruleId, missing: 2 }]);
    expect(await free(shop.bike)).toBe(0);
    const listed = await shortListed();
    expect(listed).toEqual(expect.arrayContaining([older.id, newer.id]));
    expect(listed).not.toContain(blocker.id);

    await must(stack, `/orders/${blocker.id}/cancel`);
    const filled = await until(
      () => get(older.id),
      (o) => o.shortages.length === 0,
      15_000,
    );
    expect(filled.shortages).toEqual([]);
    expect(held(filled)).toBe(3);
    const partly = await until(
      () => get(newer.id),
      (o) => held(o) === 1,
      15_000,
    );
    expect(held(partly)).toBe(1);
    expect(partly.shortages).toEqual([{ lineIndex: 0, ruleId: expect.stringMatching(/^rul_/), missing: 1 }]);
    const bikes = [...filled.lines[0].allocations, ...partly.lines[0].allocations].map((a: any) => a.stockItemId);
    expect(new Set(bikes).size).toBe(4); // every bike once, none twice
    expect(await free(shop.bike)).toBe(0);
    const listedAfter = await shortListed();
    expect(listedAfter).toContain(newer.id);
    expect(listedAfter).not.toContain(older.id);

    // Each fill is an event: availability's shortage_filled, the order's reservations-changed.
    const fills = (await streamEvents(stack, 'availability')).filter(
      (e) => e.data.type === 'reservation.shortage_filled',
    );
    expect(fills.map((e) => e.data.orderId)).toEqual([older.id, newer.id]);
    const changed = (await orderEvents(stack, older.id)).filter(
      (e) => e.type === 'orders.order.reservations-changed.v1',
    );
    expect(changed.at(-1).data.order).toMatchObject({ id: older.id, shortages: [] });
    expect(changed.at(-1).data.order.lines[0].allocations).toHaveLength(3);

    // A return frees units too: the older order's bikes come back and the newer order is whole.
    const codes = await Promise.all(
      filled.lines[0].allocations.map(
        async (a: any) => (await stack.http('GET', `/stock-items/${a.stockItemId}`)).body.codes[0],
      ),
    );
    await must(stack, `/orders/${older.id}/hand-out`, { items: codes.map((code) => ({ code })) });
    await must(stack, `/orders/${older.id}/return`, { items: codes.map((code) => ({ code })) });
    const whole = await until(
      () => get(newer.id),
      (o) => o.shortages.length === 0,
      15_000,
    );
    expect(whole.shortages).toEqual([]);
    expect(held(whole)).toBe(2);
    expect(await shortListed()).not.toContain(newer.id);
    await must(stack, `/orders/${older.id}/complete`);
    await must(stack, `/orders/${newer.id}/cancel`);
  });

  it('a pool shortage is filled with units of the pool when a return brings them back', async () => {
    const first = await must(stack, '/orders', orderBody(pools, [rentalLine(pools.helmet, { quantity: 8 })]));
    const short = (await create(pools, [rentalLine(pools.helmet, { quantity: 5 })], { allowShortage: true })).body;
    expect(held(short)).toBe(2);
    expect(short.shortages).toEqual([{ lineIndex: 0, ruleId: expect.stringMatching(/^rul_/), missing: 3 }]);
    await must(stack, `/orders/${first.id}/hand-out`, { items: [{ code: 'P-HLM-POOL' }] });
    // A partial return keeps the reservation until all of its units are back.
    await must(stack, `/orders/${first.id}/return`, { items: [{ code: 'P-HLM-POOL', quantity: 4 }] });
    expect((await get(short.id)).shortages).toEqual([expect.objectContaining({ missing: 3 })]);
    await must(stack, `/orders/${first.id}/return`, { items: [{ code: 'P-HLM-POOL', quantity: 4 }] });
    const filled = await until(
      () => get(short.id),
      (o) => o.shortages.length === 0,
      15_000,
    );
    expect(held(filled)).toBe(5);
    expect(filled.lines[0].allocations.every((a: any) => a.stockItemId === pools.helmets.id)).toBe(true);
    expect(await free(pools.helmet)).toBe(5);
    await must(stack, `/orders/${short.id}/cancel`);
  });

  it('a refused order is published as unmet demand and the pool report counts it', async () => {
    const period = { start: '2031-08-01T09:00:00Z', end: '2031-08-04T09:00:00Z' };
    await must(stack, '/orders', orderBody(pools, [rentalLine(pools.helmet, { quantity: 8, ...period })]));
    const refused = await create(pools, [rentalLine(pools.helmet, { quantity: 5, ...period })]);
    expect(refused.status).toBe(409);
    expect(refused.body.lines).toEqual([{ index: 0, available: 2 }]);
    const event = (await streamEvents(stack, 'orders')).find(
      (e) => e.type === 'orders.order.refused.v1' && e.data.lines[0]?.start === '2031-08-01T09:00:00.000Z',
    );
    expect(event.data.lines).toEqual([
      {
        index: 0,
        listingId: pools.helmet,
        start: '2031-08-01T09:00:00.000Z',
        end: '2031-08-04T09:00:00.000Z',
        quantity: 5,
        shortfalls: [{ stockItemId: pools.helmets.id, ruleId: expect.stringMatching(/^rul_/), requested: 5, free: 2 }],
      },
    ]);
    expect((await stack.http('GET', `/orders/${event.data.orderId}`)).status).toBe(404);
    const report = await until(
      () => stack.http('GET', '/reports/pools?from=2031-08-01&to=2031-08-10'),
      // The reservation comes from availability's stream and the refusal from orders': reporting
      // reads them by separate consumers, so the report is whole once both have arrived.
      (r) =>
        r.status === 200 &&
        r.body.items.some((i: any) => i.stockItemId === pools.helmets.id && i.unmetDemand > 0 && i.peakReserved > 0),
      20_000,
    );
    expect(report.body.items.find((i: any) => i.stockItemId === pools.helmets.id)).toMatchObject({
      quantity: 10,
      peakReserved: 8,
      unmetDemand: 3,
      suggestedReorder: 1,
    });
  });
  it('new stock fills a waiting shortage within seconds, with its event', async () => {
    const period = { start: '2031-09-01T09:00:00Z', end: '2031-09-02T09:00:00Z' };
    const short = (await create(shop, [rentalLine(shop.bike, { quantity: 5, ...period })], { allowShortage: true }))
      .body;
    expect(held(short)).toBe(4);
    expect(short.shortages).toEqual([expect.objectContaining({ lineIndex: 0, missing: 1 })]);
    const bike = await must(stack, '/stock-items', {
      tracking: 'serialized',
      skuId: shop.bikes[0].skuId,
      locationId: shop.location,
      codes: ['S-BIK-NEW'],
    });
    const filled = await until(
      () => get(short.id),
      (o) => o.shortages.length === 0,
      15_000,
    );
    expect(filled.shortages).toEqual([]);
    expect(held(filled)).toBe(5);
    expect(filled.lines[0].allocations.map((a: any) => a.stockItemId)).toContain(bike.id);
    const fills = await until(
      async () =>
        (await streamEvents(stack, 'availability')).filter(
          (e) => e.data.type === 'reservation.shortage_filled' && e.data.orderId === short.id,
        ),
      (evs) => evs.length > 0,
      10_000,
    );
    expect(fills.map((e) => e.data.allocations.map((a: any) => a.stockItemId))).toEqual([[bike.id]]);
  });
});
