import type { PriceTable, Rate } from '@circulate/contracts';
import { quote } from './quote';

const DAY = 86_400_000;
/** 40.00 a day, 180.00 a week. */
const rentalRates: Rate[] = [
  { unit: 'day', amount: 4000 },
  { unit: 'week', amount: 18_000 },
];
const tables: PriceTable[] = [
  { id: 'prt_sale', name: 'Sale', currency: 'EUR', salePrice: 39_900 },
  { id: 'prt_rent', name: 'Rental', currency: 'EUR', rates: rentalRates },
];

describe('quote', () => {
  it('prices a period with the first table that has rates, times the quantity', () => {
    const r = quote(tables, { startMs: 0, endMs: 9 * DAY, quantity: 2 });
    expect(r).toEqual({
      ok: true,
      value: expect.objectContaining({
        total: { amount: 52_000, currency: 'EUR' },
        priceTableId: 'prt_rent',
        purchase: false,
        quantity: 2,
      }),
    });
  });

  it('prices a request without a period as a purchase at the sale price', () => {
    const r = quote(tables, { quantity: 2 });
    expect(r).toEqual({
      ok: true,
      value: expect.objectContaining({
        total: { amount: 79_800, currency: 'EUR' },
        breakdown: [{ unit: 'sale', count: 2, amount: 79_800 }],
        purchase: true,
      }),
    });
  });

  it.each([
    ['only a start', { startMs: 0 }],
    ['an end before the start', { startMs: DAY, endMs: 0 }],
    ['a purchase with a period', { startMs: 0, endMs: DAY, purchase: true }],
    ['an unknown table', { priceTableId: 'prt_nope', startMs: 0, endMs: DAY }],
    ['a rental on a sale-only table', { priceTableId: 'prt_sale', startMs: 0, endMs: DAY }],
    ['a purchase on a rental-only table', { priceTableId: 'prt_rent' }],
    ['a period over ten years', { startMs: 0, endMs: 3661 * DAY }],
  ])('refuses %s', (_what, req) => {
    const r = quote(tables, req);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('VALIDATION_FAILED');
  });
});
