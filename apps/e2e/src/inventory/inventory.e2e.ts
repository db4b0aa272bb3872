import { useTestStack } from '../support/stack';
import { Inventory } from './support';

const EUR = (amount: number) => ({ amount, currency: 'EUR' });

describe('inventory: SKUs, stock items, codes, ledgers and timelines (through the gateway)', () => {
  const stack = useTestStack();
  let inv: Inventory;
  let loc: string;
  let loc2: string;

  beforeAll(async () => {
    inv = new Inventory(stack);
    loc = await inv.location('Harbour');
    loc2 = await inv.location('Station');
  }, 120_000);

  afterAll(async () => {
    await inv?.close();
  });

  describe('SKUs', () => {
    it('creates a SKU with category path, attributes and purchase price, and counts its stock items', async () => {
      const body = {
        code: 'BIK-S',
        name: 'Bike S',
        category: ['Bicycles', 'City'],
        attributes: { Brand: 'Trek', 'Frame size': 'S', gears: 7, electric: false },
        purchasePrice: EUR(49900),
        description: 'City bike, small frame',
      };
      const sku = await inv.sku(body);
      expect(sku).toMatchObject({ ...body, stockItemCount: 0 });
      expect(sku.id).toMatch(/^sku_[0-9A-Z]{26}$/);
      await inv.item({ tracking: 'serialized', skuId: sku.id, locationId: loc });
      await inv.item({ tracking: 'pooled', quantity: 5, skuId: sku.id, locationId: loc });
      const read = await stack.http('GET', `/skus/${sku.id}`);
      expect(read.status).toBe(200);
      expect(read.body.stockItemCount).toBe(2);
    });

    it('a SKU code is unique per tenant (409), and another tenant may use the same code', async () => {
      await inv.sku({ code: 'HELMET', name: 'Helmet' });
      const again = await stack.http('POST', '/skus', { body: { code: 'HELMET', name: 'Other helmet' } });
      expect(again.status).toBe(409);
      expect(again.headers.get('content-type')).toContain('application/problem+json');
      const other = await stack.http('POST', '/skus', {
        body: { code: 'HELMET', name: 'Helmet' },
        key: stack.keys.otherAdmin,
      });
      expect(other.status).toBe(201);
      const renamed = await inv.sku({ code: 'LOCK', name: 'Lock' });
      const clash = await stack.http('PATCH', `/skus/${renamed.id}`, { body: { code: 'HELMET' } });
      expect(clash.status).toBe(409);
      expect((await stack.http('GET', `/skus/${renamed.id}`)).body.code).toBe('LOCK');
    });

    it('lists SKUs filtered by code and searched by name, with cursor pages', async () => {
      await inv.sku({ code: 'SKI-160', name: 'Alpine Ski 160' });
      await inv.sku({ code: 'SKI-170', name: 'Alpine ski 170' });
      await inv.sku({ code: 'POLE', name: 'Ski pole' });
      const byCode = await stack.http('GET', '/skus?code=SKI-160');
      expect(byCode.body.items.map((s: { code: string }) => s.code)).toEqual(['SKI-160']);
      const byName = await stack.http('GET', '/skus?q=alpine%20ski');
      expect(byName.body.items.map((s: { code: string }) => s.code).sort()).toEqual(['SKI-160', 'SKI-170']);
      const regexSafe = await stack.http('GET', '/skus?q=.*');
      expect(regexSafe.status).toBe(200);
      expect(regexSafe.body.items).toEqual([]);
      const first = await stack.http('GET', '/skus?q=ski&limit=2');
      expect(first.body.items).toHaveLength(2);
      const second = await stack.http('GET', `/skus?q=ski&limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body.items).toHaveLength(1);
      expect(second.body.nextCursor).toBeNull();
    });

    it('editing a SKU changes linked items but not their overrides', async () => {
      const sku = await inv.sku({
        code: 'CAM-A',
        name: 'Camera A',
        category: ['Cameras'],
        attributes: { Mount: 'E', Colour: 'black' },
        purchasePrice: EUR(120000),
      });
      const plain = await inv.item({ tracking: 'serialized', skuId: sku.id, locationId: loc });
      const custom = await inv.item({
        tracking: 'serialized',
        skuId: sku.id,
        locationId: loc,
        overrides: { name: 'Camera A (signed)', attributes: { Colour: 'silver' } },
      });
      /** What an item shows: its SKU's fields under its own overrides. */
      const camera = (name: string, attributes: Record<string, string>, price: number) => ({
        name,
        category: ['Cameras'],
        attributes,
        purchasePrice: EUR(price),
      });
      expect(custom.effective).toEqual(camera('Camera A (signed)', { Mount: 'E', Colour: 'silver' }, 120000));
      expect(custom.skuCode).toBe('CAM-A');

      const edit = await stack.http('PATCH', `/skus/${sku.id}`, {
        body: {
          code: 'CAM-A2',
          name: 'Camera A mk2',
          attributes: { Mount: 'L', Colour: 'grey' },
          purchasePrice: EUR(99000),
        },
      });
      expect(edit.status).toBe(200);
      const a = (await stack.http('GET', `/stock-items/${plain.id}`)).body;
      const b = (await stack.http('GET', `/stock-items/${custom.id}`)).body;
      expect(a.effective).toEqual(camera('Camera A mk2', { Mount: 'L', Colour: 'grey' }, 99000));
      expect(a.skuCode).toBe('CAM-A2');
      expect(b.effective).toEqual(camera('Camera A (signed)', { Mount: 'L', Colour: 'silver' }, 99000));
      expect(b.overrides).toEqual({ name: 'Camera A (signed)', attributes: { Colour: 'silver' } });

      // The linked items published their new snapshots, so read models follow without asking.
      const events = await inv.eventsUntil((es) =>
        es.some(
          (e) =>
            e.type === 'inventory.stock-item.changed.v1' &&
            e.aggregateId === plain.id &&
            e.data.reason === 'sku_updated',
        ),
      );
      const snapshot = events
        .filter((e) => e.type === 'inventory.stock-item.changed.v1' && e.aggregateId === plain.id)
        .pop();
      expect(snapshot?.data.reason).toBe('sku_updated');
      expect(snapshot?.data.item).toMatchObject({ skuCode: 'CAM-A2', effective: { name: 'Camera A mk2' } });
      expect(events.some((e) => e.type === 'inventory.sku.updated.v1' && e.aggregateId === sku.id)).toBe(true);
    });

    it('deleting a SKU unlinks its items (skuId null), which keep their codes, ledger and timeline, and frees the code', async () => {
      const sku = await inv.sku({ code: 'KAYAK', name: 'Kayak', attributes: { seats: 1 }, purchasePrice: EUR(80000) });
      const item = await inv.item({
        tracking: 'serialized',
        skuId: sku.id,
        locationId: loc,
        codes: ['KAY-001', 'SN-998877'],
        overrides: { attributes: { colour: 'red' } },
      });
      await stack.http('POST', `/stock-items/${item.id}/ledger`, {
        body: { type: 'cost', amount: EUR(2500), reason: 'repair' },
      });

      const del = await stack.http('DELETE', `/skus/${sku.id}`);
      expect(del.status).toBe(204);
      expect((await stack.http('GET', `/skus/${sku.id}`)).status).toBe(404);
      expect((await stack.http('DELETE', `/skus/${sku.id}`)).status).toBe(404);

      const after = (await stack.http('GET', `/stock-items/${item.id}`)).body;
      expect(after).toMatchObject({ skuId: null, skuCode: null, codes: ['KAY-001', 'SN-998877'] });
      expect(after.effective).toEqual({ name: null, category: [], attributes: { colour: 'red' }, purchasePrice: null });
      expect((await stack.http('GET', '/stock-items/lookup?code=SN-998877')).body.id).toBe(item.id);
      const ledger = (await stack.http('GET', `/stock-items/${item.id}/ledger`)).body;
      expect(ledger.totals.cost).toEqual(EUR(2500));
      const timeline = (await stack.http('GET', `/stock-items/${item.id}/timeline`)).body.items;
      expect(timeline.map((t: { type: string }) => t.type)).toEqual(['registered', 'cost_recorded']);

      const events = await inv.events();
      expect(
        events.some(
          (e) =>
            e.type === 'inventory.sku.deleted.v1' &&
            e.aggregateId === sku.id &&
            e.data.linkedStockItemIds.includes(item.id),
        ),
      ).toBe(true);
      const unlinked = events.filter((e) => e.aggregateId === item.id).pop();
      expect(unlinked?.data).toMatchObject({ reason: 'sku_deleted', item: { skuId: null } });

      expect((await stack.http('POST', '/skus', { body: { code: 'KAYAK', name: 'Kayak v2' } })).status).toBe(201);
    });

    it('staff read SKUs and stock items but do not change them; the storefront sees no inventory but locations', async () => {
      const sku = await inv.sku({ code: 'ROLE-1', name: 'Role test' });
      expect((await stack.http('GET', '/skus', { key: stack.keys.staff })).status).toBe(200);
      expect((await stack.http('GET', '/stock-items', { key: stack.keys.staff })).status).toBe(200);
      expect(
        (await stack.http('POST', '/skus', { body: { code: 'X1', name: 'X' }, key: stack.keys.staff })).status,
      ).toBe(403);
      expect(
        (await stack.http('PATCH', `/skus/${sku.id}`, { body: { name: 'Y' }, key: stack.keys.staff })).status,
      ).toBe(403);
      expect((await stack.http('DELETE', `/skus/${sku.id}`, { key: stack.keys.staff })).status).toBe(403);
      expect(
        (
          await stack.http('POST', '/stock-items', {
            body: { tracking: 'serialized', locationId: loc },
            key: stack.keys.staff,
          })
        ).status,
      ).toBe(403);
      expect((await stack.http('GET', '/skus', { key: stack.keys.storefront })).status).toBe(403);
      expect((await stack.http('GET', '/stock-items', { key: stack.keys.storefront })).status).toBe(403);
      expect((await stack.http('GET', '/stock-items/lookup?code=X', { key: stack.keys.storefront })).status).toBe(403);
      expect((await stack.http('GET', '/locations', { key: stack.keys.storefront })).status).toBe(200);
    });

    it("another tenant's SKU or stock item answers 404", async () => {
      const sku = await inv.sku({ code: 'MINE', name: 'Mine' });
      const item = await inv.item({ tracking: 'serialized', locationId: loc, codes: ['MINE-1'] });
      const k = { key: stack.keys.otherAdmin };
      expect((await stack.http('GET', `/skus/${sku.id}`, k)).status).toBe(404);
      expect((await stack.http('PATCH', `/skus/${sku.id}`, { ...k, body: { name: 'Theirs' } })).status).toBe(404);
      expect((await stack.http('DELETE', `/skus/${sku.id}`, k)).status).toBe(404);
      expect((await stack.http('GET', `/stock-items/${item.id}`, k)).status).toBe(404);
      expect((await stack.http('GET', '/stock-items/lookup?code=MINE-1', k)).status).toBe(404);
      expect((await stack.http('GET', `/stock-items/${item.id}/ledger`, k)).status).toBe(404);
      expect((await stack.http('PATCH', `/stock-items/${item.id}`, { ...k, body: { condition: 'bad' } })).status).toBe(
        404,
      );
      // Codes are unique per tenant, not across tenants.
      const otherLoc = await stack.http('POST', '/locations', { ...k, body: { name: 'Theirs' } });
      expect(
        (
          await stack.http('POST', '/stock-items', {
            ...k,
            body: { tracking: 'serialized', locationId: otherLoc.body.id, codes: ['MINE-1'] },
          })
        ).status,
      ).toBe(201);
    });
  });

  describe('stock items', () => {
    it('registers a serialized item with several codes, and scanning any of them finds it', async () => {
      const item = await inv.item({
        tracking: 'serialized',
        locationId: loc,
        codes: ['BIKE-0001', 'WTU123456', '4006381333931'],
        condition: 'new',
      });
      expect(item).toMatchObject({
        tracking: 'serialized',
        quantity: 1,
        skuId: null,
        codes: ['BIKE-0001', 'WTU123456', '4006381333931'],
        locationId: loc,
        condition: 'new',
        status: 'in_use',
        state: { in: 1, out: 0 },
      });
      expect(item.id).toMatch(/^ski_[0-9A-Z]{26}$/);
      for (const code of item.codes) {
        const found = await stack.http('GET', `/stock-items/lookup?code=${code}`);
        expect(found.status).toBe(200);
        expect(found.body.id).toBe(item.id);
      }
      expect((await stack.http('GET', '/stock-items/lookup?code=NOPE-404')).status).toBe(404);
    });

    it('an item registered without codes gets its id as internal code', async () => {
      const item = await inv.item({ tracking: 'serialized', locationId: loc });
      expect(item.codes).toEqual([item.id]);
      expect((await stack.http('GET', `/stock-items/lookup?code=${item.id}`)).body.id).toBe(item.id);
    });

    it('registers a pool of N units with counts as state', async () => {
      const pool = await inv.item({ tracking: 'pooled', quantity: 50, locationId: loc, codes: ['HELMETS'] });
      expect(pool).toMatchObject({ tracking: 'pooled', quantity: 50, state: { in: 50, out: 0 } });
    });

    describe('bad input answers 4xx and changes nothing', () => {
      const count = async () => {
        let n = 0;
        let cursor: string | null = null;
        do {
          const res: any = await stack.http('GET', `/stock-items?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
          n += res.body.items.length;
          cursor = res.body.nextCursor;
        } while (cursor);
        return n;
      };

      it.each([
        ['serialized with quantity 2', () => ({ tracking: 'serialized', quantity: 2, locationId: loc })],
        ['pooled with quantity 0', () => ({ tracking: 'pooled', quantity: 0, locationId: loc })],
        ['an unknown tracking mode', () => ({ tracking: 'bulk', locationId: loc })],
        [
          'an unknown SKU',
          () => ({ tracking: 'serialized', skuId: 'sku_01HZZZZZZZZZZZZZZZZZZZZZZZ', locationId: loc }),
        ],
        ['an unknown location', () => ({ tracking: 'serialized', locationId: 'loc_01HZZZZZZZZZZZZZZZZZZZZZZZ' })],
        ['a missing location', () => ({ tracking: 'serialized' })],
        ['an empty code', () => ({ tracking: 'serialized', locationId: loc, codes: [''] })],
        ['an empty code list', () => ({ tracking: 'serialized', locationId: loc, codes: [] })],
        ['the same code twice', () => ({ tracking: 'serialized', locationId: loc, codes: ['TWICE-1', 'TWICE-1'] })],
        ['an unknown field', () => ({ tracking: 'serialized', locationId: loc, colour: 'red' })],
        [
          'attributes that are not scalars',
          () => ({ tracking: 'serialized', locationId: loc, overrides: { attributes: { a: { b: 1 } } } }),
        ],
      ])('%s → 400', async (_what, body) => {
        const before = await count();
        const res = await stack.http('POST', '/stock-items', { body: body() });
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(await count()).toBe(before);
        expect((await stack.http('GET', '/stock-items/lookup?code=TWICE-1')).status).toBe(404);
      });

      it.each([
        [
          'a $-operator key',
          '{"tracking":"serialized","locationId":"L","codes":["A"],"overrides":{"attributes":{"$where":"1"}}}',
        ],
        ['a $-operator value object', '{"code":{"$gt":""},"name":"X"}'],
        ['a prototype key', '{"tracking":"serialized","locationId":"L","__proto__":{"admin":true}}'],
        ['a constructor key', '{"code":"PROTO","name":"X","attributes":{"constructor":{"prototype":{"x":1}}}}'],
      ])('JSON with %s never reaches MongoDB (400)', async (_what, raw) => {
        const before = await count();
        const path = raw.includes('"tracking"') ? '/stock-items' : '/skus';
        const res = await stack.http('POST', path, { rawBody: raw.replace('"L"', JSON.stringify(loc)) });
        expect(res.status).toBe(400);
        expect(await count()).toBe(before);
        expect((await stack.http('GET', '/skus?code=PROTO')).body.items).toEqual([]);
      });

      it('a code used by another item → 409, and none of the request’s codes is kept', async () => {
        await inv.item({ tracking: 'serialized', locationId: loc, codes: ['TAKEN-1'] });
        const before = await count();
        const res = await stack.http('POST', '/stock-items', {
          body: { tracking: 'serialized', locationId: loc, codes: ['FRESH-1', 'TAKEN-1'] },
        });
        expect(res.status).toBe(409);
        expect(res.body.detail).toMatch(/TAKEN-1/);
        expect(await count()).toBe(before);
        expect((await stack.http('GET', '/stock-items/lookup?code=FRESH-1')).status).toBe(404);
        expect((await inv.item({ tracking: 'serialized', locationId: loc, codes: ['FRESH-1'] })).codes).toEqual([
          'FRESH-1',
        ]);
      });

      it('codes are unique even when two registrations race for the same code', async () => {
        const results = await Promise.all(
          Array.from({ length: 6 }, () =>
            stack.http('POST', '/stock-items', {
              body: { tracking: 'serialized', locationId: loc, codes: ['RACE-1'] },
            }),
          ),
        );
        expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      });
    });

    it('changing the tracking mode is a one-way door: 422 says to create new records and retire the old ones', async () => {
      const item = await inv.item({ tracking: 'serialized', locationId: loc });
      const pool = await inv.item({ tracking: 'pooled', quantity: 10, locationId: loc });
      for (const [id, body] of [
        [item.id, { tracking: 'pooled' }],
        [item.id, { tracking: 'serialized' }],
        [item.id, { quantity: 5 }],
        [pool.id, { tracking: 'serialized' }],
      ] as const) {
        const res = await stack.http('PATCH', `/stock-items/${id}`, { body });
        expect(res.status).toBe(422);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        if ('tracking' in body || id === item.id) expect(res.body.detail).toMatch(/create new records.*retire/);
      }
      const poolQuantity = await stack.http('PATCH', `/stock-items/${pool.id}`, { body: { quantity: 12 } });
      expect(poolQuantity.status).toBe(422);
      expect(poolQuantity.body.detail).toMatch(/adjustments/);
      expect((await stack.http('GET', `/stock-items/${item.id}`)).body).toMatchObject({
        tracking: 'serialized',
        quantity: 1,
        version: 1,
      });
      expect((await stack.http('GET', `/stock-items/${pool.id}`)).body).toMatchObject({
        tracking: 'pooled',
        quantity: 10,
        version: 1,
      });
    });

    it('PATCH moves, re-conditions, re-codes and overrides an item; the timeline records each change oldest first', async () => {
      const sku = await inv.sku({ code: 'SUP', name: 'Paddle board', attributes: { length: 320 } });
      const item = await inv.item({
        tracking: 'serialized',
        skuId: sku.id,
        locationId: loc,
        codes: ['SUP-1'],
        condition: 'new',
      });
      const r1 = await stack.http('PATCH', `/stock-items/${item.id}`, { body: { locationId: loc2 } });
      expect(r1.status).toBe(200);
      expect(r1.body.locationId).toBe(loc2);
      const r2 = await stack.http('PATCH', `/stock-items/${item.id}`, {
        body: { condition: 'good', codes: ['SUP-1B', 'SUP-SERIAL'] },
      });
      expect(r2.body).toMatchObject({ condition: 'good', codes: ['SUP-1B', 'SUP-SERIAL'] });
      expect((await stack.http('GET', '/stock-items/lookup?code=SUP-1')).status).toBe(404);
      expect((await stack.http('GET', '/stock-items/lookup?code=SUP-SERIAL')).body.id).toBe(item.id);
      // The released code is free for another item.
      await inv.item({ tracking: 'serialized', locationId: loc, codes: ['SUP-1'] });
      const r3 = await stack.http('PATCH', `/stock-items/${item.id}`, {
        body: { overrides: { name: 'Board #1', attributes: { length: 300 } } },
      });
      expect(r3.body.effective).toMatchObject({ name: 'Board #1', attributes: { length: 300 } });
      const r4 = await stack.http('PATCH', `/stock-items/${item.id}`, { body: { overrides: { name: null } } });
      expect(r4.body.effective.name).toBe('Paddle board');
      const r5 = await stack.http('PATCH', `/stock-items/${item.id}`, { body: { status: 'out_of_use' } });
      expect(r5.body.status).toBe('out_of_use');
      const timeline = (await stack.http('GET', `/stock-items/${item.id}/timeline`)).body.items;
      expect(timeline.map((t: { type: string }) => t.type)).toEqual([
        'registered',
        'moved',
        'condition_changed',
        'codes_changed',
        'overrides_changed',
        'overrides_changed',
        'status_changed',
      ]);
      expect(timeline[1].data).toEqual({ from: loc, to: loc2 });
      expect(timeline[3].data).toMatchObject({ added: ['SUP-1B', 'SUP-SERIAL'], removed: ['SUP-1'] });
      expect(timeline[6].data).toEqual({ from: 'in_use', to: 'out_of_use' });
      const times = timeline.map((t: { at: string }) => Date.parse(t.at));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    });

    it('a PATCH with a code of another item → 409 and changes nothing', async () => {
      await inv.item({ tracking: 'serialized', locationId: loc, codes: ['OWNED-A'] });
      const item = await inv.item({ tracking: 'serialized', locationId: loc, codes: ['OWNED-B'] });
      const res = await stack.http('PATCH', `/stock-items/${item.id}`, {
        body: { codes: ['OWNED-B', 'NEW-C', 'OWNED-A'], condition: 'worn' },
      });
      expect(res.status).toBe(409);
      const after = (await stack.http('GET', `/stock-items/${item.id}`)).body;
      expect(after).toMatchObject({ codes: ['OWNED-B'], condition: null, version: 1 });
      expect((await stack.http('GET', '/stock-items/lookup?code=NEW-C')).status).toBe(404);
      expect((await stack.http('PATCH', `/stock-items/${item.id}`, { body: { codes: ['X', 'X'] } })).status).toBe(400);
      expect((await stack.http('PATCH', `/stock-items/${item.id}`, { body: { codes: [] } })).status).toBe(400);
      expect(
        (await stack.http('PATCH', `/stock-items/${item.id}`, { body: { locationId: 'loc_nowhere' } })).status,
      ).toBe(400);
      expect((await stack.http('PATCH', `/stock-items/${item.id}`, { body: { status: 'broken' } })).status).toBe(400);
      expect((await stack.http('GET', `/stock-items/${item.id}`)).body.version).toBe(1);
    });

    it('a sold item is final: no status change brings it back (409)', async () => {
      const item = await inv.item({ tracking: 'serialized', locationId: loc });
      expect((await stack.http('PATCH', `/stock-items/${item.id}`, { body: { status: 'sold' } })).status).toBe(200);
      const back = await stack.http('PATCH', `/stock-items/${item.id}`, { body: { status: 'in_use' } });
      expect(back.status).toBe(409);
    });

    it('lists stock items filtered by SKU, location, status and tracking, with cursor pages', async () => {
      const sku = await inv.sku({ code: 'LIST-SKU', name: 'List' });
      const here = await inv.location('List shop');
      const a = await inv.item({ tracking: 'serialized', skuId: sku.id, locationId: here });
      const b = await inv.item({ tracking: 'serialized', skuId: sku.id, locationId: here });
      const c = await inv.item({ tracking: 'pooled', quantity: 3, skuId: sku.id, locationId: here });
      await stack.http('PATCH', `/stock-items/${b.id}`, { body: { status: 'lost' } });
      const ids = async (q: string) =>
        (await stack.http('GET', `/stock-items?${q}`)).body.items.map((i: { id: string }) => i.id);
      expect(await ids(`skuId=${sku.id}`)).toEqual([a.id, b.id, c.id]);
      expect(await ids(`locationId=${here}&tracking=pooled`)).toEqual([c.id]);
      expect(await ids(`skuId=${sku.id}&status=lost`)).toEqual([b.id]);
      const page1 = await stack.http('GET', `/stock-items?skuId=${sku.id}&limit=2`);
      expect(page1.body.items).toHaveLength(2);
      const page2 = await stack.http('GET', `/stock-items?skuId=${sku.id}&limit=2&cursor=${page1.body.nextCursor}`);
      expect(page2.body.items.map((i: { id: string }) => i.id)).toEqual([c.id]);
      expect(page2.body.nextCursor).toBeNull();
      expect((await stack.http('GET', '/stock-items?status=broken')).status).toBe(400);
      expect((await stack.http('GET', '/stock-items?limit=501')).status).toBe(400);
      expect((await stack.http('GET', '/stock-items?cursor=garbage')).status).toBe(400);
    });
  });

  describe('batch registration', () => {
    it('registers N serialized items under a SKU in one call', async () => {
      const sku = await inv.sku({ code: 'BIK-M', name: 'Bike M', attributes: { 'Frame size': 'M' } });
      const codes = Array.from({ length: 20 }, (_, i) => `BIKM-${String(i + 1).padStart(3, '0')}`);
      const res = await stack.http('POST', '/stock-items/batch', {
        body: { skuId: sku.id, locationId: loc, count: 20, tracking: 'serialized', codes },
      });
      expect(res.status).toBe(201);
      expect(res.body.items).toHaveLength(20);
      expect(res.body.items.map((i: { codes: string[] }) => i.codes[0])).toEqual(codes);
      expect(res.body.items[0]).toMatchObject({
        skuId: sku.id,
        skuCode: 'BIK-M',
        tracking: 'serialized',
        quantity: 1,
        effective: { name: 'Bike M' },
      });
      expect((await stack.http('GET', `/skus/${sku.id}`)).body.stockItemCount).toBe(20);
      expect((await stack.http('GET', '/stock-items/lookup?code=BIKM-017')).body.id).toBe(res.body.items[16].id);
      const generated = await stack.http('POST', '/stock-items/batch', {
        body: { skuId: sku.id, locationId: loc, count: 3, tracking: 'serialized' },
      });
      expect(generated.status).toBe(201);
      expect(generated.body.items.every((i: { id: string; codes: string[] }) => i.codes[0] === i.id)).toBe(true);
    });

    it('is all or nothing: one taken code and none are created, nothing is left behind', async () => {
      const sku = await inv.sku({ code: 'BIK-L', name: 'Bike L' });
      await inv.item({ tracking: 'serialized', locationId: loc, codes: ['BIKL-005'] });
      const codes = Array.from({ length: 10 }, (_, i) => `BIKL-${String(i + 1).padStart(3, '0')}`);
      const res = await stack.http('POST', '/stock-items/batch', {
        body: { skuId: sku.id, locationId: loc, count: 10, tracking: 'serialized', codes },
      });
      expect(res.status).toBe(409);
      expect(res.body.detail).toMatch(/BIKL-005/);
      expect((await stack.http('GET', `/stock-items?skuId=${sku.id}`)).body.items).toEqual([]);
      expect((await stack.http('GET', '/stock-items/lookup?code=BIKL-001')).status).toBe(404);
      const freed = codes.filter((c) => c !== 'BIKL-005');
      const retry = await stack.http('POST', '/stock-items/batch', {
        body: { skuId: sku.id, locationId: loc, count: 9, tracking: 'serialized', codes: freed },
      });
      expect(retry.status).toBe(201);
    });

    it.each([
      [
        'a code count that is not the item count',
        (s: string) => ({ skuId: s, locationId: 'L', count: 3, tracking: 'serialized', codes: ['A1', 'A2'] }),
      ],
      [
        'duplicate codes',
        (s: string) => ({ skuId: s, locationId: 'L', count: 2, tracking: 'serialized', codes: ['D1', 'D1'] }),
      ],
      ['pooled tracking', (s: string) => ({ skuId: s, locationId: 'L', count: 2, tracking: 'pooled' })],
      ['count 0', (s: string) => ({ skuId: s, locationId: 'L', count: 0, tracking: 'serialized' })],
      [
        'an unknown SKU',
        () => ({ skuId: 'sku_01HZZZZZZZZZZZZZZZZZZZZZZZ', locationId: 'L', count: 2, tracking: 'serialized' }),
      ],
      [
        'an unknown location',
        (s: string) => ({ skuId: s, locationId: 'loc_01HZZZZZZZZZZZZZZZZZZZZZZZ', count: 2, tracking: 'serialized' }),
      ],
    ])('rejects %s with 400', async (_what, make) => {
      const sku = await inv.sku({ code: `BATCH-BAD-${Math.random().toString(36).slice(2, 8)}`, name: 'Bad batch' });
      const body = JSON.parse(JSON.stringify(make(sku.id)).replace('"L"', JSON.stringify(loc)));
      const res = await stack.http('POST', '/stock-items/batch', { body });
      expect(res.status).toBe(400);
      expect((await stack.http('GET', `/stock-items?skuId=${sku.id}`)).body.items).toEqual([]);
    });
  });

  describe('pools, ledgers and the orders service’s commands', () => {
    it('pool adjustments add or write off units with a reason, never below the units currently out (409)', async () => {
      const pool = await inv.item({ tracking: 'pooled', quantity: 10, locationId: loc, codes: ['LOCKS'] });
      const add = await stack.http('POST', `/stock-items/${pool.id}/adjustments`, {
        body: { delta: 5, reason: 'restock' },
      });
      expect(add.status).toBe(201);
      expect(add.body).toMatchObject({ quantity: 15, state: { in: 15, out: 0 } });
      expect((await inv.command('handOut', { stockItemId: pool.id, orderId: 'ord_A', quantity: 8 })).ok).toBe(true);
      const tooFar = await stack.http('POST', `/stock-items/${pool.id}/adjustments`, {
        body: { delta: -8, reason: 'broken' },
      });
      expect(tooFar.status).toBe(409);
      const writeOff = await stack.http('POST', `/stock-items/${pool.id}/adjustments`, {
        body: { delta: -7, reason: 'broken' },
      });
      expect(writeOff.status).toBe(201);
      expect(writeOff.body).toMatchObject({ quantity: 8, state: { in: 0, out: 8 } });
      const serialized = await inv.item({ tracking: 'serialized', locationId: loc });
      expect(
        (await stack.http('POST', `/stock-items/${serialized.id}/adjustments`, { body: { delta: 1, reason: 'x' } }))
          .status,
      ).toBe(422);
      expect(
        (await stack.http('POST', `/stock-items/${pool.id}/adjustments`, { body: { delta: 0, reason: 'x' } })).status,
      ).toBe(400);
      expect((await stack.http('POST', `/stock-items/${pool.id}/adjustments`, { body: { delta: 2 } })).status).toBe(
        400,
      );
      const timeline = (await stack.http('GET', `/stock-items/${pool.id}/timeline`)).body.items;
      expect(timeline.map((t: { type: string }) => t.type)).toEqual([
        'registered',
        'adjusted',
        'handed_out',
        'adjusted',
      ]);
      expect(timeline[1]).toMatchObject({ quantity: 5, data: { reason: 'restock', quantity: 15 } });
      expect(timeline[2]).toMatchObject({ quantity: 8, orderId: 'ord_A' });
    });

    it('records income and cost entries with totals; a pool keeps one aggregated ledger; staff may post entries', async () => {
      const pool = await inv.item({ tracking: 'pooled', quantity: 20, locationId: loc });
      const e1 = await stack.http('POST', `/stock-items/${pool.id}/ledger`, {
        body: { type: 'cost', amount: EUR(30000), reason: 'purchase' },
      });
      expect(e1.status).toBe(201);
      expect(e1.body).toMatchObject({
        type: 'cost',
        amount: EUR(30000),
        reason: 'purchase',
        note: null,
        orderId: null,
      });
      expect(e1.body.id).toMatch(/^led_/);
      const e2 = await stack.http('POST', `/stock-items/${pool.id}/ledger`, {
        body: { type: 'income', amount: EUR(4500), reason: 'rental', note: 'weekend', orderId: 'ord_X1' },
        key: stack.keys.staff,
      });
      expect(e2.status).toBe(201);
      await stack.http('POST', `/stock-items/${pool.id}/ledger`, {
        body: { type: 'income', amount: EUR(1500), reason: 'rental' },
      });
      const ledger = await stack.http('GET', `/stock-items/${pool.id}/ledger`, { key: stack.keys.staff });
      expect(ledger.body.items).toHaveLength(3);
      expect(ledger.body.totals).toEqual({ income: EUR(6000), cost: EUR(30000) });
      expect(
        (
          await stack.http('POST', `/stock-items/${pool.id}/ledger`, {
            body: { type: 'income', amount: { amount: 1, currency: 'USD' }, reason: 'x' },
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await stack.http('POST', `/stock-items/${pool.id}/ledger`, {
            body: { type: 'gift', amount: EUR(1), reason: 'x' },
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await stack.http('POST', `/stock-items/${pool.id}/ledger`, {
            body: { type: 'income', amount: EUR(-5), reason: 'x' },
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await stack.http('POST', `/stock-items/${pool.id}/ledger`, {
            body: { type: 'income', amount: EUR(5), reason: 'x' },
            key: stack.keys.storefront,
          })
        ).status,
      ).toBe(403);
      expect((await stack.http('GET', `/stock-items/${pool.id}/ledger`)).body.items).toHaveLength(3);
      const types = (await stack.http('GET', `/stock-items/${pool.id}/timeline`)).body.items.map(
        (t: { type: string }) => t.type,
      );
      expect(types).toEqual(['registered', 'cost_recorded', 'income_recorded', 'income_recorded']);
    });

    it('a retired item keeps its ledger and timeline', async () => {
      const item = await inv.item({ tracking: 'serialized', locationId: loc });
      await stack.http('POST', `/stock-items/${item.id}/ledger`, {
        body: { type: 'income', amount: EUR(4000), reason: 'rental' },
      });
      for (const status of ['out_of_use', 'lost']) {
        expect((await stack.http('PATCH', `/stock-items/${item.id}`, { body: { status } })).status).toBe(200);
      }
      const ledger = (await stack.http('GET', `/stock-items/${item.id}/ledger`)).body;
      expect(ledger.totals.income).toEqual(EUR(4000));
      const types = (await stack.http('GET', `/stock-items/${item.id}/timeline`)).body.items.map(
        (t: { type: string }) => t.type,
      );
      expect(types).toEqual(['registered', 'income_recorded', 'status_changed', 'status_changed']);
      // A retired item takes no new orders.
      const handOut = await inv.command('handOut', { stockItemId: item.id, orderId: 'ord_R' });
      expect(handOut.ok).toBe(false);
    });

    it('hand-out and return of a serialized unit update state and timeline, idempotent per order and item', async () => {
      const item = await inv.item({ tracking: 'serialized', locationId: loc, codes: ['SKI-0042'] });
      const out1 = await inv.command('handOut', { stockItemId: item.id, orderId: 'ord_1' });
      expect(out1).toMatchObject({ ok: true, value: { state: { in: 0, out: 1 } } });
      const replay = await inv.command('handOut', { stockItemId: item.id, orderId: 'ord_1' });
      expect(replay).toMatchObject({
        ok: true,
        value: { state: { in: 0, out: 1 }, version: out1.ok ? out1.value.version : -1 },
      });
      const other = await inv.command('handOut', { stockItemId: item.id, orderId: 'ord_2' });
      expect(other).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      const wrongReturn = await inv.command('returnUnits', { stockItemId: item.id, orderId: 'ord_2' });
      expect(wrongReturn).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      const back = await inv.command('returnUnits', { stockItemId: item.id, orderId: 'ord_1', condition: 'scratched' });
      expect(back).toMatchObject({ ok: true, value: { state: { in: 1, out: 0 }, condition: 'scratched' } });
      expect((await inv.command('returnUnits', { stockItemId: item.id, orderId: 'ord_1' })).ok).toBe(true);
      const now = (await stack.http('GET', `/stock-items/${item.id}`)).body;
      expect(now.state).toEqual({ in: 1, out: 0 });
      const timeline = (await stack.http('GET', `/stock-items/${item.id}/timeline`)).body.items;
      expect(timeline.map((t: { type: string }) => t.type)).toEqual([
        'registered',
        'handed_out',
        'returned',
        'condition_changed',
      ]);
      expect(timeline[1]).toMatchObject({ orderId: 'ord_1', quantity: 1 });
      const invalid = await inv.command('handOut', { stockItemId: item.id, orderId: 'ord_3', quantity: 2 });
      expect(invalid).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      const missing = await inv.command('handOut', { stockItemId: 'ski_nope', orderId: 'ord_3' });
      expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    });

    it('a pool hands out a quantity never more than are in, and takes units back per order', async () => {
      const pool = await inv.item({ tracking: 'pooled', quantity: 5, locationId: loc, codes: ['PANNIERS'] });
      const state = (inUnits: number, out: number) => ({ ok: true, value: { state: { in: inUnits, out } } });
      const conflict = { ok: false, error: { code: 'CONFLICT' } };
      // Each step, in order: the command, what it asks, and its answer. A repeated operation key answers again.
      const steps: ['handOut' | 'returnUnits', Record<string, unknown>, object][] = [
        ['handOut', { orderId: 'ord_P1', quantity: 3 }, state(2, 3)],
        ['handOut', { orderId: 'ord_P2', quantity: 3 }, conflict],
        ['handOut', { orderId: 'ord_P2', quantity: 2 }, state(0, 5)],
        ['returnUnits', { orderId: 'ord_P1', quantity: 4 }, conflict],
        ['returnUnits', { orderId: 'ord_P1', quantity: 1, operationKey: 'scan-1' }, state(1, 4)],
        ['returnUnits', { orderId: 'ord_P1', quantity: 1, operationKey: 'scan-1' }, state(1, 4)],
        ['returnUnits', { orderId: 'ord_P1', quantity: 2, operationKey: 'scan-2' }, state(3, 2)],
      ];
      for (const [command, args, answer] of steps) {
        expect(await inv.command(command, { stockItemId: pool.id, ...args })).toMatchObject(answer);
      }
      const timeline = (await stack.http('GET', `/stock-items/${pool.id}/timeline`)).body.items;
      expect(timeline.filter((t: { type: string }) => t.type !== 'registered')).toEqual([
        expect.objectContaining({ type: 'handed_out', quantity: 3, orderId: 'ord_P1' }),
        expect.objectContaining({ type: 'handed_out', quantity: 2, orderId: 'ord_P2' }),
        expect.objectContaining({ type: 'returned', quantity: 1, orderId: 'ord_P1' }),
        expect.objectContaining({ type: 'returned', quantity: 2, orderId: 'ord_P1' }),
      ]);
    });

    it('records an order’s income once per order and item, and marks items sold', async () => {
      const item = await inv.item({ tracking: 'serialized', locationId: loc });
      for (let i = 0; i < 2; i++) {
        expect(
          (await inv.command('recordOrderIncome', { stockItemId: item.id, orderId: 'ord_S', amount: EUR(39900) })).ok,
        ).toBe(true);
      }
      const ledger = (await stack.http('GET', `/stock-items/${item.id}/ledger`)).body;
      expect(ledger.items).toEqual([expect.objectContaining({ type: 'income', amount: EUR(39900), orderId: 'ord_S' })]);
      for (let i = 0; i < 2; i++) {
        expect(await inv.command('markSold', { stockItemId: item.id, orderId: 'ord_S' })).toMatchObject({
          ok: true,
          value: { status: 'sold' },
        });
      }
      const types = (await stack.http('GET', `/stock-items/${item.id}/timeline`)).body.items.map(
        (t: { type: string }) => t.type,
      );
      expect(types).toEqual(['registered', 'income_recorded', 'status_changed']);

      const pool = await inv.item({ tracking: 'pooled', quantity: 4, locationId: loc });
      expect(await inv.command('markSold', { stockItemId: pool.id, orderId: 'ord_T', quantity: 3 })).toMatchObject({
        ok: true,
        value: { quantity: 1, state: { in: 1, out: 0 }, status: 'in_use' },
      });
      expect(await inv.command('markSold', { stockItemId: pool.id, orderId: 'ord_U', quantity: 2 })).toMatchObject({
        ok: false,
        error: { code: 'CONFLICT' },
      });
      expect(await inv.command('markSold', { stockItemId: pool.id, orderId: 'ord_U', quantity: 1 })).toMatchObject({
        ok: true,
        value: { quantity: 0, status: 'sold' },
      });
    });
  });

  describe('events', () => {
    it('every change publishes the item’s full snapshot on JetStream, enough to rebuild a read model by replay', async () => {
      const sku = await inv.sku({ code: 'EVT-SKU', name: 'Evented', attributes: { size: 'L' } });
      const item = await inv.item({ tracking: 'serialized', skuId: sku.id, locationId: loc, codes: ['EVT-1'] });
      await stack.http('PATCH', `/stock-items/${item.id}`, { body: { locationId: loc2, condition: 'fair' } });
      await inv.command('handOut', { stockItemId: item.id, orderId: 'ord_E' });
      await stack.http('PATCH', `/skus/${sku.id}`, { body: { attributes: { size: 'XL' } } });
      const events = (await inv.eventsUntil((es) => es.filter((e) => e.aggregateId === item.id).length >= 4)).filter(
        (e) => e.aggregateId === item.id,
      );
      const current = (await stack.http('GET', `/stock-items/${item.id}`)).body;
      expect(events.map((e) => e.type)).toEqual([
        'inventory.stock-item.registered.v1',
        'inventory.stock-item.changed.v1',
        'inventory.stock-item.changed.v1',
        'inventory.stock-item.changed.v1',
      ]);
      expect(events.map((e) => e.aggregateVersion)).toEqual([1, 2, 3, 4]);
      expect(events[1].data.changes.map((c: { type: string }) => c.type)).toEqual(['moved', 'condition_changed']);
      expect(events[2].data.changes).toEqual([expect.objectContaining({ type: 'handed_out', orderId: 'ord_E' })]);
      // Replaying the snapshots in order yields exactly what the API answers now.
      const replayed = events.reduce<Record<string, unknown>>((_, e) => e.data.item, {});
      expect(replayed).toEqual(current);
      expect(current).toMatchObject({
        skuCode: 'EVT-SKU',
        locationId: loc2,
        state: { in: 0, out: 1 },
        effective: { attributes: { size: 'XL' } },
      });
      expect(events.every((e) => e.tenantId === 'acme')).toBe(true);
    });
  });
});
