import { useTestStack } from '../support/stack';
import { AckPolicy, connect, DeliverPolicy, JSONCodec } from 'nats';
import {
  codesOf,
  must,
  openShop,
  orderBody,
  orderEvents,
  rentalLine,
  Shop,
  START,
  streamMessages,
  until,
} from './support';

/* eslint-disable @typescript-eslint/no-explicit-any */

const ACTIONS = ['confirm', 'cancel', 'extend', 'hand-out', 'return', 'complete'] as const;

/**
 * Every edge of the order lifecycle through the gateway (API.md "Transitions"), each with its
 * fact on JetStream and the payload an integrator reads; every forbidden call is a 409 that
 * changes nothing and publishes nothing. The one-minute holds (the shortest there is) are placed
 * first and checked last, so its wait overlaps the other tests.
 */
describe('orders: every lifecycle edge, each with its event and payload on JetStream', () => {
  const stack = useTestStack(undefined, 180_000);
  let shop: Shop;
  let hold: any;
  let waiting: any;
  let kept: any;

  beforeAll(async () => {
    shop = await openShop(stack, 'E');
    const m = { variant: { Size: 'M' } };
    hold = await must(stack, '/orders', orderBody(shop, [rentalLine(shop.sized, m)], { hold: { minutes: 1 } }));
    // Waiting for the held unit: filled when the hold lapses.
    waiting = await must(stack, '/orders', orderBody(shop, [rentalLine(shop.sized, m)], { allowShortage: true }));
    // A hold confirmed in time does not lapse.
    kept = await must(stack, '/orders', orderBody(shop, [rentalLine(shop.bike)], { hold: { minutes: 1 } }));
    kept = await must(stack, `/orders/${kept.id}/confirm`);
  }, 180_000);

  const get = async (id: string) => (await stack.http('GET', `/orders/${id}`)).body;
  const order = (lines: unknown[], extra: Record<string, unknown> = {}) =>
    must(stack, '/orders', orderBody(shop, lines, extra));
  const helmetsFree = async () =>
    (await stack.http('GET', `/listings/${shop.helmet}/availability?start=${START}&end=2031-06-04T09:00:00Z`)).body
      .quantity;

  /** The envelope of the order's last event, checked against the answer of the call that made it. */
  async function lastEvent(answer: any, type: string) {
    const messages = await streamMessages(stack, 'orders');
    const mine = messages.filter((m) => m.event.aggregateId === answer.id);
    const last = mine[mine.length - 1];
    expect(last.subject).toBe(`${stack.namespace}.evt.${type}`);
    expect(last.event).toMatchObject({
      id: expect.stringMatching(/^evt_/),
      type,
      tenantId: 'acme',
      aggregateId: answer.id,
      aggregateVersion: answer.version,
      occurredAt: expect.any(String),
    });
    expect(last.msgId).toBe(last.event.id);
    expect(last.event.data.order).toEqual(answer);
    return last.event;
  }

  /** Every action the order's status forbids: 409 invalid-state-transition, the order and its events unchanged. */
  async function refusedAll(id: string, actions: readonly string[]) {
    const before = await get(id);
    const events = (await orderEvents(stack, id)).length;
    const bodies: Record<string, unknown> = {
      extend: { end: '2031-07-01T09:00:00Z' },
      'hand-out': { items: [{ code: 'E-HLM-POOL', quantity: 1 }] },
      return: { items: [{ code: 'E-HLM-POOL', quantity: 1 }] },
    };
    for (const action of actions) {
      const res = await stack.http('POST', `/orders/${id}/${action}`, bodies[action] ? { body: bodies[action] } : {});
      expect([action, res.status, res.body.type, res.body.orderStatus]).toEqual([
        action,
        409,
        expect.stringMatching(/invalid-state-transition$/),
        before.status,
      ]);
    }
    expect(await get(id)).toEqual(before);
    expect(await orderEvents(stack, id)).toHaveLength(events);
  }

  it('reserved → confirmed → active → completed, extend in each, partial hand-outs and returns: one event per call', async () => {
    const created = await order([rentalLine(shop.bike), rentalLine(shop.helmet, { quantity: 2 })]);
    expect(created.status).toBe('reserved');
    await lastEvent(created, 'orders.order.created.v1');
    await refusedAll(created.id, ['return', 'complete']);

    const ext1 = await must(stack, `/orders/${created.id}/extend`, { end: '2031-06-05T09:00:00Z' });
    expect(ext1.status).toBe('reserved');
    expect(ext1.lines.map((l: any) => l.end)).toEqual(['2031-06-05T09:00:00.000Z', '2031-06-05T09:00:00.000Z']);
    await lastEvent(ext1, 'orders.order.extended.v1');

    const confirmed = await must(stack, `/orders/${created.id}/confirm`);
    expect(confirmed.status).toBe('confirmed');
    await lastEvent(confirmed, 'orders.order.confirmed.v1');
    await refusedAll(created.id, ['confirm', 'return', 'complete']);
    const ext2 = await must(stack, `/orders/${created.id}/extend`, { end: '2031-06-06T09:00:00Z' });
    expect(ext2.status).toBe('confirmed');
    await lastEvent(ext2, 'orders.order.extended.v1');

    const bike = created.lines[0].allocations[0].stockItemId;
    const out1 = await must(stack, `/orders/${created.id}/hand-out`, { items: [{ code: codesOf(shop, bike)[0] }] });
    expect(out1.status).toBe('active');
    expect((await lastEvent(out1, 'orders.order.handed-out.v1')).data.units).toEqual([
      { stockItemId: bike, quantity: 1 },
    ]);
    await refusedAll(created.id, ['confirm', 'cancel', 'complete']); // complete: units are out
    const out2 = await must(stack, `/orders/${created.id}/hand-out`, { items: [{ code: 'E-HLM-POOL', quantity: 2 }] });
    expect(out2.status).toBe('active');
    expect((await lastEvent(out2, 'orders.order.handed-out.v1')).data.units).toEqual([
      { stockItemId: shop.helmets.id, quantity: 2 },
    ]);
    const ext3 = await must(stack, `/orders/${created.id}/extend`, { end: '2031-06-07T09:00:00Z' });
    expect(ext3.status).toBe('active');
    await lastEvent(ext3, 'orders.order.extended.v1');

    const back1 = await must(stack, `/orders/${created.id}/return`, {
      items: [{ code: codesOf(shop, bike)[1], condition: 'muddy' }],
    });
    expect(back1.status).toBe('active');
    expect((await lastEvent(back1, 'orders.order.returned.v1')).data.units).toEqual([
      { stockItemId: bike, quantity: 1, condition: 'muddy' },
    ]);
    await refusedAll(created.id, ['confirm', 'cancel', 'complete']); // the helmets are still out
    const back2 = await must(stack, `/orders/${created.id}/return`, { items: [{ code: 'E-HLM-POOL', quantity: 2 }] });
    expect((await lastEvent(back2, 'orders.order.returned.v1')).data.units).toEqual([
      { stockItemId: shop.helmets.id, quantity: 2 },
    ]);
    const done = await must(stack, `/orders/${created.id}/complete`);
    expect(done.status).toBe('completed');
    await lastEvent(done, 'orders.order.completed.v1');
    await refusedAll(created.id, ACTIONS);

    const events = await orderEvents(stack, created.id);
    expect(events.map((e) => e.type.replace(/^orders\.order\.|\.v1$/g, ''))).toEqual([
      'created',
      'extended',
      'confirmed',
      'extended',
      'handed-out',
      'handed-out',
      'extended',
      'returned',
      'returned',
      'completed',
    ]);
    const versions = events.map((e) => e.aggregateVersion);
    expect(versions).toEqual(versions.map((_, i) => versions[0] + i));
    expect(events.every((e) => e.data.order.version === e.aggregateVersion)).toBe(true);
  });

  it('hand-out straight from reserved; cancel from reserved and from confirmed frees the units', async () => {
    const direct = await order([rentalLine(shop.helmet)]);
    const out = await must(stack, `/orders/${direct.id}/hand-out`, { items: [{ code: 'E-HLM-POOL' }] });
    expect(out.status).toBe('active');
    await must(stack, `/orders/${direct.id}/return`, { items: [{ code: 'E-HLM-POOL' }] });
    expect((await must(stack, `/orders/${direct.id}/complete`)).status).toBe('completed');

    const freeBefore = await helmetsFree();
    const a = await order([rentalLine(shop.helmet, { quantity: 2 })]);
    const b = await order([rentalLine(shop.helmet, { quantity: 2 })]);
    await must(stack, `/orders/${b.id}/confirm`);
    expect(await helmetsFree()).toBe(freeBefore - 4);
    const ca = await must(stack, `/orders/${a.id}/cancel`);
    const cb = await must(stack, `/orders/${b.id}/cancel`);
    expect([ca.status, cb.status]).toEqual(['cancelled', 'cancelled']);
    await lastEvent(ca, 'orders.order.cancelled.v1');
    await lastEvent(cb, 'orders.order.cancelled.v1');
    expect(await helmetsFree()).toBe(freeBefore);
    await refusedAll(a.id, ACTIONS);
    expect((await orderEvents(stack, b.id)).map((e) => e.type)).toEqual([
      'orders.order.created.v1',
      'orders.order.confirmed.v1',
      'orders.order.cancelled.v1',
    ]);
  });

  it('a refusal is published with the shortfall per stock item, under an order id no one can read', async () => {
    const res = await stack.http('POST', '/orders', {
      body: orderBody(shop, [
        rentalLine(shop.bike, { quantity: 5, start: '2032-01-10T09:00:00Z', end: '2032-01-11T09:00:00Z' }),
      ]),
    });
    expect(res.status).toBe(409);
    expect(res.body.lines).toEqual([{ index: 0, available: 4 }]);
    const messages = await until(
      () => streamMessages(stack, 'orders'),
      (ms) => ms.some((m) => m.event.type === 'orders.order.refused.v1'),
    );
    const refused = messages.filter((m) => m.event.type === 'orders.order.refused.v1');
    expect(refused).toHaveLength(1);
    const { event, subject, msgId } = refused[0];
    expect(subject).toBe(`${stack.namespace}.evt.orders.order.refused.v1`);
    expect(msgId).toBe(event.id);
    expect(event.aggregateId).toBe(event.data.orderId);
    expect(event.data).toEqual({
      orderId: expect.stringMatching(/^ord_/),
      at: expect.any(String),
      lines: [
        {
          index: 0,
          listingId: shop.bike,
          start: '2032-01-10T09:00:00.000Z',
          end: '2032-01-11T09:00:00.000Z',
          quantity: 5,
          shortfalls: expect.any(Array),
        },
      ],
    });
    const shortfalls = event.data.lines[0].shortfalls;
    expect(shortfalls.map((s: any) => s.stockItemId).sort()).toEqual(shop.bikes.map((b) => b.id).sort());
    expect(shortfalls.every((s: any) => s.requested === 5 && s.free === 1)).toBe(true);
    expect((await stack.http('GET', `/orders/${event.data.orderId}`)).status).toBe(404);
  });

  it('prices with the cheapest cover and finds orders by period overlap (half-open)', async () => {
    const six = await order([rentalLine(shop.bike, { start: '2032-03-01T09:00:00Z', end: '2032-03-07T09:00:00Z' })]);
    const eight = await order([rentalLine(shop.bike, { start: '2032-03-10T09:00:00Z', end: '2032-03-18T09:00:00Z' })]);
    expect(six.total).toEqual({ amount: 18000, currency: 'EUR' }); // a week, not 6 × 4000
    expect(eight.total).toEqual({ amount: 22000, currency: 'EUR' }); // a week and a day
    const ids = async (from: string, to: string) =>
      ((await stack.http('GET', `/orders?from=${from}&to=${to}`)).body.items as any[]).map((o) => o.id);
    expect(await ids('2032-03-05T00:00:00Z', '2032-03-06T00:00:00Z')).toEqual([six.id]);
    expect(await ids('2032-03-07T09:00:00Z', '2032-03-10T09:00:00Z')).toEqual([]);
    expect((await ids('2032-03-01T00:00:00Z', '2032-04-01T00:00:00Z')).sort()).toEqual([six.id, eight.id].sort());
    await must(stack, `/orders/${six.id}/cancel`);
    await must(stack, `/orders/${eight.id}/cancel`);
  });

  it("complete splits a line's price over its units, remainders placed deterministically, parts adding up", async () => {
    const bundle = await must(stack, '/listings', {
      name: 'E bike and two helmets',
      status: 'published',
      channels: { onlineStore: true, admin: true, checkIn: true },
      locationIds: [shop.location],
      priceTables: [{ name: 'Daily', currency: 'EUR', rates: [{ unit: 'day', amount: 1000 }] }],
      fulfillmentRules: [
        { quantity: 1, match: { skuCodes: ['E-BIK'] } },
        { quantity: 2, match: { skuCodes: ['E-HLM'] } },
      ],
    });
    const period = { start: '2032-05-01T09:00:00Z', end: '2032-05-02T09:00:00Z' };
    await until(
      () => stack.http('GET', `/listings/${bundle.id}/availability?start=${period.start}&end=${period.end}`),
      (r) => r.status === 200 && r.body.quantity >= 1,
    );
    const o = await order([rentalLine(bundle.id, period)]);
    expect(o.total).toEqual({ amount: 1000, currency: 'EUR' });
    const bike = o.lines[0].allocations.find((a: any) => a.stockItemId !== shop.helmets.id).stockItemId;
    await must(stack, `/orders/${o.id}/hand-out`, {
      items: [{ code: codesOf(shop, bike)[0] }, { code: 'E-HLM-POOL' }],
    });
    await must(stack, `/orders/${o.id}/return`, { items: [{ code: codesOf(shop, bike)[0] }, { code: 'E-HLM-POOL' }] });
    await must(stack, `/orders/${o.id}/complete`);
    // 1000 over 3 units: 333 each, the one left over to the first stock item id in sort order.
    const [first] = [bike, shop.helmets.id].sort();
    const expected = { [bike]: 333 + (first === bike ? 1 : 0), [shop.helmets.id]: 666 + (first === bike ? 0 : 1) };
    const income = async (id: string) =>
      ((await stack.http('GET', `/stock-items/${id}/ledger`)).body.items as any[])
        .filter((e) => e.type === 'income' && e.orderId === o.id)
        .map((e) => e.amount);
    expect(await income(bike)).toEqual([{ amount: expected[bike], currency: 'EUR' }]);
    expect(await income(shop.helmets.id)).toEqual([{ amount: expected[shop.helmets.id], currency: 'EUR' }]);
    expect(expected[bike] + expected[shop.helmets.id]).toBe(1000);
  });

  it('an integrator attaching a durable consumer replays every order event from the start, once each', async () => {
    const stored = await streamMessages(stack, 'orders');
    const nc = await connect({ servers: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' });
    try {
      const stream = `${stack.namespace}_orders_events`;
      await (
        await nc.jetstreamManager()
      ).consumers.add(stream, {
        durable_name: 'integrator',
        deliver_policy: DeliverPolicy.All,
        ack_policy: AckPolicy.Explicit,
      });
      const consumer = await nc.jetstream().consumers.get(stream, 'integrator');
      const got: { id: string; msgId: string | undefined }[] = [];
      const codec = JSONCodec<any>();
      const batch = await consumer.fetch({ max_messages: stored.length, expires: 5000 });
      for await (const m of batch) {
        got.push({ id: codec.decode(m.data).id, msgId: m.headers?.get('Nats-Msg-Id') });
        m.ack();
        if (got.length === stored.length) break;
      }
      expect(got.map((g) => g.id)).toEqual(stored.map((s) => s.event.id));
      expect(got.every((g) => g.msgId === g.id)).toBe(true);
      expect(new Set(got.map((g) => g.id)).size).toBe(got.length);
    } finally {
      await nc.close();
    }
  });

  it('the hold placed first expired by itself: status expired, its event, its unit to the waiting shortage, every call refused', async () => {
    expect(Date.parse(hold.holdExpiresAt) - Date.parse(hold.createdAt)).toBe(60_000);
    expect(waiting.lines[0].allocations).toEqual([]);
    expect(waiting.shortages).toEqual([{ lineIndex: 0, ruleId: expect.stringMatching(/^rul_/), missing: 1 }]);
    expect(kept).toMatchObject({ status: 'confirmed' });
    expect(kept.holdExpiresAt).toBeUndefined();
    const expired = await until(
      () => get(hold.id),
      (o) => o.status === 'expired',
      90_000,
    );
    expect(expired.status).toBe('expired');
    expect(expired.holdExpiresAt).toBeUndefined();
    const events = await until(
      () => orderEvents(stack, hold.id),
      (es) => es.length === 2,
    );
    expect(events.map((e) => e.type)).toEqual(['orders.order.created.v1', 'orders.order.expired.v1']);
    expect(events[1].data.order).toEqual(expired);
    expect(events[1].aggregateVersion).toBe(expired.version);
    const listed = ((await stack.http('GET', '/orders?status=expired')).body.items as any[]).map((o) => o.id);
    expect(listed).toEqual([hold.id]);
    await refusedAll(hold.id, ACTIONS);

    const filled = await until(
      () => get(waiting.id),
      (o) => o.shortages.length === 0,
      15_000,
    );
    expect(filled.shortages).toEqual([]);
    expect(filled.lines[0].allocations.map((a: any) => a.stockItemId)).toEqual(
      hold.lines[0].allocations.map((a: any) => a.stockItemId),
    );
    // The order document is saved before its outbox is published: wait for the event itself.
    const waitingEvents = await until(
      () => orderEvents(stack, waiting.id),
      (es) => es.some((e) => e.type === 'orders.order.reservations-changed.v1'),
    );
    const changed = waitingEvents.map((e) => e.type);
    expect(changed).toEqual(['orders.order.created.v1', 'orders.order.reservations-changed.v1']);
    expect(await get(kept.id)).toEqual(kept);
  }, 120_000);
});
