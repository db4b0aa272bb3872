import { tenantOwnerBucket } from '@circulate/contracts';
import { leaseKvKey } from '@circulate/platform/messaging';
import { startTestStack, TestStack, type Instance } from '@circulate/platform/stack';
import {
  reserve,
  ReservationsDriver,
  setUpFleet,
  sleep,
  until,
  untilQuantity,
  type Answer,
  type Fleet,
} from './reservations-support';

/* eslint-disable @typescript-eslint/no-explicit-any */

jest.setTimeout(300_000);

const REPLICAS: Instance[] = ['availability', 'availability#2'];

describe('reservations under faults: kill -9, SIGSTOP past the lease, a crash between log write and publish', () => {
  let stack: TestStack;
  let driver: ReservationsDriver;

  beforeAll(async () => {
    stack = await startTestStack({ replicas: 2 });
    driver = new ReservationsDriver(stack);
  });

  afterAll(async () => {
    await driver?.close();
    await stack?.stop();
  });

  /** The replica whose pid the tenant's owner lease names. */
  async function owner(): Promise<Instance | undefined> {
    const nc = await driver.conn();
    const kv = await nc.jetstream().views.kv(tenantOwnerBucket());
    const e = await kv.get(leaseKvKey('acme'));
    if (!e || e.operation !== 'PUT') return undefined;
    const pid = Number(new TextDecoder().decode(e.value).split('@')[0]);
    return REPLICAS.find((r) => stack.apps.pid(r) === pid);
  }

  async function restart(instance: Instance, env: Record<string, string> = {}): Promise<void> {
    await stack.apps.stop(instance);
    stack.apps.start('availability', env, instance === 'availability' ? 1 : 2);
  }

  /** A race of 40 retrying clients for 20 bikes with `fault` done to the owner after `afterMs`. */
  async function raceWith(fleet: Fleet, prefix: string, fault: (victim: Instance) => Promise<void>) {
    await untilQuantity(stack, fleet.bikes, 20);
    const victim = await until(owner, (o) => o !== undefined);
    expect(victim).toBeDefined();
    const commands = Array.from({ length: 40 }, (_, i) => reserve(`${prefix}_${i}`, fleet.bikes));
    const racing = Promise.all(
      commands.map(async (c, i) => {
        await sleep(i * 15);
        return driver.commandRetrying(c, 60_000);
      }),
    );
    await sleep(150);
    await fault(victim as Instance);
    const answers: (Answer & { tries: number })[] = await racing;
    const won = commands.filter((_, i) => answers[i].ok).map((c) => (c as any).orderId as string);
    for (const a of answers) if (!a.ok) expect(a.error.code).toBe('UNAVAILABLE');
    const check = await driver.checkInvariants(fleet.items);
    expect(check.problems).toEqual([]);
    const heldOrders = new Set(check.held.filter((r) => r.orderId.startsWith(`${prefix}_`)).map((r) => r.orderId));
    // Every accepted answer is in the log; nothing is in the log that nobody was told of.
    expect(heldOrders).toEqual(new Set(won));
    expect(won).toHaveLength(20);
    return { victim: victim as Instance, answers };
  }

  it('kill -9 of the owner mid-race: every client ends accepted or refused, nothing over-booked', async () => {
    const fleet = await setUpFleet(stack, 'k');
    let gapMs = 0;
    const { victim } = await raceWith(fleet, 'ord_kill', async (v) => {
      stack.apps.signal(v, 'SIGKILL');
      const killed = Date.now();
      await stack.apps.exited(v);
      // The survivor carries on: the first answered command after the kill (a read of an order).
      await until(
        () => driver.of('ord_probe').catch(() => ({ ok: false }) as any),
        (a) => a.ok,
        30_000,
      );
      gapMs = Date.now() - killed;
    });
    process.stdout.write(`failover after kill -9 of ${victim}: ${gapMs} ms\n`);
    expect(gapMs).toBeLessThanOrEqual(10_000);
    expect(await owner()).not.toBe(victim);
    await untilQuantity(stack, fleet.bikes, 0);
    stack.apps.start('availability', {}, victim === 'availability' ? 1 : 2);
  });

  it('an owner paused past its lease (SIGSTOP, takeover, SIGCONT) cannot over-book', async () => {
    const fleet = await setUpFleet(stack, 's');
    const { victim } = await raceWith(fleet, 'ord_stop', async (v) => {
      stack.apps.signal(v, 'SIGSTOP');
      // Past the 5 s lease: the other replica takes the tenant over.
      await until(owner, (o) => o !== undefined && o !== v, 20_000);
      stack.apps.signal(v, 'SIGCONT');
    });
    expect(stack.apps.running(victim)).toBe(true);
    await untilQuantity(stack, fleet.bikes, 0);
    // The resumed ex-owner forwards to the new owner: the same answers from both replicas.
    for (let i = 0; i < 6; i++) {
      const a = await driver.command(reserve('ord_stop_late', fleet.bikes));
      expect(!a.ok && a.error.code).toBe('UNAVAILABLE');
    }
  });

  it('a crash between the log write and the publish: the event is published exactly once after recovery', async () => {
    const fleet = await setUpFleet(stack, 'c');
    await untilQuantity(stack, fleet.bikes, 20);
    // Only a faulty replica runs: it dies right after its next append, before publishing.
    await stack.apps.stop('availability#2');
    await restart('availability', { AVAILABILITY_FAULT: 'exit-after-append' });
    await until(
      () => driver.of('ord_nobody').catch(() => ({ ok: false }) as any),
      (a) => a.ok,
      30_000,
    );
    const lost = await driver.command(reserve('ord_crash', fleet.bikes), 3000).catch((err: unknown) => err);
    expect(lost).toBeInstanceOf(Error); // no answer: the process died after the append
    await stack.apps.exited('availability');
    expect((await driver.checkInvariants(fleet.items)).held.some((r) => r.orderId === 'ord_crash')).toBe(true);
    expect((await driver.events()).filter((e) => e.data.orderId === 'ord_crash')).toEqual([]);
    // Recovery: a healthy replica takes the tenant over (lease TTL) and publishes what was not.
    stack.apps.start('availability', {}, 2);
    const events = await until(
      () => driver.events(),
      (es) => es.some((e) => e.data.orderId === 'ord_crash'),
      30_000,
    );
    const retried = await driver.commandRetrying(reserve('ord_crash', fleet.bikes));
    expect(retried.ok).toBe(true);
    stack.apps.start('availability', {}, 1);
    await sleep(3000);
    const again = (await driver.events()).filter((e) => e.data.orderId === 'ord_crash');
    expect(again).toHaveLength(1);
    expect(again[0].type).toBe('availability.reservation.reserved');
    expect(events.filter((e) => e.data.orderId === 'ord_crash')).toHaveLength(1);
  });
});
