import { CreateOrderRequest, DomainError, OrdersEvents, RequestContext, tenantId } from '@circulate/contracts';
import { fakeServices } from './test-fakes';
import { applyView } from './order-building';

const admin: RequestContext = { tenantId: tenantId('acme'), role: 'admin' };
const storefront: RequestContext = { tenantId: tenantId('acme'), role: 'storefront' };

const rental = (over: Partial<CreateOrderRequest> = {}): CreateOrderRequest => ({
  customer: { name: 'Ann' },
  channel: 'admin',
  locationId: 'loc_shop',
  lines: [{ listingId: 'lst_bike', quantity: 2, start: '2031-06-01T09:00:00Z', end: '2031-06-04T09:00:00Z' }],
  ...over,
});

async function refusal(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

function world() {
  const s = fakeServices();
  s.deps.addListing('lst_bike');
  s.deps.addListing('lst_rope');
  s.deps.addUnit('lst_bike', 'ski_b1', ['B1', 'SER-1']);
  s.deps.addUnit('lst_bike', 'ski_b2', ['B2']);
  s.deps.addUnit('lst_bike', 'ski_b3', ['B3']);
  return s;
}

describe('orders application layer (fakes at the RPC seam)', () => {
  it('given free bikes, when an order is created, then it is reserved, priced and its created event is stored with it', async () => {
    const { creation, repo } = world();
    const order = await creation.create(admin, rental());
    expect(order.status).toBe('reserved');
    expect(order.total).toEqual({ amount: 6000, currency: 'EUR' });
    expect(order.lines[0].allocations.map((a) => a.stockItemId)).toEqual(['ski_b1', 'ski_b2']);
    expect(repo.events.map((e) => e.type)).toEqual([OrdersEvents.created]);
  });

  it('the saga intent closes once the order is stored or refused, and stays open when the reserve may have happened', async () => {
    const { creation, journal, deps } = world();
    await creation.create(admin, rental());
    await refusal(creation.create(admin, rental({ lines: [{ ...rental().lines[0], quantity: 5 }] })));
    expect(journal.open.size).toBe(0);
    deps.reservation = async () => {
      throw new DomainError('DEPENDENCY_UNAVAILABLE', 'availability did not answer');
    };
    expect((await refusal(creation.create(admin, rental()))).code).toBe('DEPENDENCY_UNAVAILABLE');
    expect([...journal.open.values()].map((i) => i.reserve.type)).toEqual(['reserve']);
  });

  it('given too few bikes, the answer is UNAVAILABLE with lines [{ index, available }] and a refused event', async () => {
    const { creation, repo, deps } = world();
    const err = await refusal(creation.create(admin, rental({ lines: [{ ...rental().lines[0], quantity: 5 }] })));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.details).toEqual({ lines: [{ index: 0, available: 3 }] });
    expect(deps.reservations.size).toBe(0);
    expect(repo.events.map((e) => e.type)).toEqual([OrdersEvents.refused]);
    expect((repo.events[0].data as { lines: unknown[] }).lines).toHaveLength(1);
  });

  it('the same Idempotency-Key and body give the same order; another body is refused', async () => {
    const { creation, deps } = world();
    const a = await creation.create(admin, { ...rental(), idempotencyKey: 'k1' });
    const b = await creation.create(admin, { ...rental(), idempotencyKey: 'k1' });
    expect(b.id).toBe(a.id);
    expect(deps.reservations.size).toBe(1);
    const err = await refusal(
      creation.create(admin, { ...rental({ customer: { name: 'Bo' } }), idempotencyKey: 'k1' }),
    );
    expect(err.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('names the field: a rental without dates, end before start, a variant the listing lacks, an unknown location', async () => {
    const { creation } = world();
    const noDates = await refusal(
      creation.create(admin, rental({ lines: [{ listingId: 'lst_bike', quantity: 1, purchase: false }] })),
    );
    expect(noDates.errors?.[0].field).toBe('lines[0].start');
    const backwards = await refusal(
      creation.create(admin, rental({ lines: [{ ...rental().lines[0], end: '2031-05-01T00:00:00Z' }] })),
    );
    expect(backwards.errors?.[0].field).toBe('lines[0].end');
    const variant = await refusal(
      creation.create(admin, rental({ lines: [{ ...rental().lines[0], variant: { Size: 'S' } }] })),
    );
    expect(variant.errors?.[0].field).toBe('lines[0].variant.Size');
    const location = await refusal(creation.create(admin, rental({ locationId: 'loc_nowhere' })));
    expect(location.errors?.map((e) => e.field)).toContain('locationId');
  });

  it('a storefront key orders on the online store only and may not allow shortages', async () => {
    const { creation } = world();
    expect((await refusal(creation.create(storefront, rental()))).code).toBe('FORBIDDEN');
    const shortage = await refusal(
      creation.create(storefront, rental({ channel: 'online_store', allowShortage: true })),
    );
    expect(shortage.code).toBe('FORBIDDEN');
  });

  it('every forbidden transition is a 409 and changes nothing', async () => {
    const { creation, life, repo } = world();
    const order = await creation.create(admin, rental());
    const before = structuredClone(repo.docs.get(order.id));
    expect((await refusal(life.complete(admin, { id: order.id }))).code).toBe('INVALID_STATE_TRANSITION');
    await life.cancel(admin, { id: order.id });
    for (const call of [life.confirm(admin, { id: order.id }), life.cancel(admin, { id: order.id })])
      expect((await refusal(call)).code).toBe('INVALID_STATE_TRANSITION');
    expect(repo.docs.get(order.id)?.version).toBe((before?.version ?? 0) + 1);
  });

  it('hand-out of a scanned free unit the order does not hold swaps the allocation to it; return then complete posts the income', async () => {
    const { creation, scanning, life, deps } = world();
    const order = await creation.create(admin, rental({ lines: [{ ...rental().lines[0], quantity: 1 }] }));
    expect(order.lines[0].allocations[0].stockItemId).toBe('ski_b1');
    const out = await scanning.handOut(admin, { id: order.id, items: [{ code: 'B3' }] });
    expect(out.status).toBe('active');
    expect(out.lines[0].allocations).toMatchObject([{ stockItemId: 'ski_b3', out: 1 }]);
    expect((await refusal(life.complete(admin, { id: order.id }))).code).toBe('INVALID_STATE_TRANSITION');
    const notOut = await refusal(scanning.returnUnits(admin, { id: order.id, items: [{ code: 'B1' }] }));
    expect(notOut.code).toBe('CONFLICT');
    const back = await scanning.returnUnits(admin, { id: order.id, items: [{ code: 'B3', condition: 'scratched' }] });
    expect(back.lines[0].allocations[0].returned).toBe(1);
    const done = await life.complete(admin, { id: order.id });
    expect(done.status).toBe('completed');
    const income = deps.calls.filter((c) => c.command === 'recordOrderIncome');
    expect(income).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ stockItemId: 'ski_b3', amount: { amount: 3000, currency: 'EUR' } }),
      }),
    ]);
  });

  it('a scanned code of no item is a 400 naming the scan, and nothing moves', async () => {
    const { creation, scanning, deps } = world();
    const order = await creation.create(admin, rental());
    const err = await refusal(scanning.handOut(admin, { id: order.id, items: [{ code: 'B1' }, { code: 'NOPE' }] }));
    expect(err.errors?.[0].field).toBe('items[1].code');
    expect(deps.calls).toEqual([]);
  });
});

