import { Result } from '@circulate/contracts';
import { decideBatch, decideRegistration } from './registration-decisions';
import { decideLocationCreation, decideSkuRelink, decideSkuUpdate } from './sku-decisions';

const AT = '2027-05-01T10:00:00.000Z';
const found = { sku: { id: 'sku_bike' }, locationExists: true };
const field = <T>(r: Result<T>): string | undefined => (r.ok ? undefined : r.error.errors?.[0]?.field);

describe('registration', () => {
  it('given a SKU and a location, when a bike is registered without codes, then its id is its code, in use', () => {
    const r = decideRegistration(
      { tracking: 'serialized', skuId: 'sku_bike', locationId: 'loc_a' },
      'stk_1',
      found,
      AT,
    );
    expect(r).toEqual({
      ok: true,
      value: expect.objectContaining({
        _id: 'stk_1',
        skuId: 'sku_bike',
        codes: ['stk_1'],
        quantity: 1,
        status: 'in_use',
      }),
    });
    expect(r.ok && r.value.timeline[0]).toMatchObject({ type: 'registered', at: AT, quantity: 1 });
  });

  it('when the named SKU or location is not found, then 400 naming the field; a bad quantity is named first', () => {
    const cmd = { tracking: 'serialized' as const, skuId: 'sku_x', locationId: 'loc_x' };
    expect(field(decideRegistration(cmd, 'stk_1', { sku: null, locationExists: false }, AT))).toBe('skuId');
    expect(
      field(decideRegistration({ ...cmd, skuId: undefined }, 'stk_1', { sku: null, locationExists: false }, AT)),
    ).toBe('locationId');
    expect(field(decideRegistration({ ...cmd, quantity: 2 }, 'stk_1', { sku: null, locationExists: false }, AT))).toBe(
      'quantity',
    );
  });

  it('when a batch of 3 gets 2 codes or a code twice, then 400 on codes; else 3 units with one code each', () => {
    const cmd = { skuId: 'sku_bike', locationId: 'loc_a' };
    expect(field(decideBatch({ ...cmd, codes: ['A', 'B'] }, ['s1', 's2', 's3'], found, AT))).toBe('codes');
    expect(field(decideBatch({ ...cmd, codes: ['A', 'B', 'A'] }, ['s1', 's2', 's3'], found, AT))).toBe('codes');
    const ok = decideBatch({ ...cmd, codes: ['A', 'B', 'C'] }, ['s1', 's2', 's3'], found, AT);
    expect(ok.ok && ok.value.map((i) => [i._id, i.codes, i.tracking])).toEqual([
      ['s1', ['A'], 'serialized'],
      ['s2', ['B'], 'serialized'],
      ['s3', ['C'], 'serialized'],
    ]);
  });
});

describe('SKUs and locations', () => {
  const sku = {
    id: 'sku_bike',
    code: 'BIKE',
    name: 'Bike',
    category: [],
    attributes: {},
    purchasePrice: null,
    description: null,
    createdAt: AT,
    version: 3,
  };

  it('given a SKU, when only its description changes, then version 4 and linked items need nothing', () => {
    expect(decideSkuUpdate(sku, { description: 'new' })).toEqual({
      ok: true,
      value: { sku: { ...sku, description: 'new', version: 4 }, inheritedChanged: false },
    });
    expect(decideSkuUpdate(sku, { name: 'Bike' })).toEqual({ ok: true, value: null });
    expect(decideSkuUpdate(sku, { name: 'E-Bike' }).ok && decideSkuUpdate(sku, { name: 'E-Bike' })).toMatchObject({
      value: { inheritedChanged: true },
    });
  });

  it('given an item at SKU version 2, when version 3 fans out, then it relinks once; a deletion unlinks', () => {
    expect(decideSkuRelink({ skuVersion: 2 }, sku, false)).toEqual({ skuVersion: 3 });
    expect(decideSkuRelink({ skuVersion: 3 }, sku, false)).toBeNull();
    expect(decideSkuRelink({ skuVersion: 3 }, sku, true)).toEqual({ skuId: null, skuVersion: 0 });
  });

  it('when a location names a time zone that is not IANA, then 400 on timeZone; absent means UTC', () => {
    expect(field(decideLocationCreation({ name: 'Shop', timeZone: 'Mars/Olympus' }, 'loc_1', AT))).toBe('timeZone');
    const r = decideLocationCreation({ name: 'Shop' }, 'loc_1', AT);
    expect(r.ok && r.value).toEqual({ id: 'loc_1', name: 'Shop', code: null, timeZone: 'UTC', createdAt: AT });
  });
});
