import { useTestStack } from '../support/stack';
import fc from 'fast-check';
import { END, useShops, orderBody, rentalLine, START, streamEvents, until } from './support';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('orders: creation, refusals and the lifecycle through the gateway', () => {
  const stack = useTestStack(undefined, 180_000);
  const [shop, other] = useShops(stack, 'A', 'B');

  const create = (body: unknown, opts: { key?: string | null; idem?: string } = {}) =>
    stack.http('POST', '/orders', {
      body,
      ...(opts.key !== undefined ? { key: opts.key } : {}),
      ...(opts.idem ? { headers: { 'idempotency-key': opts.idem } } : {}),
    });
  const bikesFree = async (listing = shop.bike) =>
    (await stack.http('GET', `/listings/${listing}/availability?start=${START}&end=${END}`)).body.quantity;
  const allOrders = async () => (await stack.http('GET', '/orders?limit=500')).body.items as any[];

  it('a rental line is priced, reserved and readable; availability reflects it at once', async () => {
    const before = await bikesFree();
    const res = await create(orderBody(shop, [rentalLine(shop.bike)]));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^ord_[0-9A-Z]{26}$/),
      number: expect.any(String),
      status: 'reserved',
      channel: 'admin',
      customer: { name: 'Ann Example', email: 'ann@example.com' },
      total: { amount: 12000, currency: 'EUR' },
      overdue: false,
      shortages: [],
      conflicts: [],
    });
    expect(res.body.lines[0]).toMatchObject({
      start: START.replace('Z', '.000Z'),
      purchase: false,
      price: { amount: 12000 },
    });
    expect(res.body.lines[0].allocations).toHaveLength(1);
    expect(shop.bikes.map((b) => b.id)).toContain(res.body.lines[0].allocations[0].stockItemId);
    expect(await bikesFree()).toBe(before - 1);
    const read = await stack.http('GET', `/orders/${res.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it.each([
    ['customer missing', (b: any) => delete b.customer, 'customer'],
    [
      'a rental line without dates',
      (b: any) => (b.lines = [{ listingId: shop.bike, quantity: 1, purchase: false }]),
      'lines[0].start',
    ],
    [
      'a purchase line with dates',
      (b: any) => (b.lines = [rentalLine(shop.bikeSale, { purchase: true })]),
      'lines[0].start',
    ],
    [
      'end before start',
      (b: any) => (b.lines = [rentalLine(shop.bike, { end: '2031-05-01T00:00:00Z' })]),
      'lines[0].end',
    ],
    ['end equal to start', (b: any) => (b.lines = [rentalLine(shop.bike, { end: START })]), 'lines[0].end'],
    ['quantity 0', (b: any) => (b.lines = [rentalLine(shop.bike, { quantity: 0 })]), 'lines.0.quantity'],
    [
      'an unknown listing',
      (b: any) => (b.lines = [rentalLine('lst_01J00000000000000000000000')]),
      'lines[0].listingId',
    ],
    ['an unknown location', (b: any) => (b.locationId = 'loc_01J00000000000000000000000'), 'locationId'],
    [
      'a variant value the listing lacks',
      (b: any) => (b.lines = [rentalLine(shop.sized, { variant: { Size: 'XL' } })]),
      'lines[0].variant.Size',
    ],
    ['no variant for the axis', (b: any) => (b.lines = [rentalLine(shop.sized)]), 'lines[0].variant.Size'],
    ['an unknown field', (b: any) => (b.coupon = 'FREE'), 'coupon'],
    ['a bad channel', (b: any) => (b.channel = 'phone'), 'channel'],
    ['a zero-minute hold', (b: any) => (b.hold = { minutes: 0 }), 'hold.minutes'],
  ])('400 naming the field, nothing reserved: %s', async (_, mutate, field) => {
    const body: any = orderBody(shop, [rentalLine(shop.bike)]);
    mutate(body);
    const before = (await allOrders()).length;
    const free = await bikesFree();
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(res.body.errors ?? res.body.detail)).toContain(field);
    expect((await allOrders()).length).toBe(before);
    expect(await bikesFree()).toBe(free);
  });

  it("another tenant's listing or order is unknown (400 on create, 404 on read)", async () => {
    const mine = await create(orderBody(shop, [rentalLine(shop.helmet)]));
    expect(mine.status).toBe(201);
    const foreign = await create(orderBody(shop, [rentalLine(shop.bike)]), { key: stack.keys.otherAdmin });
    expect(foreign.status).toBe(400);
    expect((await stack.http('GET', `/orders/${mine.body.id}`, { key: stack.keys.otherAdmin })).status).toBe(404);
    expect((await stack.http('POST', `/orders/${mine.body.id}/cancel`, { key: stack.keys.otherAdmin })).status).toBe(
      404,
    );
  });

  it('409 unavailable names each short line with what is free; nothing is reserved; the refusal is published', async () => {
    const free = await bikesFree(other.bike);
    const res = await create(
      orderBody(other, [rentalLine(other.helmet, { quantity: 2 }), rentalLine(other.bike, { quantity: free + 2 })]),
    );
    expect(res.status).toBe(409);
    expect(res.body.type).toMatch(/\/unavailable$/);
    expect(res.body.lines).toEqual([{ index: 1, available: free }]);
    expect(await bikesFree(other.bike)).toBe(free);
    expect(await bikesFree(other.helmet)).toBe(10);
    const refused = await until(
      () => streamEvents(stack, 'orders'),
      (es) => es.some((e) => e.type === 'orders.order.refused.v1'),
    );
    const event = refused.find((e) => e.type === 'orders.order.refused.v1');
    expect(event.data.lines).toEqual([
      expect.objectContaining({ index: 1, listingId: other.bike, quantity: free + 2, shortfalls: expect.any(Array) }),
    ]);
  });

  it('the same Idempotency-Key and body give one order; another body under it is a 409', async () => {
    const body = orderBody(shop, [rentalLine(shop.helmet, { quantity: 2 })]);
    const free = await bikesFree(shop.helmet);
    const a = await create(body, { idem: 'order-key-1' });
    const b = await create(body, { idem: 'order-key-1' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect(await bikesFree(shop.helmet)).toBe(free - 2);
    const c = await create({ ...body, customer: { name: 'Someone else' } }, { idem: 'order-key-1' });
    expect(c.status).toBe(409);
  });

  it('storefront: online store only, no shortages, sees only online-store orders, may cancel', async () => {
    const sf = stack.keys.storefront;
    expect((await create(orderBody(shop, [rentalLine(shop.helmet)]), { key: sf })).status).toBe(403);
    const shortage = await create(
      orderBody(shop, [rentalLine(shop.helmet)], { channel: 'online_store', allowShortage: true }),
      { key: sf },
    );
    expect(shortage.status).toBe(403);
    const notOnline = await create(orderBody(shop, [rentalLine(shop.inStore)], { channel: 'online_store' }), {
      key: sf,
    });
    expect(notOnline.status).toBe(400);
    const ok = await create(orderBody(shop, [rentalLine(shop.helmet)], { channel: 'online_store' }), { key: sf });
    expect(ok.status).toBe(201);
    const adminOrder = await create(orderBody(shop, [rentalLine(shop.helmet)]));
    expect((await stack.http('GET', `/orders/${adminOrder.body.id}`, { key: sf })).status).toBe(404);
    const listed = (await stack.http('GET', '/orders?limit=500', { key: sf })).body.items as any[];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((o) => o.channel === 'online_store')).toBe(true);
    expect((await stack.http('POST', `/orders/${ok.body.id}/confirm`, { key: sf })).status).toBe(403);
    const cancelled = await stack.http('POST', `/orders/${ok.body.id}/cancel`, { key: sf });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
  });

  it('lifecycle: confirm, cancel frees the units; every forbidden call is a 409 and changes nothing', async () => {
    const free = await bikesFree(other.bike);
    const order = (await create(orderBody(other, [rentalLine(other.bike)]))).body;
    expect((await stack.http('POST', `/orders/${order.id}/complete`)).status).toBe(409);
    const confirmed = await stack.http('POST', `/orders/${order.id}/confirm`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('confirmed');
    expect((await stack.http('POST', `/orders/${order.id}/confirm`)).status).toBe(409);
    const cancelled = await stack.http('POST', `/orders/${order.id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await bikesFree(other.bike)).toBe(free);
    const bodies: Record<string, unknown> = {
      extend: { end: '2031-07-01T00:00:00Z' },
      'hand-out': { items: [{ code: 'B-BIK-0' }] },
      return: { items: [{ code: 'B-BIK-0' }] },
    };
    for (const call of ['confirm', 'cancel', 'complete', 'extend', 'hand-out', 'return']) {
      const res = await stack.http('POST', `/orders/${order.id}/${call}`, bodies[call] ? { body: bodies[call] } : {});
      expect([call, res.status]).toEqual([call, 409]);
    }
    const after = await stack.http('GET', `/orders/${order.id}`);
    expect(after.body).toEqual(cancelled.body);
  });

  it('allowShortage (admin): accepted with what is free, the order lists the shortage and nothing is over-booked', async () => {
    const free = await bikesFree(other.bike);
    const res = await create(
      orderBody(other, [rentalLine(other.bike, { quantity: free + 1 })], { allowShortage: true }),
    );
    expect(res.status).toBe(201);
    expect(res.body.lines[0].allocations).toHaveLength(free);
    expect(res.body.shortages).toEqual([{ lineIndex: 0, ruleId: expect.any(String), missing: 1 }]);
    expect(await bikesFree(other.bike)).toBe(0);
    const listed = (await stack.http('GET', '/orders?shortage=true')).body.items as any[];
    expect(listed.map((o) => o.id)).toContain(res.body.id);
    await stack.http('POST', `/orders/${res.body.id}/cancel`);
  });

  it('GET /orders filters by status and period and pages with a cursor', async () => {
    const cancelled = (await stack.http('GET', '/orders?status=cancelled')).body.items as any[];
    expect(cancelled.length).toBeGreaterThan(0);
    expect(cancelled.every((o) => o.status === 'cancelled')).toBe(true);
    const none = (await stack.http('GET', '/orders?from=2032-01-01T00:00:00Z&to=2032-02-01T00:00:00Z')).body.items;
    expect(none).toEqual([]);
    const all = await allOrders();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await stack.http('GET', `/orders?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((o: any) => o.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((o) => o.id));
    expect((await stack.http('GET', '/orders?status=lost')).status).toBe(400);
  });

  it('a hold not confirmed in time expires by itself and frees its units', async () => {
    const free = await bikesFree(other.helmet);
    const res = await create(orderBody(other, [rentalLine(other.helmet)], { hold: { minutes: 1 } }));
    expect(res.status).toBe(201);
    const expiresAt = Date.parse(res.body.holdExpiresAt);
    expect(expiresAt - Date.now()).toBeGreaterThan(50_000);
    expect(await bikesFree(other.helmet)).toBe(free - 1);
    const after = await until(
      () => stack.http('GET', `/orders/${res.body.id}`),
      (r) => r.body.status === 'expired',
      120_000,
    );
    expect(after.body.status).toBe('expired');
    expect(after.body.holdExpiresAt).toBeUndefined();
    expect(await bikesFree(other.helmet)).toBe(free);
    const events = await until(
      () => streamEvents(stack, 'orders'),
      (es) => es.some((e) => e.type === 'orders.order.expired.v1' && e.aggregateId === res.body.id),
    );
    expect(events.some((e) => e.type === 'orders.order.expired.v1' && e.aggregateId === res.body.id)).toBe(true);
  }, 150_000);
  it('a thousand fuzzed order bodies: never a 5xx, problem+json on every 4xx, no unit held twice', async () => {
    const paths = [
      'customer',
      'customer.name',
      'customer.email',
      'channel',
      'locationId',
      'lines',
      'lines.0',
      'lines.0.listingId',
      'lines.0.quantity',
      'lines.0.start',
      'lines.0.end',
      'lines.0.variant',
      'lines.0.purchase',
      'lines.0.priceTableId',
      'lines.1',
      'hold',
      'hold.minutes',
      'allowShortage',
      'extra',
      'lines.0.extra',
    ];
    const mutation = fc.record({
      path: fc.constantFrom(...paths),
      value: fc.oneof(
        fc.anything(),
        fc.constant(undefined),
        fc.constant(null),
        fc.string(),
        fc.integer(),
        fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
      ),
    });
    const seed = Number(process.env['FUZZ_SEED'] ?? Date.now() % 2 ** 31);
    process.stdout.write(`orders fuzz seed ${seed}\n`);
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const body: any = orderBody(other, [rentalLine(other.helmet)]);
        for (const { path, value } of mutations) {
          const keys = path.split('.');
          let target = body;
          for (const k of keys.slice(0, -1)) target = target?.[k];
          if (target && typeof target === 'object') target[keys[keys.length - 1]] = value;
        }
        const res = await create(body);
        sent++;
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect(res.headers.get('content-type')).toContain('application/problem+json');
        if (res.status === 201) await stack.http('POST', `/orders/${res.body.id}/cancel`);
      }),
      { seed, numRuns: 1000, endOnFailure: true },
    );
    expect(sent).toBe(1000);
    for (const unit of [...other.bikes.map((b) => b.id)]) {
      const items = (await stack.http('GET', `/stock-items/${unit}/reservations`)).body.items as any[];
      const spans = items.map((r) => [Date.parse(r.start), Date.parse(r.end)]).sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
    }
  }, 300_000);
});
