import { skuRule } from '@circulate/platform/stack';
import { useTestStack } from '../support/stack';
import fc from 'fast-check';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Polls `probe` until `accept` holds or `timeoutMs` passes; returns the last answer and the wait. */
async function until<T>(
  probe: () => Promise<T>,
  accept: (v: T) => boolean,
  timeoutMs = 5000,
): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  let value = await probe();
  while (!accept(value) && Date.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 25));
    value = await probe();
  }
  return { value, ms: Date.now() - started };
}

const START = '2027-06-01T10:00:00Z';
const END = '2027-06-03T10:00:00Z';

describe('availability: the read model through the gateway', () => {
  const stack = useTestStack();
  let harbour: string;
  let hall: string;
  let berlin: string;
  const bikes: any[] = [];
  let daily: string;
  let weekly: string;
  let helmets: string;
  let partySet: string;
  let bySize: string;
  let skis: string;
  let draft: string;
  let inStoreOnly: string;

  const post = async (path: string, body: unknown) => {
    const res = await stack.http('POST', path, { body });
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const availability = (id: string, query = '', key?: string) =>
    stack.http(
      'GET',
      `/listings/${id}/availability?start=${START}&end=${END}${query}`,
      key === undefined ? {} : { key },
    );
  /** The listing's quantity once the read model knows it. */
  const quantityOf = async (id: string, query = '') =>
    (
      await until(
        () => availability(id, query),
        (r) => r.status === 200,
      )
    ).value.body.quantity;

  beforeAll(async () => {
    harbour = (await post('/locations', { name: 'Harbour' })).id;
    hall = (await post('/locations', { name: 'Hall' })).id;
    berlin = (await post('/locations', { name: 'Berlin', timeZone: 'Europe/Berlin' })).id;
    const bikeS = await post('/skus', { code: 'BIK-S', name: 'Bike S', attributes: { size: 'S' } });
    const bikeM = await post('/skus', { code: 'BIK-M', name: 'Bike M', attributes: { size: 'M' } });
    const unit = (skuId: string, locationId: string, code: string) =>
      post('/stock-items', { tracking: 'serialized', skuId, locationId, codes: [code] });
    for (let i = 0; i < 6; i++) bikes.push(await unit(bikeS.id, harbour, `BS-${i}`));
    for (let i = 0; i < 2; i++) bikes.push(await unit(bikeS.id, hall, `BH-${i}`));
    for (let i = 0; i < 3; i++)
      await post('/stock-items', { tracking: 'serialized', skuId: bikeM.id, locationId: harbour });
    const helmet = await post('/skus', { code: 'HLM', name: 'Helmet' });
    await post('/stock-items', { tracking: 'pooled', quantity: 30, skuId: helmet.id, locationId: harbour });
    const table = await post('/skus', { code: 'TAB', name: 'Table' });
    const chair = await post('/skus', { code: 'CHR', name: 'Chair' });
    for (let i = 0; i < 2; i++)
      await post('/stock-items', { tracking: 'serialized', skuId: table.id, locationId: hall });
    await post('/stock-items', { tracking: 'pooled', quantity: 10, skuId: chair.id, locationId: hall });
    const ski = await post('/skus', { code: 'SKI', name: 'Ski', category: ['winter'] });
    for (const length of [150, 150, 160, 170]) {
      await post('/stock-items', {
        tracking: 'serialized',
        skuId: ski.id,
        locationId: berlin,
        overrides: { attributes: { kind: 'ski', length } },
      });
    }

    const base = { status: 'published', channels: { onlineStore: true, admin: true, checkIn: true }, priceTables: [] };
    const bikeRule = { quantity: 1, match: { skuCodes: ['BIK-S'] } };
    daily = (await post('/listings', { ...base, name: 'Bike daily', fulfillmentRules: [bikeRule] })).id;
    weekly = (
      await post('/listings', {
        ...base,
        name: 'Bike weekly',
        locationIds: [harbour, hall],
        fulfillmentRules: [bikeRule],
      })
    ).id;
    helmets = (
      await post('/listings', {
        ...base,
        name: 'Helmet pair',
        fulfillmentRules: [skuRule('HLM', 2)],
      })
    ).id;
    partySet = (
      await post('/listings', {
        ...base,
        name: 'Party set',
        locationIds: [hall],
        fulfillmentRules: [skuRule('TAB'), skuRule('CHR', 6)],
      })
    ).id;
    bySize = (
      await post('/listings', {
        ...base,
        name: 'Bike by size',
        variants: [{ name: 'Size', values: ['S', 'M', 'L'] }],
        fulfillmentRules: [
          { quantity: 1, match: { skuCodeByVariant: { axis: 'Size', map: { S: 'BIK-S', M: 'BIK-M', L: 'BIK-L' } } } },
        ],
      })
    ).id;
    skis = (
      await post('/listings', {
        ...base,
        name: 'Skis',
        locationIds: [berlin],
        variants: [{ name: 'Length', values: ['150', '160', '170', '180'] }],
        fulfillmentRules: [{ quantity: 1, match: { attributes: { kind: 'ski', length: { fromVariant: 'Length' } } } }],
      })
    ).id;
    draft = (await post('/listings', { ...base, status: 'draft', name: 'Bike draft', fulfillmentRules: [bikeRule] }))
      .id;
    inStoreOnly = (
      await post('/listings', {
        ...base,
        name: 'Bike in store',
        channels: { onlineStore: false, admin: true, checkIn: true },
        fulfillmentRules: [bikeRule],
      })
    ).id;
    // The read model follows inventory's and catalog's streams: wait until it has every unit, or a
    // test reading right away would count the stock still on its way.
    const full: [string, string, number][] = [
      [daily, '', 8],
      [helmets, '', 15],
      [partySet, '', 1],
      [bySize, '&variant.Size=S', 8],
      [bySize, '&variant.Size=M', 3],
      [skis, '&variant.Length=150', 2],
      [skis, '&variant.Length=170', 1],
    ];
    for (const [id, query, quantity] of full) {
      const { value } = await until(
        () => availability(id, query),
        (r) => r.status === 200 && r.body.quantity === quantity,
        20_000,
      );
      expect(value.body.quantity).toBe(quantity);
    }
  }, 180_000);

  it('counts units from stock for several listings sharing one fleet, by location', async () => {
    expect(await quantityOf(daily)).toBe(8);
    expect(await quantityOf(weekly)).toBe(8);
    expect(await quantityOf(weekly, `&locationId=${hall}`)).toBe(2);
    expect(await quantityOf(daily, `&locationId=${harbour}`)).toBe(6);
    const res = await availability(daily, '&quantity=8');
    expect(res.body).toEqual({
      available: true,
      quantity: 8,
      rules: [{ ruleId: expect.stringMatching(/^rul_/), required: 8, free: 8 }],
    });
    expect((await availability(daily, '&quantity=9')).body).toMatchObject({ available: false, quantity: 8 });
  });

  it("a location outside the listing's locations offers nothing", async () => {
    expect(await quantityOf(weekly, `&locationId=${berlin}`)).toBe(0);
  });

  it('divides a pool by the rule quantity', async () => {
    expect(await quantityOf(helmets)).toBe(15);
  });

  it('makes one party set of 1 table + 6 chairs out of 2 tables and 10 chairs', async () => {
    const res = (
      await until(
        () => availability(partySet),
        (r) => r.status === 200,
      )
    ).value;
    expect(res.body.quantity).toBe(1);
    expect(res.body.rules.map((r: any) => [r.required, r.free])).toEqual([
      [1, 2],
      [6, 10],
    ]);
  });

  it('resolves variants by SKU code and by attribute pattern', async () => {
    expect(await quantityOf(bySize, '&variant.Size=S')).toBe(8);
    expect(await quantityOf(bySize, '&variant.Size=M')).toBe(3);
    expect(await quantityOf(bySize, '&variant.Size=L')).toBe(0);
    expect(await quantityOf(skis, '&variant.Length=150')).toBe(2);
    expect(await quantityOf(skis, '&variant.Length=170')).toBe(1);
    expect(await quantityOf(skis, '&variant.Length=180')).toBe(0);
  });

  it("answers calendars day by day in the location's time zone, across a DST change", async () => {
    await quantityOf(skis, '&variant.Length=150');
    const res = await stack.http('GET', `/listings/${skis}/calendar?from=2027-03-27&to=2027-03-30&variant.Length=150`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      timeZone: 'Europe/Berlin',
      days: [
        { date: '2027-03-27', quantity: 2 },
        { date: '2027-03-28', quantity: 2 },
        { date: '2027-03-29', quantity: 2 },
      ],
    });
    const utc = await stack.http('GET', `/listings/${daily}/calendar?from=2027-01-01&to=2028-01-02`);
    expect(utc.status).toBe(200);
    expect(utc.body.timeZone).toBe('UTC');
    expect(utc.body.days).toHaveLength(366);
  });

  it('retired, lost and sold units and moved units vanish within a second', async () => {
    const before = await quantityOf(daily);
    for (const [i, patch] of [
      [0, { status: 'out_of_use' }],
      [1, { status: 'lost' }],
      [2, { status: 'sold' }],
    ] as const) {
      const res = await stack.http('PATCH', `/stock-items/${bikes[i].id}`, { body: patch });
      expect(res.status).toBe(200);
      const seen = await until(
        () => quantityOf(daily),
        (q) => q === before - i - 1,
        3000,
      );
      expect(seen.value).toBe(before - i - 1);
      expect(seen.ms).toBeLessThan(2000); // "within a second", with slack for a loaded machine
    }
    expect(await quantityOf(weekly, `&locationId=${hall}`)).toBe(2);
    await stack.http('PATCH', `/stock-items/${bikes[3].id}`, { body: { locationId: hall } });
    const moved = await until(
      () => quantityOf(weekly, `&locationId=${hall}`),
      (q) => q === 3,
      3000,
    );
    expect(moved.value).toBe(3);
    await stack.http('PATCH', `/stock-items/${bikes[0].id}`, { body: { status: 'in_use' } });
    expect(
      (
        await until(
          () => quantityOf(daily),
          (q) => q === before - 2,
          3000,
        )
      ).value,
    ).toBe(before - 2);
  });

  it('shows SKU edits and listing rule changes', async () => {
    const res = await stack.http('PATCH', `/listings/${helmets}`, {
      body: { fulfillmentRules: [{ quantity: 3, match: { skuCodes: ['HLM'] } }] },
    });
    expect(res.status).toBe(200);
    expect(
      (
        await until(
          () => quantityOf(helmets),
          (q) => q === 10,
          3000,
        )
      ).value,
    ).toBe(10);
  });

  it('storefront keys see published online-store listings only', async () => {
    await quantityOf(draft);
    await quantityOf(inStoreOnly);
    expect((await availability(daily, '', stack.keys.storefront)).status).toBe(200);
    for (const id of [draft, inStoreOnly]) {
      const res = await availability(id, '', stack.keys.storefront);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(
        (
          await stack.http('GET', `/listings/${id}/calendar?from=2027-01-01&to=2027-01-05`, {
            key: stack.keys.storefront,
          })
        ).status,
      ).toBe(404);
      expect((await availability(id, '', stack.keys.staff)).status).toBe(200);
    }
    expect((await availability(daily, '', stack.keys.otherAdmin)).status).toBe(404);
  });

  it('explains per rule which units are candidates and why others are excluded (staff only)', async () => {
    expect(await quantityOf(weekly)).toBe(6);
    const res = await availability(weekly, `&explain=true&locationId=${harbour}`, stack.keys.staff);
    expect(res.status).toBe(200);
    const [rule] = res.body.explain;
    const reasons = Object.fromEntries(rule.excluded.map((e: any) => [e.stockItemId, e.reason]));
    expect(reasons[bikes[1].id]).toBe('status');
    expect(reasons[bikes[2].id]).toBe('status');
    expect(reasons[bikes[4 + 2].id]).toBe('location'); // a bike at the hall
    expect(rule.candidates.find((c: any) => c.stockItemId === bikes[0].id)).toEqual({
      stockItemId: bikes[0].id,
      codes: ['BS-0'],
      free: 1,
      blockedBy: [],
    });
    const skiExplain = (await availability(skis, '&explain=true&variant.Length=160')).body.explain[0];
    expect(skiExplain.candidates).toHaveLength(1);
    expect(skiExplain.excluded.map((e: any) => e.reason)).toEqual(['attributes', 'attributes', 'attributes']);
    const plain = await availability(weekly, '&explain=true', stack.keys.storefront);
    expect(plain.status).toBe(200);
    expect(plain.body.explain).toBeUndefined();
  });

  it("answers a unit's schedule (empty until reservations exist)", async () => {
    const res = await stack.http(
      'GET',
      `/stock-items/${bikes[0].id}/reservations?from=2027-01-01T00:00:00Z&to=2027-12-31T00:00:00Z`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [] });
    expect((await stack.http('GET', '/stock-items/ski_nope/reservations')).status).toBe(404);
    expect(
      (await stack.http('GET', `/stock-items/${bikes[0].id}/reservations`, { key: stack.keys.otherAdmin })).status,
    ).toBe(404);
  });

  describe('bad input', () => {
    const cases: [string, string, string][] = [
      ['end before start', `start=${END}&end=${START}`, 'end'],
      ['end equal to start', `start=${START}&end=${START}`, 'end'],
      ['no offset', 'start=2027-06-01T10:00:00&end=2027-06-02T10:00:00Z', 'start'],
      ['unparsable', 'start=tomorrow&end=2027-06-02T10:00:00Z', 'start'],
      ['30 February', 'start=2027-02-30T10:00:00Z&end=2027-03-02T10:00:00Z', 'start'],
      ['more than 366 days', 'start=2027-01-01T00:00:00Z&end=2028-01-03T00:00:00Z', 'end'],
      ['quantity zero', `start=${START}&end=${END}&quantity=0`, 'quantity'],
      ['quantity fractional', `start=${START}&end=${END}&quantity=1.5`, 'quantity'],
      ['quantity twice', `start=${START}&end=${END}&quantity=1&quantity=2`, 'quantity'],
      ['unknown parameter', `start=${START}&end=${END}&colour=red`, 'colour'],
      ['unknown location', `start=${START}&end=${END}&locationId=loc_nope`, 'locationId'],
      ['missing start', `end=${END}`, 'start'],
    ];
    it.each(cases)('%s → 400 naming the field', async (_name, query, field) => {
      await quantityOf(bySize, '&variant.Size=S');
      const res = await stack.http('GET', `/listings/${daily}/availability?${query}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    });

    it('unknown variant axis or value → 400 naming variant.<axis>; a variant the rules need is required', async () => {
      for (const [q, field] of [
        ['&variant.Colour=red', 'variant.Colour'],
        ['&variant.Size=XL', 'variant.Size'],
        ['', 'variant.Size'],
      ]) {
        const res = await availability(bySize, q);
        expect(res.status).toBe(400);
        expect(res.body.errors[0].field).toBe(field);
      }
    });

    it('calendar: bad dates, to <= from, more than 366 days → 400 naming the field', async () => {
      for (const [q, field] of [
        ['from=2027-01-01&to=2027-01-01', 'to'],
        ['from=2027-01-01&to=2028-01-03', 'to'],
        ['from=2027-13-01&to=2028-01-03', 'from'],
        ['from=2027-01-01T00:00:00Z&to=2027-01-03', 'from'],
        ['from=2027-01-01', 'to'],
      ]) {
        const res = await stack.http('GET', `/listings/${daily}/calendar?${q}`);
        expect(res.status).toBe(400);
        expect(res.body.errors.map((e: any) => e.field)).toContain(field);
      }
    });

    it("unknown and other tenants' listings → 404", async () => {
      expect((await availability('lst_nope')).status).toBe(404);
      expect(
        (
          await stack.http('GET', `/listings/${daily}/calendar?from=2027-01-01&to=2027-01-02`, {
            key: stack.keys.otherAdmin,
          })
        ).status,
      ).toBe(404);
    });

    it('a thousand fuzzed query strings never give a 5xx', async () => {
      const keyArb = fc.constantFrom(
        'start',
        'end',
        'quantity',
        'locationId',
        'explain',
        'variant.Size',
        'variant.',
        'from',
        'to',
        '__proto__',
        'constructor',
        'x[y]',
      );
      const valueArb = fc.oneof(
        fc.string(),
        fc.constantFrom(
          START,
          END,
          '2027-02-29T00:00:00Z',
          '9999-12-31T23:59:59+23:59',
          '-1',
          '1e3',
          'S',
          'true',
          harbour,
          '%',
          '%00',
          '[]',
        ),
        fc.integer().map(String),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      );
      const queryArb = fc.array(fc.tuple(keyArb, valueArb), { maxLength: 6 });
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(
          queryArb,
          fc.constantFrom('availability', 'calendar'),
          fc.constantFrom(daily, bySize, 'lst_x'),
          async (pairs, route, id) => {
            const qs = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
            const res = await stack.http('GET', `/listings/${id}/${route}?${qs}`);
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            return res.status < 500;
          },
        ),
        { numRuns: 1000 },
      );
      expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    }, 180_000);
  });

  it('a restarted service rebuilds from the streams and gives the same answers; so does the rebuild command', async () => {
    const probes = [
      `/listings/${daily}/availability?start=${START}&end=${END}`,
      `/listings/${partySet}/availability?start=${START}&end=${END}&explain=true`,
      `/listings/${skis}/calendar?from=2027-03-27&to=2027-04-03&variant.Length=150`,
      `/listings/${bySize}/availability?start=${START}&end=${END}&variant.Size=M&locationId=${harbour}`,
    ];
    await until(
      () => quantityOf(helmets),
      (q) => q === 10,
    );
    const before = await Promise.all(probes.map((p) => stack.http('GET', p).then((r) => r.body)));
    await stack.apps.stop('availability');
    stack.apps.start('availability');
    await stack.apps.waitReady(60_000);
    const after = await Promise.all(
      probes.map((p) =>
        until(
          () => stack.http('GET', p),
          (r) => r.status === 200,
          10_000,
        ).then((r) => r.value.body),
      ),
    );
    expect(after).toEqual(before);

    const rebuild = await stack.http('POST', '/admin/availability/rebuild', {});
    expect(rebuild.status).toBe(200);
    expect(rebuild.body).toMatchObject({ items: 19, listings: 8, locations: 3 });
    expect(await Promise.all(probes.map((p) => stack.http('GET', p).then((r) => r.body)))).toEqual(before);
    expect((await stack.http('POST', '/admin/availability/rebuild', { key: stack.keys.staff })).status).toBe(403);
  }, 120_000);
});
