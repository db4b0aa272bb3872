import { AvailabilityRpc, type OrderReservationView } from '@circulate/contracts';
import { startTestStack, TestStack } from '@circulate/platform/stack';
import {
  END,
  iso,
  reserve,
  ReservationsDriver,
  setUpFleet,
  sleep,
  START,
  until,
  untilQuantity,
  type Answer,
  type Fleet,
} from './reservations-support';

/* eslint-disable @typescript-eslint/no-explicit-any */

jest.setTimeout(180_000);

/** Fires every command at once (each from its own caller) and collects the answers by order id. */
async function race(driver: ReservationsDriver, commands: any[]): Promise<Map<string, Answer>> {
  const answers = await Promise.all(commands.map((c) => driver.commandRetrying(c)));
  return new Map(commands.map((c, i) => [c.orderId as string, answers[i]]));
}

const acceptedOf = (answers: Map<string, Answer>) => [...answers].filter(([, a]) => a.ok).map(([id]) => id);

describe('reservations: two availability replicas, real NATS and FerretDB', () => {
  let stack: TestStack;
  let driver: ReservationsDriver;
  let fleet: Fleet;

  beforeAll(async () => {
    stack = await startTestStack({ replicas: 2 });
    driver = new ReservationsDriver(stack);
    fleet = await setUpFleet(stack, 'a');
    await untilQuantity(stack, fleet.bikes, 20);
    await untilQuantity(stack, fleet.partySet, 3);
  });

  afterAll(async () => {
    await driver?.close();
    await stack?.stop();
  });

  afterEach(async () => {
    const check = await driver.checkInvariants(fleet.items);
    expect(check.problems).toEqual([]);
  });

  it('a caller that reserved and then asks sees its own reservation (gateway reads, either replica)', async () => {
    const a = await driver.commandRetrying(reserve('ord_seen', fleet.bikes, 2));
    expect(a.ok).toBe(true);
    const order = (a as { value: OrderReservationView }).value;
    expect(order.allocations).toHaveLength(2);
    expect(order.state).toBe('active');
    // Reads land on either replica (queue group); every one of them sees the reservation.
    for (let i = 0; i < 10; i++) {
      const r = await stack.http('GET', `/listings/${fleet.bikes}/availability?start=${iso(START)}&end=${iso(END)}`);
      expect(r.status).toBe(200);
      expect(r.body.quantity).toBe(18);
    }
    const unit = order.allocations[0].stockItemId;
    const schedule = await stack.http('GET', `/stock-items/${unit}/reservations`);
    expect(schedule.status).toBe(200);
    expect(schedule.body.items).toEqual([
      expect.objectContaining({ orderId: 'ord_seen', start: iso(START), end: iso(END), status: 'confirmed' }),
    ]);
    const explain = await stack.http(
      'GET',
      `/listings/${fleet.bikes}/availability?start=${iso(START)}&end=${iso(END)}&explain=true`,
    );
    const blocked = explain.body.explain[0].candidates.find((c: any) => c.stockItemId === unit);
    expect(blocked.blockedBy).toEqual([expect.objectContaining({ orderId: 'ord_seen' })]);
    const again = await driver.of('ord_seen');
    expect(again).toEqual({ ok: true, value: order });
    // The same order id again: the same allocations, nothing new.
    expect(await driver.command(reserve('ord_seen', fleet.bikes, 2))).toEqual({ ok: true, value: order });
    const released = await driver.command({ type: 'release', orderId: 'ord_seen' });
    expect(released.ok && released.value?.state).toBe('released');
    await untilQuantity(stack, fleet.bikes, 20);
    const events = await until(
      () => driver.events(),
      (es) => es.some((e) => e.type === 'availability.reservation.released'),
    );
    const mine = events.filter((e) => e.data.orderId === 'ord_seen');
    expect(mine.map((e) => e.type)).toEqual(['availability.reservation.reserved', 'availability.reservation.released']);
    expect(mine[0].msgId).toMatch(/^acme:\d+:0$/);
  });

  it('40 concurrent reserves for 20 serialized units: exactly 20 accepted, no unit twice', async () => {
    const commands = Array.from({ length: 40 }, (_, i) => reserve(`ord_bike_${i}`, fleet.bikes));
    const answers = await race(driver, commands);
    const won = acceptedOf(answers);
    expect(won).toHaveLength(20);
    for (const [, a] of answers) if (!a.ok) expect(a.error.code).toBe('UNAVAILABLE');
    const units = won.flatMap((id) => (answers.get(id) as any).value.allocations.map((x: any) => x.stockItemId));
    expect(new Set(units).size).toBe(20);
    const check = await driver.checkInvariants(fleet.items);
    expect(check.problems).toEqual([]);
    expect(new Set(check.held.filter((r) => r.orderId.startsWith('ord_bike_')).map((r) => r.orderId))).toEqual(
      new Set(won),
    );
    await untilQuantity(stack, fleet.bikes, 0);
  });

  it('30 reserves of 2 on a pool of 50: exactly 25', async () => {
    const commands = Array.from({ length: 30 }, (_, i) => reserve(`ord_chair_${i}`, fleet.chairs, 2));
    const won = acceptedOf(await race(driver, commands));
    expect(won).toHaveLength(25);
    const check = await driver.checkInvariants(fleet.items);
    const held = check.held.filter((r) => r.stockItemId === fleet.poolId);
    expect(held.reduce((n, r) => n + r.quantity, 0)).toBe(50);
    await untilQuantity(stack, fleet.chairs, 0);
  });

  it('a bundle race never leaves half a bundle', async () => {
    const commands = Array.from({ length: 12 }, (_, i) => reserve(`ord_set_${i}`, fleet.partySet));
    const answers = await race(driver, commands);
    const won = acceptedOf(answers);
    expect(won).toHaveLength(3);
    const check = await driver.checkInvariants(fleet.items);
    for (const orderId of new Set(check.held.filter((r) => r.orderId.startsWith('ord_set_')).map((r) => r.orderId))) {
      const mine = check.held.filter((r) => r.orderId === orderId);
      expect(mine.reduce((n, r) => n + r.quantity, 0)).toBe(5); // 1 table + 4 chairs
      expect(won).toContain(orderId);
    }
  });

  it('keeps the reservations through a read-model rebuild', async () => {
    const r = await stack.http('POST', '/admin/availability/rebuild');
    expect([200, 201, 202]).toContain(r.status);
    await until(
      () => stack.http('GET', `/listings/${fleet.bikes}/availability?start=${iso(START)}&end=${iso(END)}`),
      (x) => x.status === 200,
    );
    // The other replica rebuilds on the broadcast, in the background: read across its swap too.
    for (let i = 0; i < 20; i++) {
      const a = await stack.http('GET', `/listings/${fleet.bikes}/availability?start=${iso(START)}&end=${iso(END)}`);
      expect(a.body.quantity).toBe(0);
      await sleep(150);
    }
  });

  it('lets a hold lapse on the owner timer and publishes reservation.expired', async () => {
    const tag = await setUpFleet(stack, 'h');
    await untilQuantity(stack, tag.bikes, 20);
    const a = await driver.command(reserve('ord_hold', tag.bikes, 1, { holdUntil: Date.now() + 1500 }));
    expect(a.ok && a.value?.allocations[0].status).toBe('held');
    await untilQuantity(stack, tag.bikes, 19);
    const after = await until(
      () => driver.of('ord_hold'),
      (x) => x.ok && x.value?.state === 'expired',
      10_000,
    );
    expect(after.ok && after.value?.state).toBe('expired');
    await untilQuantity(stack, tag.bikes, 20);
    const events = await until(
      () => driver.events(),
      (es) => es.some((e) => e.type === 'availability.reservation.expired' && e.data.orderId === 'ord_hold'),
    );
    expect(events.filter((e) => e.data.orderId === 'ord_hold').map((e) => e.type)).toEqual([
      'availability.reservation.reserved',
      'availability.reservation.expired',
    ]);
  });

  it('answers malformed commands with VALIDATION_FAILED naming the field, changing nothing', async () => {
    const cases: [unknown, string][] = [
      [{ type: 'nope' }, 'command.type'],
      [{ type: 'reserve', orderId: '', lines: [] }, 'command.orderId'],
      [{ type: 'reserve', orderId: 'x', lines: [] }, 'command.lines'],
      [
        { type: 'reserve', orderId: 'x', lines: [{ listingId: fleet.bikes, start: END, end: START }] },
        'command.lines[0].end',
      ],
      [
        { type: 'reserve', orderId: 'x', lines: [{ listingId: fleet.bikes, start: 1, end: 2, $where: 1 }] },
        'command.lines[0].$where',
      ],
      [{ type: 'extend', orderId: 'x', end: 'soon' }, 'command.end'],
      [{ type: 'hand_out', orderId: 'x', reservationIds: 'all' }, 'command.reservationIds'],
    ];
    for (const [command, field] of cases) {
      const a = await driver.command(command as any);
      expect(a.ok).toBe(false);
      if (!a.ok) {
        expect(a.error.code).toBe('VALIDATION_FAILED');
        expect(a.error.errors?.[0]?.field).toBe(field);
      }
    }
    const none = await driver.call(AvailabilityRpc.reservationOf, { orderId: 'x' });
    expect(none).toEqual({ ok: true, value: null });
    const unknownListing = await driver.command(reserve('ord_ghost', 'lst_ghost'));
    expect(!unknownListing.ok && unknownListing.error.code).toBe('NOT_FOUND');
  });
});
