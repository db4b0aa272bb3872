import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateListingRequest, PriceQuery, UpdateListingBody } from '../catalog/listings';
import { CreateSkuRequest, UpdateSkuFields } from '../inventory/skus';
import { CreateStockItemRequest, LedgerEntryFields } from '../inventory/stock-items';
import { parseCalendarDate, parseInstant } from './time';

/** The fields that fail, validated as the gateway and the services do (strict whitelist). */
function failing(cls: new () => object, body: object): string[] {
  const errors = validateSync(plainToInstance(cls, body), {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  return errors.map((e) => e.property);
}

describe('nested objects are validated as objects, never coerced', () => {
  it.each([
    [CreateSkuRequest, { code: 'A', name: 'A', purchasePrice: [{ amount: 1, currency: 'EUR' }] }, 'purchasePrice'],
    [UpdateSkuFields, { purchasePrice: [{ amount: 1, currency: 'EUR' }] }, 'purchasePrice'],
    [CreateStockItemRequest, { tracking: 'pooled', locationId: 'loc_1', overrides: [{ name: 'x' }] }, 'overrides'],
    [UpdateListingBody, { seo: [{ title: 'x' }] }, 'seo'],
    [UpdateListingBody, { channels: [{ admin: true }] }, 'channels'],
    [UpdateListingBody, { media: [[{ url: 'https://x' }]] }, 'media'],
    [UpdateListingBody, { media: { url: 'https://x' } }, 'media'],
    [CreateListingRequest, { name: 'L', variants: [[{ name: 'Size', values: ['S'] }]] }, 'variants'],
    [
      CreateListingRequest,
      { name: 'L', fulfillmentRules: [[{ quantity: 1, match: { skuCodes: ['A'] } }]] },
      'fulfillmentRules',
    ],
    [
      CreateListingRequest,
      { name: 'L', fulfillmentRules: [{ quantity: 1, match: [{ skuCodes: ['A'] }] }] },
      'fulfillmentRules',
    ],
    [
      CreateListingRequest,
      { name: 'L', priceTables: [{ name: 'T', currency: 'EUR', rates: [[{ unit: 'day', amount: 1 }]] }] },
      'priceTables',
    ],
  ])('%p refuses %j naming the field', (cls, body, field) => {
    expect(failing(cls as new () => object, body)).toContain(field);
  });

  it('accepts the same values sent as objects', () => {
    expect(failing(CreateSkuRequest, { code: 'A', name: 'A', purchasePrice: { amount: 1, currency: 'EUR' } })).toEqual(
      [],
    );
    expect(
      failing(UpdateListingBody, { seo: { title: 'x' }, channels: { admin: true }, media: [{ url: 'https://x' }] }),
    ).toEqual([]);
  });
});

describe('money', () => {
  it('a ledger entry without amount names amount', () => {
    expect(failing(LedgerEntryFields, { type: 'cost', reason: 'r' })).toEqual(['amount']);
  });

  it.each([1e308, 2 ** 53 + 1, 1_000_000_000_001, -1, 1.5])('refuses amount %p', (amount) => {
    expect(failing(LedgerEntryFields, { type: 'cost', reason: 'r', amount: { amount, currency: 'EUR' } })).toEqual([
      'amount',
    ]);
  });

  it('accepts the documented bound', () => {
    expect(
      failing(LedgerEntryFields, { type: 'cost', reason: 'r', amount: { amount: 1_000_000_000_000, currency: 'EUR' } }),
    ).toEqual([]);
  });
});

describe('dates are parsed strictly', () => {
  it.each([
    '2031-02-30T10:00:00Z',
    '2031-02-29T10:00Z',
    '2031-04-31T00:00:00+02:00',
    '2031-01-01T24:00Z',
    '2031-01-01T10:60Z',
    '2031-01-01T10:00:61Z',
    '2031-01-01T10:00+24:00',
    '2031-01-01T10:00',
    '2031-01-01',
    'x',
  ])('refuses the instant %p', (text) => {
    expect(parseInstant(text)).toBeNull();
    expect(failing(PriceQuery, { start: text })).toEqual(['start']);
  });

  it('reads real instants with their offset', () => {
    expect(parseInstant('2032-02-29T10:00:00+02:00')).toBe(Date.parse('2032-02-29T08:00:00Z'));
    expect(parseInstant('2031-12-31T23:59:59.999-05:30')).toBe(Date.parse('2032-01-01T05:29:59.999Z'));
  });

  it.each(['2031-02-30', '2031-02-29', '2031-04-31', '2031-13-01', '2031-00-10', '2031-1-1'])(
    'refuses the date %p',
    (text) => {
      expect(parseCalendarDate(text)).toBeNull();
    },
  );

  it('reads real dates', () => {
    expect(parseCalendarDate('2032-02-29')).toBe(Date.UTC(2032, 1, 29));
  });
});
