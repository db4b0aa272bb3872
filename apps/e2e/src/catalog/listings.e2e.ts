import { priceTable, skuRule } from '@circulate/platform/stack';
import { useTestStack } from '../support/stack';
import { connect, JSONCodec } from 'nats';

/* eslint-disable @typescript-eslint/no-explicit-any */
describe('catalog: listings through the gateway', () => {
  const stack = useTestStack();
  let harbour: string;
  let hall: string;

  beforeAll(async () => {
    harbour = (await stack.http('POST', '/locations', { body: { name: 'Harbour shop' } })).body.id;
    hall = (await stack.http('POST', '/locations', { body: { name: 'Event hall' } })).body.id;
  }, 120_000);

  const create = (body: unknown, key?: string) => stack.http('POST', '/listings', { body, key });
  const allListings = async () => (await stack.http('GET', '/listings?limit=500')).body.items as any[];
  const bikeRule = { quantity: 1, match: { skuCodes: ['BIK-S'] } };

  describe('one bike, three listings (seed 003)', () => {
    let daily: any;
    let weekly: any;
    let sale: any;

    beforeAll(async () => {
      /** A published bike listing at the harbour: its name, channels and one price table. */
      const bike = (name: string, channels: Record<string, boolean>, table: object) =>
        create({
          name,
          status: 'published',
          channels,
          locationIds: [harbour],
          priceTables: [table],
          fulfillmentRules: [bikeRule],
        });
      daily = await bike(
        'Bike — daily rental',
        { onlineStore: true, admin: true, checkIn: true },
        priceTable('Daily', { day: 4000 }),
      );
      weekly = await bike('Bike — weekly package', { onlineStore: true }, priceTable('Weekly', { week: 18000 }));
      sale = await bike(
        'Bike — for sale',
        { onlineStore: false, admin: false, checkIn: true },
        {
          name: 'Sale',
          currency: 'EUR',
          salePrice: 39900,
        },
      );
    });

    it('creates all three with the same rule, a generated slug and stable ids', () => {
      for (const res of [daily, weekly, sale]) {
        expect(res.status).toBe(201);
        expect(res.body.id).toMatch(/^lst_[0-9A-Z]{26}$/);
        expect(res.body.priceTables[0].id).toMatch(/^prt_[0-9A-Z]{26}$/);
        expect(res.body.fulfillmentRules).toEqual([{ id: expect.stringMatching(/^rul_[0-9A-Z]{26}$/), ...bikeRule }]);
        expect(res.body.locationIds).toEqual([harbour]);
      }
      expect(daily.body.slug).toBe('bike-daily-rental');
      expect(weekly.body.slug).toBe('bike-weekly-package');
      expect(sale.body).toMatchObject({
        slug: 'bike-for-sale',
        channels: { onlineStore: false, admin: false, checkIn: true },
      });
    });

    it('reads each back by id and by slug', async () => {
      for (const res of [daily, weekly, sale]) {
        const byId = await stack.http('GET', `/listings/${res.body.id}`);
        expect(byId.status).toBe(200);
        expect(byId.body).toEqual(res.body);
        const bySlug = await stack.http('GET', `/listings/by-slug/${res.body.slug}`);
        expect(bySlug.status).toBe(200);
        expect(bySlug.body).toEqual(res.body);
      }
    });

    it('lists by channel and by status', async () => {
      const checkIn = await stack.http('GET', '/listings?channel=check_in&limit=500');
      const ids = checkIn.body.items.map((l: any) => l.id);
      expect(ids).toEqual(expect.arrayContaining([daily.body.id, sale.body.id]));
      expect(ids).not.toContain(weekly.body.id);
      const online = (
        await stack.http('GET', '/listings?channel=onlineStore&status=published&limit=500')
      ).body.items.map((l: any) => l.id);
      expect(online).toEqual(expect.arrayContaining([daily.body.id, weekly.body.id]));
      expect(online).not.toContain(sale.body.id);
      expect(
        (await stack.http('GET', '/listings?status=draft&limit=500')).body.items.map((l: any) => l.id),
      ).not.toContain(daily.body.id);
      expect((await stack.http('GET', '/listings?channel=web')).status).toBe(400);
      expect((await stack.http('GET', '/listings?status=gone')).status).toBe(400);
    });

    it('prices the daily and weekly rentals and the outright sale', async () => {
      const start = '2026-06-01T10:00:00+02:00';
      const d = await stack.http(
        'GET',
        `/listings/${daily.body.id}/price?start=${encodeURIComponent(start)}&end=${encodeURIComponent('2026-06-04T10:00:00+02:00')}`,
      );
      expect(d.status).toBe(200);
      expect(d.body).toMatchObject({
        total: { amount: 12000, currency: 'EUR' },
        breakdown: [{ unit: 'day', count: 3, amount: 12000 }],
      });
      const w = await stack.http(
        'GET',
        `/listings/${weekly.body.id}/price?start=2026-06-01T00:00:00Z&end=2026-06-10T00:00:00Z`,
      );
      expect(w.body.total).toEqual({ amount: 36000, currency: 'EUR' });
      const s = await stack.http('GET', `/listings/${sale.body.id}/price?quantity=2`);
      expect(s.status).toBe(200);
      expect(s.body).toMatchObject({
        total: { amount: 79800, currency: 'EUR' },
        breakdown: [{ unit: 'sale', count: 2, amount: 79800 }],
        purchase: true,
      });
    });
  });

  it('creates and reads back "Party Set for 8": a bundle of two rules on SKUs that have no stock yet', async () => {
    const partyRules = [
      skuRule('EVENT-TABLE-001', 1, { bufferAfter: 'PT4H' }),
      skuRule('EVENT-CHAIR-001', 6, { bufferBefore: 'PT1H', bufferAfter: 'PT4H' }),
    ];
    const res = await create({
      name: 'Party Set for 8',
      description: 'One festival table and six chairs.',
      media: [{ url: 'https://cdn.example/party.jpg', alt: 'Table and chairs' }],
      seo: { title: 'Party set for 8 people', ogImage: 'https://cdn.example/party-og.jpg' },
      locationIds: [hall],
      priceTables: [priceTable('Weekend', { day: 9000, week: 30000 })],
      fulfillmentRules: partyRules,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      slug: 'party-set-for-8',
      status: 'draft',
      channels: { onlineStore: false, admin: true, checkIn: false },
      media: [{ url: 'https://cdn.example/party.jpg', alt: 'Table and chairs' }],
      seo: { title: 'Party set for 8 people', ogImage: 'https://cdn.example/party-og.jpg' },
      fulfillmentRules: partyRules,
    });
    expect(new Set(res.body.fulfillmentRules.map((r: any) => r.id)).size).toBe(2);
    expect((await stack.http('GET', `/listings/${res.body.id}`)).body).toEqual(res.body);
  });

  it('creates "Bike Rental — any size": one listing, three SKUs chosen by the Size variant', async () => {
    const res = await create({
      name: 'Bike Rental — any size',
      locationIds: [harbour, hall],
      variants: [{ name: 'Size', values: ['S', 'M', 'L'] }],
      priceTables: [priceTable('Daily', { day: 4000, week: 18000 })],
      fulfillmentRules: [
        {
          quantity: 1,
          match: {
            skuCodeByVariant: { axis: 'Size', map: { S: 'BIK-S', M: 'BIK-M', L: 'BIK-L' } },
            attributes: { 'Frame size': { fromVariant: 'Size' }, electric: false },
          },
          bufferAfter: 'P1D',
        },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.variants).toEqual([{ name: 'Size', values: ['S', 'M', 'L'] }]);
    expect(res.body.slug).toBe('bike-rental-any-size');
    expect(res.body.fulfillmentRules[0].match).toEqual({
      skuCodeByVariant: { axis: 'Size', map: { S: 'BIK-S', M: 'BIK-M', L: 'BIK-L' } },
      attributes: { 'Frame size': { fromVariant: 'Size' }, electric: false },
    });
    expect((await stack.http('GET', `/listings/${res.body.id}`)).body).toEqual(res.body);

    // The rule still uses Size: removing the axis, or a value the map lacks, is refused and changes nothing.
    const noAxis = await stack.http('PATCH', `/listings/${res.body.id}`, { body: { variants: [] } });
    expect(noAxis.status).toBe(400);
    expect(noAxis.body.errors.map((e: any) => e.field)).toEqual([
      'fulfillmentRules[0].match.skuCodeByVariant.axis',
      'fulfillmentRules[0].match.attributes.Frame size',
    ]);
    const newSize = await stack.http('PATCH', `/listings/${res.body.id}`, {
      body: { variants: [{ name: 'Size', values: ['S', 'M', 'L', 'XL'] }] },
    });
    expect(newSize.status).toBe(400);
    expect((await stack.http('GET', `/listings/${res.body.id}`)).body).toEqual(res.body);
  });

  describe('pricing: the cheapest combination of units covering the period', () => {
    let listing: any;
    beforeAll(async () => {
      listing = (
        await create({
          name: 'Priced bike',
          priceTables: [
            priceTable('Rental', { day: 40, week: 180, hour: 10 }),
            { name: 'Sale', currency: 'EUR', salePrice: 399 },
          ],
          fulfillmentRules: [bikeRule],
        })
      ).body;
    });
    const price = (q: string) => stack.http('GET', `/listings/${listing.id}/price?${q}`);

    it('charges 6 days at 40/day and 180/week as one week: 180', async () => {
      const res = await price('start=2026-03-01T00:00:00Z&end=2026-03-07T00:00:00Z');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        total: { amount: 180, currency: 'EUR' },
        breakdown: [{ unit: 'week', count: 1, amount: 180 }],
        priceTableId: listing.priceTables[0].id,
      });
    });

    it('charges 9 days as a week and two days: 260, times the quantity', async () => {
      const res = await price('start=2026-03-01T00:00:00Z&end=2026-03-10T00:00:00Z&quantity=2');
      expect(res.body).toMatchObject({
        total: { amount: 520, currency: 'EUR' },
        breakdown: [
          { unit: 'week', count: 1, amount: 360 },
          { unit: 'day', count: 2, amount: 160 },
        ],
      });
    });

    it('charges a few hours by the hour, and an offset-shifted period by its real length', async () => {
      expect((await price('start=2026-03-01T10:00:00Z&end=2026-03-01T12:30:00Z')).body.total.amount).toBe(30);
      expect((await price('start=2026-03-01T10:00:00%2B02:00&end=2026-03-01T10:00:00Z')).body.total.amount).toBe(20);
    });

    it('prices a purchase at the sale price of the named or first sale table', async () => {
      expect((await price('quantity=3')).body.total).toEqual({ amount: 1197, currency: 'EUR' });
      expect((await price(`priceTableId=${listing.priceTables[1].id}&purchase=true`)).body.total.amount).toBe(399);
    });

    it.each([
      ['only a start', 'start=2026-03-01T00:00:00Z'],
      ['an end before the start', 'start=2026-03-02T00:00:00Z&end=2026-03-01T00:00:00Z'],
      ['a date without an offset', 'start=2026-03-01T00:00:00&end=2026-03-02T00:00:00'],
      ['quantity 0', 'start=2026-03-01T00:00:00Z&end=2026-03-02T00:00:00Z&quantity=0'],
      ['a fractional quantity', 'start=2026-03-01T00:00:00Z&end=2026-03-02T00:00:00Z&quantity=1.5'],
      ['an unknown price table', 'priceTableId=prt_nope&start=2026-03-01T00:00:00Z&end=2026-03-02T00:00:00Z'],
      ['a rental on the sale-only table', 'priceTableId=PRT&start=2026-03-01T00:00:00Z&end=2026-03-02T00:00:00Z'],
      ['a purchase with a period', 'purchase=true&start=2026-03-01T00:00:00Z&end=2026-03-02T00:00:00Z'],
      ['an unknown query field', 'colour=red'],
    ])('refuses %s → 400', async (_what, q) => {
      const res = await price(q.replace('PRT', listing.priceTables[1].id));
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    });

    it('answers 404 for an unknown listing', async () => {
      expect((await stack.http('GET', '/listings/lst_01ARZ3NDEKTSV4RRFFQ69G5FAV/price?quantity=1')).status).toBe(404);
    });
  });

  describe('slugs are unique per tenant', () => {
    it('numbers a generated slug that is taken: name, name-2, name-3', async () => {
      const slugs = [];
      for (let i = 0; i < 3; i++) slugs.push((await create({ name: 'Kayak Tour' })).body.slug);
      expect(slugs).toEqual(['kayak-tour', 'kayak-tour-2', 'kayak-tour-3']);
    });

    it('refuses an explicit duplicate slug with 409 and creates nothing', async () => {
      await create({ name: 'Snowboard', slug: 'snowboard' });
      const before = (await allListings()).length;
      const dup = await create({ name: 'Another snowboard', slug: 'snowboard' });
      expect(dup.status).toBe(409);
      expect(dup.body).toMatchObject({ status: 409, code: 'CONFLICT_DUPLICATE_SLUG' });
      expect((await allListings()).length).toBe(before);
    });

    it('refuses a PATCH to a slug another listing holds, and keeps the old one', async () => {
      const a = (await create({ name: 'Canoe', slug: 'canoe' })).body;
      const b = (await create({ name: 'Canoe two', slug: 'canoe-two' })).body;
      const res = await stack.http('PATCH', `/listings/${b.id}`, { body: { slug: 'canoe' } });
      expect(res.status).toBe(409);
      expect((await stack.http('GET', `/listings/${b.id}`)).body.slug).toBe('canoe-two');
      expect((await stack.http('GET', `/listings/by-slug/canoe`)).body.id).toBe(a.id);
    });

    it('gives concurrent creations of one name distinct generated slugs', async () => {
      const answers = await Promise.all(Array.from({ length: 5 }, () => create({ name: 'Race Bike' })));
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
      expect(new Set(answers.map((a) => a.body.slug))).toEqual(
        new Set(['race-bike', 'race-bike-2', 'race-bike-3', 'race-bike-4', 'race-bike-5']),
      );
    });

    it('lets exactly one of two concurrent PATCHes take a free slug (the unique index decides)', async () => {
      const a = (await create({ name: 'Raft one' })).body;
      const b = (await create({ name: 'Raft two' })).body;
      const answers = await Promise.all(
        [a, b].map((l) => stack.http('PATCH', `/listings/${l.id}`, { body: { slug: 'the-raft' } })),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = answers.find((r) => r.status === 200)?.body;
      expect((await stack.http('GET', '/listings/by-slug/the-raft')).body.id).toBe(winner.id);
      const loser = [a, b].find((l) => l.id !== winner.id);
      expect((await stack.http('GET', `/listings/${loser.id}`)).body).toEqual(loser);
    });

    it('lets another tenant use the same slug', async () => {
      const res = await create({ name: 'Snowboard', slug: 'snowboard' }, stack.keys.otherAdmin);
      expect(res.status).toBe(201);
      expect(res.body.slug).toBe('snowboard');
    });

    it('answers 404 for an unknown slug', async () => {
      expect((await stack.http('GET', '/listings/by-slug/no-such-thing')).status).toBe(404);
    });
  });

  describe('PATCH replaces arrays and keeps the ids of elements sent back', () => {
    it('keeps a sent-back rule and table id, gives new elements new ids, merges channels', async () => {
      const created = (
        await create({
          name: 'Ski set',
          locationIds: [harbour],
          variants: [{ name: 'Length', values: ['160', '170'] }],
          priceTables: [{ name: 'Daily', currency: 'EUR', rates: [{ unit: 'day', amount: 3000 }] }],
          fulfillmentRules: [{ quantity: 1, match: { skuCodes: ['SKI-160'] } }],
        })
      ).body;
      const [table] = created.priceTables;
      const [rule] = created.fulfillmentRules;
      const res = await stack.http('PATCH', `/listings/${created.id}`, {
        body: {
          description: 'Skis, boots and poles',
          channels: { onlineStore: true },
          locationIds: [harbour, hall],
          priceTables: [
            { ...table, rates: [{ unit: 'day', amount: 3500 }] },
            { name: 'Weekly', currency: 'EUR', rates: [{ unit: 'week', amount: 15000 }] },
          ],
          fulfillmentRules: [
            { ...rule, match: { skuCodeByVariant: { axis: 'Length', map: { '160': 'SKI-160', '170': 'SKI-170' } } } },
            { quantity: 2, match: { skuCodes: ['POLE'] } },
          ],
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        name: 'Ski set',
        slug: created.slug,
        description: 'Skis, boots and poles',
        channels: { onlineStore: true, admin: true, checkIn: false },
      });
      expect(res.body.locationIds).toEqual([harbour, hall]);
      expect(res.body.priceTables[0]).toEqual({
        id: table.id,
        name: 'Daily',
        currency: 'EUR',
        rates: [{ unit: 'day', amount: 3500 }],
      });
      expect(res.body.priceTables[1].id).toMatch(/^prt_/);
      expect(res.body.priceTables[1].id).not.toBe(table.id);
      expect(res.body.fulfillmentRules[0].id).toBe(rule.id);
      expect(res.body.fulfillmentRules[1].id).toMatch(/^rul_/);
      expect(res.body.version).toBe(created.version + 1);

      const dropped = await stack.http('PATCH', `/listings/${created.id}`, {
        body: { fulfillmentRules: [res.body.fulfillmentRules[1]] },
      });
      expect(dropped.body.fulfillmentRules).toEqual([res.body.fulfillmentRules[1]]);
      expect((await stack.http('GET', `/listings/${created.id}`)).body).toEqual(dropped.body);
    });

    it('refuses an id the listing never had, an id in the body, and changes nothing', async () => {
      const created = (
        await create({ name: 'Tent', fulfillmentRules: [{ quantity: 1, match: { skuCodes: ['TENT'] } }] })
      ).body;
      const foreign = await stack.http('PATCH', `/listings/${created.id}`, {
        body: {
          fulfillmentRules: [{ id: 'rul_01ARZ3NDEKTSV4RRFFQ69G5FAV', quantity: 1, match: { skuCodes: ['TENT'] } }],
        },
      });
      expect(foreign.status).toBe(400);
      expect(foreign.body.errors).toContainEqual(expect.objectContaining({ field: 'fulfillmentRules[0].id' }));
      expect((await stack.http('PATCH', `/listings/${created.id}`, { body: { id: 'lst_other' } })).status).toBe(400);
      expect((await stack.http('GET', `/listings/${created.id}`)).body).toEqual(created);
    });

    it("answers 404 when patching another tenant's listing", async () => {
      const created = (await create({ name: 'Private' })).body;
      expect(
        (await stack.http('PATCH', `/listings/${created.id}`, { body: { name: 'Mine' }, key: stack.keys.otherAdmin }))
          .status,
      ).toBe(404);
      expect((await stack.http('GET', `/listings/${created.id}`, { key: stack.keys.otherAdmin })).status).toBe(404);
      expect((await stack.http('DELETE', `/listings/${created.id}`, { key: stack.keys.otherAdmin })).status).toBe(404);
      expect((await stack.http('GET', `/listings/${created.id}`)).body.name).toBe('Private');
    });
  });

  describe('status', () => {
    it('DELETE archives (204), is idempotent, and an archived listing comes back only as a draft', async () => {
      const created = (await create({ name: 'Old canoe', status: 'published' })).body;
      const del = await stack.http('DELETE', `/listings/${created.id}`);
      expect(del.status).toBe(204);
      expect((await stack.http('GET', `/listings/${created.id}`)).body.status).toBe('archived');
      expect((await stack.http('DELETE', `/listings/${created.id}`)).status).toBe(204);
      const publish = await stack.http('PATCH', `/listings/${created.id}`, { body: { status: 'published' } });
      expect(publish.status).toBe(409);
      expect((await stack.http('GET', `/listings/${created.id}`)).body.status).toBe('archived');
      expect((await stack.http('PATCH', `/listings/${created.id}`, { body: { status: 'draft' } })).body.status).toBe(
        'draft',
      );
      expect(
        (await stack.http('GET', '/listings?status=archived&limit=500')).body.items.map((l: any) => l.id),
      ).not.toContain(created.id);
    });

    it('refuses to create an archived listing', async () => {
      expect((await create({ name: 'Born archived', status: 'archived' })).status).toBe(400);
    });
  });

  describe('roles: the storefront sees published web-shop listings only', () => {
    let published: any;
    let draft: any;
    let inStoreOnly: any;
    beforeAll(async () => {
      published = (await create({ name: 'Web bike', status: 'published', channels: { onlineStore: true } })).body;
      draft = (await create({ name: 'Draft bike', channels: { onlineStore: true } })).body;
      inStoreOnly = (
        await create({ name: 'Counter bike', status: 'published', channels: { onlineStore: false, checkIn: true } })
      ).body;
    });

    it('lists, reads and prices only published online-store listings with a storefront key', async () => {
      const key = stack.keys.storefront;
      const list = await stack.http('GET', '/listings?limit=500', { key });
      expect(list.status).toBe(200);
      const ids = list.body.items.map((l: any) => l.id);
      expect(ids).toContain(published.id);
      expect(ids).not.toContain(draft.id);
      expect(ids).not.toContain(inStoreOnly.id);
      for (const l of list.body.items)
        expect(l).toMatchObject({ status: 'published', channels: { onlineStore: true } });
      expect((await stack.http('GET', '/listings?status=draft', { key })).body.items).toEqual([]);
      expect((await stack.http('GET', `/listings/${published.id}`, { key })).status).toBe(200);
      expect((await stack.http('GET', `/listings/by-slug/${published.slug}`, { key })).status).toBe(200);
      for (const hidden of [draft, inStoreOnly]) {
        expect((await stack.http('GET', `/listings/${hidden.id}`, { key })).status).toBe(404);
        expect((await stack.http('GET', `/listings/by-slug/${hidden.slug}`, { key })).status).toBe(404);
        expect((await stack.http('GET', `/listings/${hidden.id}/price?quantity=1`, { key })).status).toBe(404);
      }
    });

    it('lets staff read everything but change nothing; the storefront cannot write', async () => {
      const staff = await stack.http('GET', '/listings?limit=500', { key: stack.keys.staff });
      expect(staff.body.items.map((l: any) => l.id)).toEqual(
        expect.arrayContaining([published.id, draft.id, inStoreOnly.id]),
      );
      expect((await stack.http('GET', `/listings/${draft.id}`, { key: stack.keys.staff })).status).toBe(200);
      for (const key of [stack.keys.staff, stack.keys.storefront]) {
        expect((await create({ name: 'Nope' }, key)).status).toBe(403);
        expect((await stack.http('PATCH', `/listings/${draft.id}`, { body: { name: 'Nope' }, key })).status).toBe(403);
        expect((await stack.http('DELETE', `/listings/${draft.id}`, { key })).status).toBe(403);
      }
      expect((await stack.http('GET', `/listings/${draft.id}`)).body).toEqual(draft);
    });
  });

  describe('bad input answers 400 problem+json and changes nothing', () => {
    const rule = (over: Record<string, unknown>) => ({ quantity: 1, match: { skuCodes: ['BIK-S'] }, ...over });
    const cases: [string, Record<string, unknown>][] = [
      ['an unknown location', { locationIds: ['loc_01ARZ3NDEKTSV4RRFFQ69G5FAV'] }],
      ['a malformed location id', { locationIds: ['harbour'] }],
      ['rule quantity 0', { fulfillmentRules: [rule({ quantity: 0 })] }],
      ['a fractional rule quantity', { fulfillmentRules: [rule({ quantity: 1.5 })] }],
      ['a rule without any condition', { fulfillmentRules: [rule({ match: {} })] }],
      [
        'a rule on an unknown axis (skuCodeByVariant)',
        { fulfillmentRules: [rule({ match: { skuCodeByVariant: { axis: 'Size', map: { S: 'BIK-S' } } } })] },
      ],
      [
        'a rule on an unknown axis (fromVariant)',
        {
          variants: [{ name: 'Size', values: ['S'] }],
          fulfillmentRules: [rule({ match: { attributes: { colour: { fromVariant: 'Colour' } } } })],
        },
      ],
      [
        'a skuCodeByVariant map missing a value',
        {
          variants: [{ name: 'Size', values: ['S', 'M'] }],
          fulfillmentRules: [rule({ match: { skuCodeByVariant: { axis: 'Size', map: { S: 'BIK-S' } } } })],
        },
      ],
      ['a buffer that is not a duration', { fulfillmentRules: [rule({ bufferAfter: '2 days' })] }],
      ['an attribute value that is an array', { fulfillmentRules: [rule({ match: { attributes: { size: ['S'] } } })] }],
      [
        'an attribute object other than fromVariant',
        { fulfillmentRules: [rule({ match: { attributes: { size: { gt: 1 } } } })] },
      ],
      ['a negative rate', { priceTables: [{ name: 'X', currency: 'EUR', rates: [{ unit: 'day', amount: -1 }] }] }],
      ['a negative sale price', { priceTables: [{ name: 'X', currency: 'EUR', salePrice: -5 }] }],
      [
        'a fractional amount',
        { priceTables: [{ name: 'X', currency: 'EUR', rates: [{ unit: 'day', amount: 10.5 }] }] },
      ],
      [
        'mixed currencies',
        {
          priceTables: [
            { name: 'A', currency: 'EUR', salePrice: 1 },
            { name: 'B', currency: 'USD', salePrice: 1 },
          ],
        },
      ],
      ['an unknown rate unit', { priceTables: [{ name: 'X', currency: 'EUR', rates: [{ unit: 'year', amount: 1 }] }] }],
      ['a price table without prices', { priceTables: [{ name: 'X', currency: 'EUR' }] }],
      ['a client-chosen rule id', { fulfillmentRules: [rule({ id: 'rul_01ARZ3NDEKTSV4RRFFQ69G5FAV' })] }],
      ['a bad slug', { slug: 'Not A Slug' }],
      ['an unknown field', { colour: 'red' }],
      ['an unknown nested field', { channels: { onlineStore: true, fax: true } }],
      ['a repeated variant value', { variants: [{ name: 'Size', values: ['S', 'S'] }] }],
    ];

    it.each(cases)('%s → 400 on create', async (_what, extra) => {
      const before = await allListings();
      const res = await create({ name: 'Bad bike', ...extra });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 400, title: 'Bad Request', detail: expect.any(String) });
      expect((await allListings()).length).toBe(before.length);
    });

    it('names the offending field of a rule with an unknown axis', async () => {
      const res = await create({
        name: 'Bad bike',
        fulfillmentRules: [rule({ match: { skuCodeByVariant: { axis: 'Size', map: { S: 'BIK-S' } } } })],
      });
      expect(res.body.errors).toEqual([
        { field: 'fulfillmentRules[0].match.skuCodeByVariant.axis', message: 'the listing has no variant axis "Size"' },
      ]);
    });

    it('refuses a $-key or dotted key inside rule attributes', async () => {
      for (const raw of [
        '{"name":"X","fulfillmentRules":[{"quantity":1,"match":{"attributes":{"$gt":""}}}]}',
        '{"name":"X","fulfillmentRules":[{"quantity":1,"match":{"attributes":{"a.b":1}}}]}',
      ]) {
        expect((await stack.http('POST', '/listings', { rawBody: raw })).status).toBe(400);
      }
    });

    it.each(cases.filter(([what]) => !/field|slug|client-chosen/.test(what)))(
      '%s → 400 on PATCH, listing unchanged',
      async (_what, extra) => {
        const target = (await create({ name: 'Patch target', locationIds: [harbour], fulfillmentRules: [rule({})] }))
          .body;
        const res = await stack.http('PATCH', `/listings/${target.id}`, { body: extra });
        expect(res.status).toBe(400);
        expect((await stack.http('GET', `/listings/${target.id}`)).body).toEqual(target);
      },
    );
  });

  it('publishes created, updated and archived facts carrying the full rules and locations', async () => {
    const created = (
      await create({
        name: 'Evented bike',
        locationIds: [harbour],
        variants: [{ name: 'Size', values: ['S', 'M'] }],
        fulfillmentRules: [
          {
            quantity: 1,
            match: { skuCodeByVariant: { axis: 'Size', map: { S: 'BIK-S', M: 'BIK-M' } } },
            bufferAfter: 'PT2H',
          },
        ],
      })
    ).body;
    const updated = (
      await stack.http('PATCH', `/listings/${created.id}`, {
        body: { status: 'published', locationIds: [harbour, hall] },
      })
    ).body;
    expect((await stack.http('DELETE', `/listings/${created.id}`)).status).toBe(204);

    const nc = await connect({ servers: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' });
    try {
      const jsm = await nc.jetstreamManager();
      const stream = `${stack.namespace}_catalog_events`;
      const info = await jsm.streams.info(stream);
      const facts: any[] = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
        const fact = JSONCodec<any>().decode((await jsm.streams.getMessage(stream, { seq })).data);
        if (fact.aggregateId === created.id) facts.push(fact);
      }
      expect(facts.map((f) => [f.type, f.aggregateVersion])).toEqual([
        ['catalog.listing.created.v1', 1],
        ['catalog.listing.updated.v1', 2],
        ['catalog.listing.archived.v1', 3],
      ]);
      for (const f of facts) expect(f.tenantId).toBe('acme');
      expect(facts[0].data.listing).toMatchObject({
        id: created.id,
        tenantId: 'acme',
        status: 'draft',
        locationIds: [harbour],
        variants: created.variants,
      });
      expect(facts[0].data.listing.fulfillmentRules).toEqual([
        { ...created.fulfillmentRules[0], bufferBeforeMs: 0, bufferAfterMs: 7_200_000 },
      ]);
      expect(facts[1].data.listing).toMatchObject({
        status: 'published',
        locationIds: updated.locationIds,
        channels: updated.channels,
      });
      expect(facts[2].data.listing).toMatchObject({
        status: 'archived',
        locationIds: [harbour, hall],
        fulfillmentRules: [expect.objectContaining({ id: created.fulfillmentRules[0].id })],
      });
    } finally {
      await nc.close();
    }
  });

  it('publishes nothing and changes nothing for a PATCH that changes nothing', async () => {
    const created = (await create({ name: 'Still bike' })).body;
    const same = await stack.http('PATCH', `/listings/${created.id}`, { body: { name: 'Still bike' } });
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(created.version);
  });
});
