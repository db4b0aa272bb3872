import { AvailabilityIndex } from '@circulate/availability/engine';
import type { ReservationReply } from '@circulate/contracts';
import { day, exec, pool, problems, simple, unit, world } from './test-world';

const line = (listingId: string, from: number, to: number, quantity = 1) => ({
  listingId,
  start: day(from),
  end: day(to),
  quantity,
});

function reply(r: ReturnType<typeof exec>): ReservationReply {
  return r.ok ? r.decision.reply : { ok: false, error: r.error };
}

function order(r: ReturnType<typeof exec>) {
  const x = reply(r);
  if (!x.ok || !x.order) throw new Error(`expected an order: ${JSON.stringify(x)}`);
  return x.order;
}

function fleet() {
  return world(
    [
      unit('ski_b0', 'BIKE'),
      unit('ski_b1', 'BIKE'),
      unit('ski_b2', 'BIKE'),
      { ...unit('ski_far', 'BIKE'), locationId: 'loc_far' },
      { ...unit('ski_broken', 'BIKE'), status: 'out_of_use' },
      unit('ski_car', 'CAR'),
      pool('ski_h', 'HELMET', 3),
    ],
    { lst_bike: { ...simple('BIKE'), locationIds: ['loc_main'] }, lst_helmet: simple('HELMET') },
  );
}

describe('reservation decider: swap to a scanned unit, partial hand-out and return', () => {
  it('swaps to the named unit when it matches, stands where the line allows and is free', () => {
    const s = fleet();
    const a = order(exec(s, { type: 'reserve', orderId: 'ord_1', lines: [line('lst_bike', 0, 2)] }));
    const b = order(exec(s, { type: 'reserve', orderId: 'ord_2', lines: [line('lst_bike', 0, 2)] }));
    const rid = a.allocations[0].reservationId;
    const taken = b.allocations[0].stockItemId;
    const free = ['ski_b0', 'ski_b1', 'ski_b2'].find((u) => u !== taken && u !== a.allocations[0].stockItemId);
    const refusals: [string, string][] = [
      [taken, 'UNAVAILABLE'], // booked by ord_2
      ['ski_car', 'UNAVAILABLE'], // another SKU
      ['ski_far', 'UNAVAILABLE'], // not at the listing's location
      ['ski_broken', 'UNAVAILABLE'], // out of use
      ['ski_ghost', 'NOT_FOUND'],
      [a.allocations[0].stockItemId, 'INVALID_STATE_TRANSITION'],
    ];
    for (const [to, code] of refusals) {
      const r = exec(s, { type: 'swap', orderId: 'ord_1', reservationId: rid, toStockItemId: to });
      expect(r).toMatchObject({ ok: false, error: { code } });
    }
    expect(s.order('ord_1')).toBeDefined();
    const swapped = exec(s, { type: 'swap', orderId: 'ord_1', reservationId: rid, toStockItemId: free });
    expect(order(swapped).allocations).toEqual([expect.objectContaining({ reservationId: rid, stockItemId: free })]);
    expect(swapped.ok && swapped.decision.events.map((e) => e.type)).toEqual(['reservation.swapped']);
    expect(problems(s)).toEqual([]);
  });

  it('hands out only the named reservations, and refuses an id of another order', () => {
    const s = fleet();
    const a = order(
      exec(s, { type: 'reserve', orderId: 'ord_1', lines: [line('lst_bike', 0, 2), line('lst_helmet', 0, 2, 2)] }),
    );
    const bike = a.allocations.find((x) => x.ruleId === 'rul_BIKE');
    if (!bike) throw new Error('no bike');
    const other = order(exec(s, { type: 'reserve', orderId: 'ord_2', lines: [line('lst_helmet', 0, 2)] }));
    const wrong = exec(s, {
      type: 'hand_out',
      orderId: 'ord_1',
      reservationIds: [other.allocations[0].reservationId],
    });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const out = order(exec(s, { type: 'hand_out', orderId: 'ord_1', reservationIds: [bike.reservationId] }));
    expect(out.allocations.find((x) => x.reservationId === bike.reservationId)?.status).toBe('out');
    expect(out.allocations.filter((x) => x.status === 'out')).toHaveLength(1);
    const rest = order(exec(s, { type: 'hand_out', orderId: 'ord_1' }));
    expect(rest.allocations.every((x) => x.status === 'out')).toBe(true);
  });

  it('returns part of an order (those units free up at once) and ends the order with the last one', () => {
    const s = fleet();
    const a = order(
      exec(s, { type: 'reserve', orderId: 'ord_1', lines: [line('lst_bike', 0, 2, 2), line('lst_helmet', 0, 2, 3)] }),
    );
    const ids = a.allocations.map((x) => x.reservationId);
    expect(ids).toHaveLength(3);
    exec(s, { type: 'hand_out', orderId: 'ord_1' });
    const held = () => a.allocations.reduce((n, x) => n + s.index.peakReserved(x.stockItemId, day(0), day(2)), 0);
    const before = held();
    const first = exec(s, { type: 'return', orderId: 'ord_1', reservationIds: [ids[0]] });
    const after = order(first);
    expect(after.state).toBe('active');
    expect(after.allocations.map((x) => x.reservationId)).not.toContain(ids[0]);
    expect(held()).toBe(before - a.allocations[0].quantity);
    expect(first.ok && first.decision.events).toEqual([
      expect.objectContaining({ type: 'reservation.returned', removed: [ids[0]] }),
    ]);
    const last = order(exec(s, { type: 'return', orderId: 'ord_1', reservationIds: ids.slice(1) }));
    expect(last.state).toBe('released');
    expect(held()).toBe(0);
    expect(exec(s, { type: 'return', orderId: 'ord_1' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE_TRANSITION' },
    });
  });

  it('moves its reservations to another index on rebind (a rebuilt read model), leaving the old one empty', () => {
    const s = fleet();
    order(exec(s, { type: 'reserve', orderId: 'ord_1', lines: [line('lst_bike', 0, 2), line('lst_helmet', 0, 2, 2)] }));
    const old = s.index;
    const next = new AvailabilityIndex([...old.items()]);
    s.rebind(next);
    expect(old.reservationCount).toBe(0);
    expect(next.reservationCount).toBe(2);
    exec(s, { type: 'release', orderId: 'ord_1' });
    expect(next.reservationCount).toBe(0);
  });
});
