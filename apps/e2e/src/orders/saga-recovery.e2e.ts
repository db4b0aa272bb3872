import { useTestStack } from '../support/stack';
import { END, openShop, orderBody, rentalLine, Shop, START, until } from './support';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * The saga survives a crash between reserve and the order's write: the orders service is started
 * with ORDERS_FAULT=crash_after_reserve (test-only), so it kills itself with SIGKILL right after
 * availability answered the reserve. After a restart the recovery sweep finishes the order.
 */
describe('orders: kill -9 between reserve and the order write', () => {
  const stack = useTestStack({ env: { ORDERS_PENDING_GRACE_MS: '1000', ORDERS_RECOVERY_MS: '1000' } }, 180_000);
  let shop: Shop;

  beforeAll(async () => {
    shop = await openShop(stack, 'R');
  }, 180_000);

  /** Restarts orders so that it kills itself right after a reserve is answered, and waits for ready. */
  const restartWithCrashFault = async () => {
    await stack.apps.stop('orders');
    stack.apps.start('orders', { ORDERS_FAULT: 'crash_after_reserve' });
    await until(
      () => stack.http('GET', '/health/ready'),
      (r) => r.status === 200,
      60_000,
    );
  };
  const exited = () =>
    until(
      async () => stack.apps.running('orders'),
      (r) => !r,
      10_000,
    );
  const free = async () =>
    (await stack.http('GET', `/listings/${shop.bike}/availability?start=${START}&end=${END}`)).body.quantity;

  it('no reservation without an order, no order left pending, and a retried request gives one order', async () => {
    const before = await free();
    await restartWithCrashFault();
    const body = orderBody(shop, [rentalLine(shop.bike)]);
    const crashed = await stack.http('POST', '/orders', { body, headers: { 'idempotency-key': 'crash-1' } });
    expect(crashed.status).toBe(503);
    await exited();
    expect(stack.apps.running('orders')).toBe(false);
    // The reservation was made; no order says so yet.
    expect(await free()).toBe(before - 1);

    stack.apps.start('orders');
    const listed = await until(
      () => stack.http('GET', '/orders'),
      (r) => r.status === 200 && r.body.items.length === 1,
      30_000,
    );
    expect(listed.body.items).toHaveLength(1);
    const recovered = listed.body.items[0];
    expect(recovered.status).toBe('reserved');
    expect(recovered.lines[0].allocations).toHaveLength(1);

    const retried = await stack.http('POST', '/orders', { body, headers: { 'idempotency-key': 'crash-1' } });
    expect(retried.status).toBe(201);
    expect(retried.body.id).toBe(recovered.id);
    expect((await stack.http('GET', '/orders')).body.items).toHaveLength(1);
    expect(await free()).toBe(before - 1);
    const schedule = await stack.http(
      'GET',
      `/stock-items/${recovered.lines[0].allocations[0].stockItemId}/reservations`,
    );
    expect(schedule.body.items.filter((s: any) => s.orderId === recovered.id)).toHaveLength(1);
  }, 180_000);

  it('attempts journaled together in one message are each finished or undone after the crash', async () => {
    const before = await free();
    const ordersBefore = (await stack.http('GET', '/orders')).body.items.length;
    await restartWithCrashFault();
    // Sent at once, their intents share journal messages; the first reserve answered kills the process.
    const body = orderBody(shop, [rentalLine(shop.bike)]);
    const keys = ['batch-1', 'batch-2', 'batch-3']; // three of the shop's four bikes are free
    await Promise.all(keys.map((k) => stack.http('POST', '/orders', { body, headers: { 'idempotency-key': k } })));
    await exited();
    const reserved = before - (await free());
    expect(reserved).toBeGreaterThanOrEqual(1);

    stack.apps.start('orders');
    // Every reservation made gets its order (none is left without one, none stays pending).
    const listed = await until(
      () => stack.http('GET', '/orders'),
      (r) => r.status === 200 && r.body.items.length === ordersBefore + reserved,
      30_000,
    );
    expect(listed.body.items.filter((o: any) => o.status === 'reserved')).toHaveLength(ordersBefore + reserved);
    expect(await free()).toBe(before - reserved);
    // Retried, each key gives one order: the recovered ones answer, the others are made now.
    const retried = await Promise.all(
      keys.map((k) => stack.http('POST', '/orders', { body, headers: { 'idempotency-key': k } })),
    );
    expect(retried.map((r) => r.status)).toEqual(keys.map(() => 201));
    expect(new Set(retried.map((r) => r.body.id)).size).toBe(keys.length);
    expect((await stack.http('GET', '/orders')).body.items).toHaveLength(ordersBefore + keys.length);
    expect(await free()).toBe(before - keys.length);
  }, 180_000);
});
