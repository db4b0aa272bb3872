import { useTestStack } from '../support/stack';
import { codesOf, END, must, useShops, orderBody, orderEvents, rentalLine, START } from './support';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Roles per API.md (storefront: online-store orders only, create and cancel; staff: the whole
 * order API; another tenant: 404) and the bad input of issue 13 that the other files leave out:
 * another tenant's location or scanned code, scans that cannot be honoured — each a 4xx
 * problem+json that changes nothing (the order, its events, the units' state, availability).
 */
describe('orders: roles and bad input through the gateway, nothing changed by a refusal', () => {
  const stack = useTestStack(undefined, 180_000);
  const [shop] = useShops(stack, 'Q');

  const get = async (id: string) => (await stack.http('GET', `/orders/${id}`)).body;
  const item = async (id: string) => (await stack.http('GET', `/stock-items/${id}`)).body;
  const free = async (listing: string) =>
    (await stack.http('GET', `/listings/${listing}/availability?start=${START}&end=${END}`)).body.quantity;
  const bodies: Record<string, unknown> = {
    extend: { end: '2031-06-10T09:00:00Z' },
    'hand-out': { items: [{ code: 'Q-HLM-POOL' }] },
    return: { items: [{ code: 'Q-HLM-POOL' }] },
  };
  const call = (id: string, action: string, key?: string) =>
    stack.http('POST', `/orders/${id}/${action}`, {
      ...(bodies[action] ? { body: bodies[action] } : {}),
      ...(key ? { key } : {}),
    });

  /** The order, its events and the pools' availability, to compare before and after a refusal. */
  const snapshot = async (id: string) => ({
    order: await get(id),
    events: (await orderEvents(stack, id)).length,
    helmets: await free(shop.helmet),
    bikes: await free(shop.bike),
    pool: (await item(shop.helmets.id)).state,
  });

  it('storefront: creates and cancels online-store orders only; every other call is 403 or 404 and changes nothing', async () => {
    const sf = stack.keys.storefront;
    const draft = await must(stack, '/listings', {
      name: 'Q draft',
      status: 'draft',
      channels: { onlineStore: true, admin: true, checkIn: true },
      locationIds: [shop.location],
      priceTables: [{ name: 'Daily', currency: 'EUR', rates: [{ unit: 'day', amount: 100 }] }],
      fulfillmentRules: [{ quantity: 1, match: { skuCodes: ['Q-HLM'] } }],
    });
    const online = { channel: 'online_store' };
    const onDraft = await stack.http('POST', '/orders', {
      body: orderBody(shop, [rentalLine(draft.id)], online),
      key: sf,
    });
    expect(onDraft.status).toBe(400);
    expect(JSON.stringify(onDraft.body.errors)).toContain('lines[0].listingId');
    const mine = await must(stack, '/orders', orderBody(shop, [rentalLine(shop.helmet)], online), sf);
    expect(mine).toMatchObject({ channel: 'online_store', status: 'reserved' });
    const theirs = await must(stack, '/orders', orderBody(shop, [rentalLine(shop.helmet)]));
    expect((await stack.http('GET', `/orders/${mine.id}`, { key: sf })).body).toEqual(mine);

    const before = await snapshot(mine.id);
    for (const action of ['confirm', 'extend', 'hand-out', 'return', 'complete']) {
      const res = await call(mine.id, action, sf);
      expect([action, res.status]).toEqual([action, 403]);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    for (const action of ['cancel']) expect((await call(theirs.id, action, sf)).status).toBe(404);
    expect((await stack.http('GET', `/orders/${theirs.id}`, { key: sf })).status).toBe(404);
    expect(await snapshot(mine.id)).toEqual(before);
    expect((await get(theirs.id)).status).toBe('reserved');

    const listed = (await stack.http('GET', '/orders?channel=admin&limit=500', { key: sf })).body.items as any[];
    expect(listed.map((o) => o.id)).toEqual([mine.id]);
    const cancelled = await must(stack, `/orders/${mine.id}/cancel`, undefined, sf);
    expect(cancelled.status).toBe('cancelled');
    await must(stack, `/orders/${theirs.id}/cancel`);
  });

  it('staff: the whole order API, from create to complete, and every order in the list', async () => {
    const staff = stack.keys.staff;
    const o = await must(stack, '/orders', orderBody(shop, [rentalLine(shop.bike)], { channel: 'check_in' }), staff);
    const code = codesOf(shop, o.lines[0].allocations[0].stockItemId)[0];
    expect((await must(stack, `/orders/${o.id}/confirm`, undefined, staff)).status).toBe('confirmed');
    expect((await must(stack, `/orders/${o.id}/extend`, { end: '2031-06-05T09:00:00Z' }, staff)).status).toBe(
      'confirmed',
    );
    expect((await must(stack, `/orders/${o.id}/hand-out`, { items: [{ code }] }, staff)).status).toBe('active');
    expect((await must(stack, `/orders/${o.id}/return`, { items: [{ code }] }, staff)).status).toBe('active');
    expect((await must(stack, `/orders/${o.id}/complete`, undefined, staff)).status).toBe('completed');
    const listed = (await stack.http('GET', '/orders?limit=500', { key: staff })).body.items as any[];
    expect(new Set(listed.map((x) => x.channel))).toEqual(new Set(['online_store', 'admin', 'check_in']));
    expect(
      (await stack.http('GET', '/orders?channel=check_in', { key: staff })).body.items.map((x: any) => x.id),
    ).toEqual([o.id]);
  });

  it('no key is 401; another tenant sees none of our orders and cannot touch them (404)', async () => {
    expect(
      (await stack.http('POST', '/orders', { body: orderBody(shop, [rentalLine(shop.helmet)]), key: null })).status,
    ).toBe(401);
    expect((await stack.http('GET', '/orders', { key: null })).status).toBe(401);
    const o = await must(stack, '/orders', orderBody(shop, [rentalLine(shop.helmet)]));
    const before = await snapshot(o.id);
    const other = stack.keys.otherAdmin;
    expect((await stack.http('GET', `/orders/${o.id}`, { key: other })).status).toBe(404);
    for (const action of ['confirm', 'cancel', 'extend', 'hand-out', 'return', 'complete']) {
      const res = await call(o.id, action, other);
      expect([action, res.status]).toEqual([action, 404]);
    }
    expect((await stack.http('GET', '/orders?limit=500', { key: other })).body.items).toEqual([]);
    expect(await snapshot(o.id)).toEqual(before);
    await must(stack, `/orders/${o.id}/cancel`);
  });

  it("another tenant's location is unknown (400 locationId) and nothing is reserved", async () => {
    const theirs = await stack.http('POST', '/locations', { body: { name: 'Their shop' }, key: stack.keys.otherAdmin });
    expect(theirs.status).toBe(201);
    const helmets = await free(shop.helmet);
    const total = (await stack.http('GET', '/orders?limit=500')).body.items.length;
    const res = await stack.http('POST', '/orders', {
      body: orderBody(shop, [rentalLine(shop.helmet)], { locationId: theirs.body.id }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: any) => e.field)).toContain('locationId');
    expect(await free(shop.helmet)).toBe(helmets);
    expect((await stack.http('GET', '/orders?limit=500')).body.items).toHaveLength(total);
  });

  it('scans that cannot be honoured are refused whole and change nothing', async () => {
    const foreign = await stack.http('POST', '/skus', {
      body: { code: 'THEIR-BIK', name: 'Bike' },
      key: stack.keys.otherAdmin,
    });
    const theirLocation = await stack.http('POST', '/locations', {
      body: { name: 'Their depot' },
      key: stack.keys.otherAdmin,
    });
    const theirBike = await stack.http('POST', '/stock-items', {
      body: {
        tracking: 'serialized',
        skuId: foreign.body.id,
        locationId: theirLocation.body.id,
        codes: ['THEIR-BIK-0'],
      },
      key: stack.keys.otherAdmin,
    });
    expect(theirBike.status).toBe(201);

    const o = await must(
      stack,
      '/orders',
      orderBody(shop, [rentalLine(shop.bike), rentalLine(shop.helmet, { quantity: 2 })]),
    );
    const bike = o.lines[0].allocations[0].stockItemId;
    const code = codesOf(shop, bike)[0];
    const before = await snapshot(o.id);
    const bikeBefore = await item(bike);
    const cases: [string, unknown, number, string][] = [
      ["a code of another tenant's item", { items: [{ code: 'THEIR-BIK-0' }] }, 400, 'items[0].code'],
      ['a code of no item, after a good scan', { items: [{ code }, { code: 'Q-NOTHING' }] }, 400, 'items[1].code'],
      [
        'more pooled units than the line holds',
        { items: [{ code: 'Q-HLM-POOL', quantity: 3 }] },
        409,
        'items[0].quantity',
      ],
      ['a serialized unit twice', { items: [{ code }, { code: codesOf(shop, bike)[1] }] }, 409, 'items[1]'],
      ['a serialized unit with quantity 2', { items: [{ code, quantity: 2 }] }, 400, 'items[0].quantity'],
      ['a unit of no line of the order', { items: [{ code: 'Q-M-0' }] }, 409, 'items[0]'],
    ];
    for (const [name, body, status, field] of cases) {
      const res = await stack.http('POST', `/orders/${o.id}/hand-out`, { body });
      expect([name, res.status]).toEqual([name, status]);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(JSON.stringify([res.body.detail, res.body.errors])).toContain(field);
    }
    expect(await snapshot(o.id)).toEqual(before);
    expect(await item(bike)).toEqual(bikeBefore);

    await must(stack, `/orders/${o.id}/hand-out`, { items: [{ code }, { code: 'Q-HLM-POOL', quantity: 2 }] });
    const out = await snapshot(o.id);
    const returns: [string, unknown, number][] = [
      ['more pooled units than are out', { items: [{ code: 'Q-HLM-POOL', quantity: 3 }] }, 409],
      ["another tenant's code", { items: [{ code: 'THEIR-BIK-0' }] }, 400],
      ['a unit of the shop that is not out', { items: [{ code: 'Q-BIK-3' === code ? 'Q-BIK-2' : 'Q-BIK-3' }] }, 409],
    ];
    for (const [name, body, status] of returns) {
      const res = await stack.http('POST', `/orders/${o.id}/return`, { body });
      expect([name, res.status]).toEqual([name, status]);
    }
    const extendBack = await stack.http('POST', `/orders/${o.id}/extend`, { body: { end: START } });
    expect(extendBack.status).toBe(400);
    expect((await stack.http('POST', `/orders/${o.id}/extend`, { body: { end: 'tomorrow' } })).status).toBe(400);
    expect(await snapshot(o.id)).toEqual(out);
    expect((await item(shop.helmets.id)).state).toEqual({ in: 8, out: 2 });
    await must(stack, `/orders/${o.id}/return`, { items: [{ code }, { code: 'Q-HLM-POOL' }] });
    await must(stack, `/orders/${o.id}/complete`);
  });
});
