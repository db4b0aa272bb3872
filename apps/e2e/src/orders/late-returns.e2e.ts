import { useTestStack } from '../support/stack';
import {
  codesOf,
  END,
  iso,
  must,
  openShop,
  orderBody,
  orderEvents,
  rentalLine,
  Shop,
  START,
  streamEvents,
  until,
} from './support';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Late returns and extend through the order API: a unit still out after its line's end stays
 * blocked; a later booking of that unit moves to another free matching unit or is marked in
 * `conflicts`; extend moves a later booking or is refused. Time is driven by past periods (a
 * walk-in recorded after the fact may start, and end, in the past), so a unit handed out on such
 * an order is out past its end at once and availability's timer (1 s) marks it overdue.
 */
describe('orders: late returns, overdue, conflicts and extend moving later bookings', () => {
  const stack = useTestStack(undefined, 180_000);
  let late: Shop;
  let ext: Shop;
  const now = Date.now();
  const HOUR = 3_600_000;
  const past = { start: iso(now - 5 * HOUR), end: iso(now - HOUR) };
  const later = { start: iso(now + 2 * HOUR), end: iso(now + 26 * HOUR) };

  beforeAll(async () => {
    late = await openShop(stack, 'L');
    ext = await openShop(stack, 'X');
  }, 180_000);

  const order = (shop: Shop, lines: unknown[], extra: Record<string, unknown> = {}) =>
    must(stack, '/orders', orderBody(shop, lines, extra));
  const get = async (id: string) => (await stack.http('GET', `/orders/${id}`)).body;
  const listed = async (query: string) =>
    ((await stack.http('GET', `/orders?${query}&limit=500`)).body.items as any[]).map((o) => o.id);
  const free = async (listing: string, period: { start: string; end: string }, query = '') =>
    (await stack.http('GET', `/listings/${listing}/availability?start=${period.start}&end=${period.end}${query}`)).body
      .quantity;
  const units = (o: any, line = 0) => o.lines[line].allocations.map((a: any) => a.stockItemId).sort();

  it('a unit out past its end makes the order overdue; a later booking of it moves to another free unit', async () => {
    const booked = await order(late, [rentalLine(late.bike, later)]);
    const unit = booked.lines[0].allocations[0].stockItemId;
    const walkIn = await order(late, [rentalLine(late.bike, past)]);
    expect(walkIn.overdue).toBe(false);
    // Scanning the later booking's unit puts the walk-in on it (a free matching unit for its period).
    const out = await must(stack, `/orders/${walkIn.id}/hand-out`, { items: [{ code: codesOf(late, unit)[1] }] });
    expect(out.status).toBe('active');
    expect(units(out)).toEqual([unit]);
    expect(out.overdue).toBe(true);

    const moved = await until(
      () => get(booked.id),
      (o) => o.lines[0].allocations[0]?.stockItemId !== unit,
      15_000,
    );
    const to = moved.lines[0].allocations[0].stockItemId;
    expect(to).not.toBe(unit);
    expect(late.bikes.map((b) => b.id)).toContain(to);
    expect(moved.lines[0].allocations).toHaveLength(1);
    expect(moved).toMatchObject({ status: 'reserved', overdue: false, conflicts: [], shortages: [] });

    // The late unit stays blocked past its end: its schedule holds the walk-in beyond the later period.
    const schedule = (await stack.http('GET', `/stock-items/${unit}/reservations`)).body.items as any[];
    expect(schedule.map((s) => s.orderId)).toEqual([walkIn.id]);
    expect(Date.parse(schedule[0].blockedEnd)).toBeGreaterThan(Date.parse(later.end));
    expect((await stack.http('GET', `/stock-items/${to}/reservations`)).body.items).toEqual([
      expect.objectContaining({ orderId: booked.id, start: later.start }),
    ]);
    expect(await free(late.bike, later)).toBe(2);

    const overdue = await listed('overdue=true');
    expect(overdue).toContain(walkIn.id);
    expect(overdue).not.toContain(booked.id);
    expect((await get(walkIn.id)).overdue).toBe(true);
    // The order's own fact: overdue, once, with the order as it is then.
    const withOverdue = await until(
      () => orderEvents(stack, walkIn.id),
      (es) => es.some((e) => e.type === 'orders.order.overdue.v1'),
      15_000,
    );
    const overdueFacts = withOverdue.filter((e) => e.type === 'orders.order.overdue.v1');
    expect(overdueFacts).toHaveLength(1);
    expect(overdueFacts[0].data.order).toMatchObject({ id: walkIn.id, status: 'active', overdue: true });

    // Each step is an event: availability's overdue and moved facts, the booking's changed reservations.
    const facts = (await streamEvents(stack, 'availability')).map((e) => e.data);
    expect(
      facts.some((f) => f.type === 'reservation.overdue' && f.allocations[0]?.reservationId.includes(walkIn.id)),
    ).toBe(true);
    expect(
      facts.some(
        (f) => f.type === 'reservation.moved' && f.allocations.some((a: any) => a.reservationId.includes(booked.id)),
      ),
    ).toBe(true);
    const changed = (await orderEvents(stack, booked.id)).filter(
      (e) => e.type === 'orders.order.reservations-changed.v1',
    );
    expect(changed.at(-1).data.order.lines[0].allocations[0].stockItemId).toBe(to);

    // Back: no longer overdue, the unit is free again for the later period.
    const back = await must(stack, `/orders/${walkIn.id}/return`, { items: [{ code: codesOf(late, unit)[0] }] });
    expect(back.overdue).toBe(false);
    expect(await listed('overdue=true')).not.toContain(walkIn.id);
    await until(
      () => free(late.bike, later),
      (q) => q === 3,
    );
    expect(await free(late.bike, later)).toBe(3);
    expect(units(await get(booked.id))).toEqual([to]);
  });

  it('when no other unit can take the later booking it is listed in conflicts until the late unit is back', async () => {
    const size = { variant: { Size: 'S' } };
    const booked = await order(late, [rentalLine(late.sized, { ...size, ...later })]);
    const walkIn = await order(late, [rentalLine(late.sized, { ...size, ...past })]);
    const unit = walkIn.lines[0].allocations[0].stockItemId;
    expect(units(booked)).toEqual([unit]); // the only S unit
    const out = await must(stack, `/orders/${walkIn.id}/hand-out`, { items: [{ code: 'L-S-0' }] });
    expect(out.overdue).toBe(true);

    const conflicted = await until(
      () => get(booked.id),
      (o) => o.conflicts.length > 0,
      15_000,
    );
    expect(conflicted.conflicts).toEqual([{ lineIndex: 0, stockItemId: unit, blockingOrderId: walkIn.id }]);
    expect(conflicted.status).toBe('reserved');
    const withConflicts = await listed('conflicts=true');
    expect(withConflicts).toContain(booked.id);
    expect(withConflicts).not.toContain(walkIn.id);
    expect(await listed('overdue=true')).toContain(walkIn.id);
    expect(await free(late.sized, later, '&variant.Size=S')).toBe(0);

    await must(stack, `/orders/${walkIn.id}/return`, { items: [{ code: 'L-S-0' }] });
    const resolved = await until(
      () => get(booked.id),
      (o) => o.conflicts.length === 0,
      15_000,
    );
    expect(resolved.conflicts).toEqual([]);
    expect(units(resolved)).toEqual([unit]);
    expect(await listed('conflicts=true')).not.toContain(booked.id);
    // The order document is saved before its outbox is published: wait for the events themselves.
    const changes = (
      await until(
        () => orderEvents(stack, booked.id),
        (es) => es.filter((e) => e.type === 'orders.order.reservations-changed.v1').length >= 2,
      )
    ).map((e) => e.type);
    expect(changes.filter((t) => t === 'orders.order.reservations-changed.v1').length).toBeGreaterThanOrEqual(2);
  });

  it('extend moves a later booking of the unit to another free unit; refused (nothing changed) when none can take it', async () => {
    const after = { start: END, end: '2031-06-06T09:00:00Z' };
    // Two bikes busy over both periods, so the later booking of two takes the other two.
    const filler = await order(ext, [rentalLine(ext.bike, { quantity: 2, start: START, end: after.end })]);
    const first = await order(ext, [rentalLine(ext.bike)]);
    const unit = first.lines[0].allocations[0].stockItemId;
    const booked = await order(ext, [rentalLine(ext.bike, { quantity: 2, ...after })]);
    expect(units(booked)).toContain(unit);
    expect(units(filler)).not.toContain(unit);

    const refused = await stack.http('POST', `/orders/${first.id}/extend`, { body: { end: '2031-06-05T09:00:00Z' } });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toMatch(/\/unavailable$/);
    expect(await get(first.id)).toEqual(first);
    expect(units(await get(booked.id))).toEqual(units(booked));

    await must(stack, `/orders/${filler.id}/cancel`);
    const extended = await must(stack, `/orders/${first.id}/extend`, { end: '2031-06-05T09:00:00Z' });
    expect(extended.lines[0].end).toBe('2031-06-05T09:00:00.000Z');
    expect(units(extended)).toEqual([unit]);
    const moved = await until(
      () => get(booked.id),
      (o) => !units(o).includes(unit),
      15_000,
    );
    expect(units(moved)).toHaveLength(2);
    expect(new Set(units(moved)).size).toBe(2);
    expect(units(moved)).not.toContain(unit);
    expect(units(moved).every((u: string) => units(filler).includes(u) || units(booked).includes(u))).toBe(true);
    const schedule = (await stack.http('GET', `/stock-items/${unit}/reservations`)).body.items as any[];
    expect(schedule.map((s) => [s.orderId, s.end])).toEqual([[first.id, '2031-06-05T09:00:00.000Z']]);
    const firstEvents = await until(
      () => orderEvents(stack, first.id),
      (es) => es.length >= 2,
    );
    expect(firstEvents.map((e) => e.type)).toEqual(['orders.order.created.v1', 'orders.order.extended.v1']);
    const bookedEvents = await until(
      () => orderEvents(stack, booked.id),
      (es) => es.some((e) => e.type === 'orders.order.reservations-changed.v1'),
    );
    expect(bookedEvents.some((e) => e.type === 'orders.order.reservations-changed.v1')).toBe(true);
  });
});
