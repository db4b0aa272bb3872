import type { PriceTable } from '@circulate/contracts';
import { extendedLinePrice, holdExpiresAt, ListingForPricing, priceOrder } from './order-pricing';

const DAY = 86_400_000;
const start = Date.UTC(2031, 5, 1, 9);
const daily: PriceTable = {
  id: 'prt_daily',
  name: 'Daily',
  currency: 'EUR',
  rates: [
    { unit: 'day', amount: 4000 },
    { unit: 'week', amount: 18000 },
  ],
};
const sale: PriceTable = { id: 'prt_sale', name: 'Sale', currency: 'EUR', salePrice: 39900 };
const usd: PriceTable = { id: 'prt_usd', name: 'Daily USD', currency: 'USD', rates: [{ unit: 'day', amount: 5000 }] };
const listings = new Map<string, ListingForPricing>([
  ['lst_bike', { id: 'lst_bike', priceTables: [daily, sale] }],
  ['lst_camera', { id: 'lst_camera', priceTables: [usd] }],
]);

describe('pricing an order', () => {
  it('given a week of two bikes and a bike bought outright, the lines are the cheapest covers and the total their sum', () => {
    const result = priceOrder(
      [
        { listingId: 'lst_bike', quantity: 2, startMs: start, endMs: start + 7 * DAY },
        { listingId: 'lst_bike', quantity: 1, purchase: true },
      ],
      listings,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.lines.map((l) => l.quote.total.amount)).toEqual([36000, 39900]);
    expect(result.value.lines[0].quote.breakdown).toEqual([{ unit: 'week', count: 1, amount: 36000 }]);
    expect(result.value.total).toEqual({ amount: 75900, currency: 'EUR' });
  });

  it('names the field of every failing line, and prices none', () => {
    const result = priceOrder(
      [
        { listingId: 'lst_missing', quantity: 1, startMs: start, endMs: start + DAY },
        { listingId: 'lst_bike', quantity: 1, startMs: start },
        { listingId: 'lst_bike', quantity: 1, startMs: start + DAY, endMs: start },
      ],
      listings,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.errors?.map((e) => e.field)).toEqual(['lines[0].listingId', 'lines[1].end', 'lines[2].end']);
  });

  it('refuses lines in two currencies', () => {
    const result = priceOrder(
      [
        { listingId: 'lst_bike', quantity: 1, startMs: start, endMs: start + DAY },
        { listingId: 'lst_camera', quantity: 1, startMs: start, endMs: start + DAY },
      ],
      listings,
    );
    expect(result).toMatchObject({ ok: false, error: { errors: [{ field: 'lines' }] } });
  });

  it('a 30-minute hold placed at noon expires at 12:30', () => {
    expect(new Date(holdExpiresAt(Date.UTC(2031, 0, 1, 12), 30)).toISOString()).toBe('2031-01-01T12:30:00.000Z');
    expect(() => holdExpiresAt(0, 0)).toThrow(RangeError);
  });
});

describe('pricing an extension', () => {
  const bike = listings.get('lst_bike') as ListingForPricing;
  const threeDays = { listingId: 'lst_bike', quantity: 1, startMs: start, endMs: start + 3 * DAY };

  it('given three days at the daily rate extended to a week, the line costs the week cover', () => {
    const result = extendedLinePrice(bike, threeDays, { amount: 12000, currency: 'EUR' }, start + 7 * DAY);
    expect(result).toEqual({ ok: true, value: { amount: 18000, currency: 'EUR' } });
  });

  it("keeps the agreed price of the time already agreed and adds the extra time at today's tables", () => {
    // Agreed at 10,000 (a deal, or an older table); the fourth day costs 16,000 - 12,000 today.
    const result = extendedLinePrice(bike, threeDays, { amount: 10000, currency: 'EUR' }, start + 4 * DAY);
    expect(result).toEqual({ ok: true, value: { amount: 14000, currency: 'EUR' } });
  });

  it('never lowers the price, and refuses a longer period its table cannot price', () => {
    const weekly = { ...threeDays, endMs: start + 7 * DAY };
    const longer = extendedLinePrice(bike, weekly, { amount: 18000, currency: 'EUR' }, start + 7 * DAY + 1);
    expect(longer.ok && longer.value.amount).toBeGreaterThanOrEqual(18000);
    const gone = extendedLinePrice(
      bike,
      { ...threeDays, priceTableId: 'prt_gone' },
      { amount: 12000, currency: 'EUR' },
      start + 5 * DAY,
    );
    expect(gone).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const otherCurrency = extendedLinePrice(bike, threeDays, { amount: 12000, currency: 'USD' }, start + 5 * DAY);
    expect(otherCurrency).toMatchObject({ ok: false, error: { code: 'UNPROCESSABLE' } });
  });
});