describe('applyView (availability view → order lines, shortages, conflicts)', () => {
  const line = (allocations: { ruleId: string; stockItemId: string; reservationId: string }[]) => ({
    listingId: 'lst_bike',
    variant: {},
    quantity: 3,
    priceTableId: null,
    start: '2031-06-01T09:00:00.000Z',
    end: '2031-06-04T09:00:00.000Z',
    purchase: false,
    price: { amount: 36000, currency: 'EUR' },
    allocations: allocations.map((a) => ({ ...a, quantity: 1, out: 0, returned: 0 })),
  });
  const rsv = (id: string, unit: string) => ({
    reservationId: id,
    lineIndex: 0,
    ruleId: 'rul_bike',
    stockItemId: unit,
    quantity: 1,
    start: 0,
    end: 1,
    status: 'confirmed' as const,
  });
  const view = (allocations: ReturnType<typeof rsv>[], missing: number) => ({
    orderId: 'ord_1',
    state: 'active' as const,
    holdUntil: null,
    allocations,
    shortages: missing ? [{ lineIndex: 0, missing }] : [],
  });

  it('keeps the shortage rule when a later view is applied without the listing (a partly filled shortage)', () => {
    const lines = [line([{ ruleId: 'rul_bike', stockItemId: 'ski_b1', reservationId: 'res_ord_1_0' }])];
    const applied = applyView(lines, view([rsv('res_ord_1_0', 'ski_b1'), rsv('res_ord_1_1', 'ski_b2')], 1));
    expect(applied.shortages).toEqual([{ lineIndex: 0, ruleId: 'rul_bike', missing: 1 }]);
    expect(applied.lines[0].allocations.map((a) => a.stockItemId)).toEqual(['ski_b1', 'ski_b2']);
  });

  it('with the listing at hand, a single-rule listing names its rule and a bundle none', () => {
    const lines = [line([])];
    const one = new Map([['lst_bike', { fulfillmentRules: [{ id: 'rul_x' }] }]]);
    const two = new Map([['lst_bike', { fulfillmentRules: [{ id: 'rul_x' }, { id: 'rul_y' }] }]]);
    expect(applyView(lines, view([], 3), one).shortages).toEqual([{ lineIndex: 0, ruleId: 'rul_x', missing: 3 }]);
    expect(applyView(lines, view([], 3), two).shortages).toEqual([{ lineIndex: 0, ruleId: null, missing: 3 }]);
    expect(applyView(lines, view([], 3)).shortages).toEqual([{ lineIndex: 0, ruleId: null, missing: 3 }]);
  });
});
