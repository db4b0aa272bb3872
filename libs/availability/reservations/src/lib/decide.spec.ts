import { decide, decideApplied, undo } from './decide';
import { day, exec, pool, problems, simple, unit, world } from './test-world';

const line = (listingId: string, from: number, to: number, quantity = 1) => ({
  listingId,
  start: day(from),
  end: day(to),
  quantity,
});

function bikes(n: number) {
  return world(
    Array.from({ length: n }, (_, i) => unit(`ski_b${i}`, 'BIKE')),
    { lst_bike: simple('BIKE') },
  );
}

function ok<T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> {
  if (!r.ok) throw new Error(`expected ok: ${JSON.stringify(r)}`);
  return r as Extract<T, { ok: true }>;
}

function orderOf(r: ReturnType<typeof exec>) {
  const d = ok(r).decision.reply;
  if (!d.ok || !d.order) throw new Error('no order');
  return d.order;
}

describe('reservation decider', () => {
  it('a state loaded record by record from a snapshot decides as the state it was taken from', () => {
    const s = bikes(2);
    orderOf(exec(s, { type: 'reserve', orderId: 'ord_1', lines: [line('lst_bike', 0, 2)] }));
    orderOf(exec(s, { type: 'reserve', orderId: 'ord_2', lines: [line('lst_bike', 1, 3)] }));
    const loaded = bikes(2);
    for (const r of s.records.values()) loaded.loadRecord(r);
    expect(loaded.view('ord_2')).toEqual(s.view('ord_2'));
    expect(loaded.index.reservationCount).toBe(2);
    // Both bikes are taken on day 1: refused on the loaded state as on the original.
    const cmd = { type: 'reserve', orderId: 'ord_3', lines: [line('lst_bike', 1, 2)] } as const;
    expect(exec(loaded, cmd)).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(exec(s, cmd)).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    // A record already held is refused (a snapshot holds each key once).
    const [first] = s.records.values();
    expect(() => loaded.loadRecord(first)).toThrow(/already held/);
  });

  it('fits lines of different periods together when one after another they would not (found by the model test)', () => {
    const s = bikes(3);
    orderOf(exec(s, { type: 'reserve', orderId: 'ord_1', lines: [line('lst_bike', 6, 7), line('lst_bike', 0, 1)] }));
    orderOf(exec(s, { type: 'reserve', orderId: 'ord_3', lines: [line('lst_bike', 5, 7)] }));
    // One bike on day 3, two for days 3-5: only if the day-3 bike is the one booked from day 5.
    const o = orderOf(
      exec(s, { type: 'reserve', orderId: 'ord_6', lines: [line('lst_bike', 3, 4), line('lst_bike', 3, 6, 2)] }),
    );
    expect(o.allocations).toHaveLength(3);
    expect(problems(s)).toEqual([]);
    // A fourth bike for day 3 does not fit by any assignment: refused, nothing kept.
    const refused = exec(s, {
      type: 'reserve',
      orderId: 'ord_7',
      lines: [line('lst_bike', 3, 4), line('lst_bike', 2, 3)],
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(s.order('ord_7')).toBeUndefined();
  });

  it('reserves all lines of an order or none of them', () => {
    const s = world([unit('ski_b0', 'BIKE'), pool('ski_h', 'HELMET', 1)], {
      lst_bike: simple('BIKE'),
      lst_helmet: simple('HELMET'),
    });
    const refused = exec(s, {
      type: 'reserve',
      orderId: 'ord_1',
      lines: [line('lst_bike', 0, 2), line('lst_helmet', 0, 2, 2)],
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(s.index.reservationCount).toBe(0);
    expect(s.order('ord_1')).toBeUndefined();
    const accepted = exec(s, {
      type: 'reserve',
      orderId: 'ord_2',
      lines: [line('lst_bike', 0, 2), line('lst_helmet', 0, 2)],
    });
    expect(orderOf(accepted).allocations).toHaveLength(2);
  });

  it('leaves the state unchanged when it only decides', () => {
    const s = bikes(1);
    const res = decide(s, { type: 'reserve', orderId: 'ord_1', lines: [line('lst_bike', 0, 2)] }, day(0));
    expect(res.ok).toBe(true);
    expect(s.index.reservationCount).toBe(0);
    expect(s.records.size).toBe(0);
  });

  it('returns the same allocations when a reserve is repeated under the same order id', () => {
    const s = bikes(2);
    const first = orderOf(exec(s, { type: 'reserve', orderId: 'ord_1', lines: [line('lst_bike', 0, 2)] }));
    const again = ok(exec(s, { type: 'reserve', orderId: 'ord_1', lines: [line('lst_bike', 0, 2)] }));
    expect(again.decision.changes).toHaveLength(0);
    expect(again.decision.reply).toEqual({ ok: true, order: first });
    const other = exec(s, { type: 'reserve', orderId: 'ord_1', lines: [line('lst_bike', 0, 3)] });
    expect(other).toMatchObject({ ok: false, error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
  });

  it('never books a unit twice for overlapping periods', () => {
    const s = bikes(1);
    ok(exec(s, { type: 'reserve', orderId: 'ord_1', lines: [line('lst_bike', 0, 2)] }));
    expect(exec(s, { type: 'reserve', orderId: 'ord_2', lines: [line('lst_bike', 1, 3)] })).toMatchObject({
      ok: false,
    });
    ok(exec(s, { type: 'reserve', orderId: 'ord_3', lines: [line('lst_bike', 2, 3)] }));
    expect(problems(s)).toEqual([]);
  });

  it('frees the units of a released order', () => {
    const s = bikes(1);
    ok(exec(s, { type: 'reserve', orderId: 'ord_1', lines: [line('lst_bike', 0, 2)] }));
    ok(exec(s, { type: 'release', orderId: 'ord_1' }));
    expect(s.view('ord_1')?.state).toBe('released');
    ok(exec(s, { type: 'reserve', orderId: 'ord_2', lines: [line('lst_bike', 0, 2)] }));
  });

  it('lets an unconfirmed hold lapse and keeps a confirmed one', () => {
    const s = bikes(2);
    ok(exec(s, { type: 'reserve', orderId: 'ord_1', lines: [line('lst_bike', 5, 6)], holdUntil: day(1) }));
    ok(exec(s, { type: 'reserve', orderId: 'ord_2', lines: [line('lst_bike', 5, 6)], holdUntil: day(1) }));
    expect(s.reservationsOf('ord_1')[0].status).toBe('held');
    ok(exec(s, { type: 'confirm', orderId: 'ord_2' }));
    const expired = ok(exec(s, { type: 'expire' }, day(1)));
    expect(expired.decision.events.map((e) => e.type)).toEqual(['reservation.expired']);
    expect(s.view('ord_1')?.state).toBe('expired');
    expect(s.view('ord_2')).toMatchObject({ state: 'active', holdUntil: null });
    expect(s.reservationsOf('ord_2')[0].status).toBe('confirmed');
  });

  it('extends by moving a later booking of the same unit to another free unit', () => {
    const s = bikes(2);
    const a = orderOf(exec(s, { type: 'reserve', orderId: 'ord_a', lines: [line('lst_bike', 0, 2)] }));
    // ord_b lands on the other bike for [1,2) ... then ord_c takes whichever is free at [2,4).
    ok(exec(s, { type: 'reserve', orderId: 'ord_c', lines: [line('lst_bike', 2, 4)] }));
    const unitOfC = s.reservationsOf('ord_c')[0].stockItemId;
    if (unitOfC !== a.allocations[0].stockItemId) {
      // Force the interesting case: swap ord_c onto ord_a's unit.
      ok(exec(s, { type: 'swap', orderId: 'ord_c', reservationId: s.reservationsOf('ord_c')[0].id }));
    }
    expect(s.reservationsOf('ord_c')[0].stockItemId).toBe(a.allocations[0].stockItemId);
    const ext = ok(exec(s, { type: 'extend', orderId: 'ord_a', end: day(3) }));
    expect(ext.decision.events.map((e) => e.type)).toEqual(['reservation.extended', 'reservation.moved']);
    expect(s.reservationsOf('ord_c')[0].stockItemId).not.toBe(a.allocations[0].stockItemId);
    expect(s.reservationsOf('ord_a')[0].end).toBe(day(3));
    expect(problems(s)).toEqual([]);
  });

  it('refuses an extension when the later booking cannot move', () => {
    const s = bikes(1);
    ok(exec(s, { type: 'reserve', orderId: 'ord_a', lines: [line('lst_bike', 0, 2)] }));
    ok(exec(s, { type: 'reserve', orderId: 'ord_c', lines: [line('lst_bike', 2, 4)] }));
    expect(exec(s, { type: 'extend', orderId: 'ord_a', end: day(3) })).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE' },
    });
    expect(s.reservationsOf('ord_a')[0].end).toBe(day(2));
    expect(exec(s, { type: 'extend', orderId: 'ord_a', end: day(1) })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE_TRANSITION' },
    });
  });

  it('swaps to another free matching unit, or refuses when there is none', () => {
    const s = bikes(2);
    const r = orderOf(exec(s, { type: 'reserve', orderId: 'ord_a', lines: [line('lst_bike', 0, 2)] })).allocations[0];
    const swapped = orderOf(exec(s, { type: 'swap', orderId: 'ord_a', reservationId: r.reservationId })).allocations[0];
    expect(swapped.reservationId).toBe(r.reservationId);
    expect(swapped.stockItemId).not.toBe(r.stockItemId);
    ok(exec(s, { type: 'reserve', orderId: 'ord_b', lines: [line('lst_bike', 0, 2)] }));
    expect(exec(s, { type: 'swap', orderId: 'ord_a', reservationId: r.reservationId })).toMatchObject({ ok: false });
  });

  it('accepts what is free under shortage and fills the missing copies oldest first', () => {
    const s = world([pool('ski_chairs', 'CHAIR', 10)], { lst_chair: simple('CHAIR') });
    ok(exec(s, { type: 'reserve', orderId: 'ord_a', lines: [line('lst_chair', 0, 2, 8)] }));
    const b = orderOf(
      exec(
        s,
        { type: 'reserve', orderId: 'ord_b', lines: [line('lst_chair', 0, 2, 5)], acceptShortage: true },
        day(-3),
      ),
    );
    expect(b.shortages).toEqual([{ lineIndex: 0, missing: 3 }]);
    expect(b.allocations.reduce((n, a) => n + a.quantity, 0)).toBe(2);
    orderOf(
      exec(
        s,
        { type: 'reserve', orderId: 'ord_c', lines: [line('lst_chair', 0, 2, 4)], acceptShortage: true },
        day(-2),
      ),
    );
    ok(exec(s, { type: 'release', orderId: 'ord_a' }));
    // 8 freed: ord_b (older) gets its 3, ord_c its 4.
    expect(s.view('ord_b')?.shortages).toEqual([]);
    expect(s.view('ord_c')?.shortages).toEqual([]);
    expect(s.reservationsOf('ord_b').reduce((n, a) => n + a.quantity, 0)).toBe(5);
    expect(problems(s)).toEqual([]);
  });

  it('fills a shortage with new stock on the timer fill, oldest first, and does nothing when nothing is free', () => {
    const s = bikes(1);
    orderOf(
      exec(s, { type: 'reserve', orderId: 'ord_a', lines: [line('lst_bike', 0, 2, 2)], acceptShortage: true }, day(-3)),
    );
    orderOf(
      exec(s, { type: 'reserve', orderId: 'ord_b', lines: [line('lst_bike', 0, 2)], acceptShortage: true }, day(-2)),
    );
    expect(ok(exec(s, { type: 'fill' })).decision.changes).toEqual([]);
    s.index.upsertItem(unit('ski_new', 'BIKE'));
    const filled = ok(exec(s, { type: 'fill' })).decision;
    expect(filled.events.map((e) => [e.type, e.orderId])).toEqual([['reservation.shortage_filled', 'ord_a']]);
    expect(s.view('ord_a')?.shortages).toEqual([]);
    expect(s.view('ord_b')?.shortages).toEqual([{ lineIndex: 0, missing: 1 }]);
    expect(
      s
        .reservationsOf('ord_a')
        .map((r) => r.stockItemId)
        .sort(),
    ).toEqual(['ski_b0', 'ski_new']);
    expect(problems(s)).toEqual([]);
  });

  it('keeps a late unit blocked until it is back and moves or conflicts the later bookings', () => {
    const s = bikes(2);
    const a = orderOf(exec(s, { type: 'reserve', orderId: 'ord_a', lines: [line('lst_bike', 0, 2)] })).allocations[0];
    ok(exec(s, { type: 'reserve', orderId: 'ord_o', lines: [line('lst_bike', 0, 2)] }));
    ok(exec(s, { type: 'hand_out', orderId: 'ord_a' }));
    ok(exec(s, { type: 'reserve', orderId: 'ord_later', lines: [line('lst_bike', 3, 4)] }));
    ok(exec(s, { type: 'reserve', orderId: 'ord_later2', lines: [line('lst_bike', 3, 4)] }));
    const over = ok(exec(s, { type: 'overdue' }, day(2) + 1));
    expect(over.decision.events.map((e) => e.type)).toEqual(['reservation.overdue', 'reservation.conflicted']);
    const conflicted = [...s.reservationsOf('ord_later'), ...s.reservationsOf('ord_later2')].filter(
      (r) => r.status === 'conflict',
    );
    expect(conflicted).toHaveLength(1);
    expect(conflicted[0].stockItemId).toBe(a.stockItemId);
    expect(s.view(conflicted[0].orderId)?.allocations).toEqual([
      expect.objectContaining({ status: 'conflict', stockItemId: a.stockItemId, blockedBy: 'ord_a' }),
    ]);
    expect(problems(s)).toEqual([]);
    // Nothing new lands on the late unit.
    expect(exec(s, { type: 'reserve', orderId: 'ord_x', lines: [line('lst_bike', 10, 11)] })).toMatchObject({
      ok: true,
    });
    expect(exec(s, { type: 'reserve', orderId: 'ord_y', lines: [line('lst_bike', 10, 11)] })).toMatchObject({
      ok: false,
    });
    ok(exec(s, { type: 'return', orderId: 'ord_a' }, day(3)));
    expect(conflicted[0].orderId && s.reservationsOf(conflicted[0].orderId)[0].status).toBe('confirmed');
    expect(problems(s)).toEqual([]);
  });

  it('answers a malformed command with a validation failure naming the field', () => {
    const s = bikes(1);
    expect(exec(s, { type: 'reserve', orderId: 'ord_1', lines: [line('lst_bike', 2, 1)] })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('lines[0]') },
    });
    expect(exec(s, { type: 'reserve', orderId: 'ord_1', lines: [line('lst_none', 0, 1)] })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});

describe('decideApplied', () => {
  it('keeps the changes applied and undoes them exactly', () => {
    const s = bikes(2);
    exec(s, { type: 'reserve', orderId: 'ord_0', lines: [line('lst_bike', 0, 1)] });
    const before = JSON.stringify([...s.records.entries()]);
    const { result, undo: back } = decideApplied(
      s,
      { type: 'reserve', orderId: 'ord_1', lines: [line('lst_bike', 0, 2)] },
      day(0),
    );
    expect(result.ok).toBe(true);
    expect(s.index.reservationCount).toBe(2);
    undo(s, back);
    expect(JSON.stringify([...s.records.entries()])).toBe(before);
    expect(s.index.reservationCount).toBe(1);
  });
});
