import { ErrorCode, FieldError, Money, PriceQuote, PriceTable, Result } from '@circulate/contracts';
import { quote } from '@circulate/shared/pricing';

/** What the orders service knows of a listing when it prices a line. */
export interface ListingForPricing {
  id: string;
  priceTables: readonly PriceTable[];
}

/** One requested line, dates already parsed (epoch ms). */
export interface LineRequest {
  listingId: string;
  quantity: number;
  priceTableId?: string;
  startMs?: number;
  endMs?: number;
  purchase?: boolean;
}

export interface PricedLine {
  index: number;
  quote: PriceQuote;
}

export interface PricedOrder {
  lines: PricedLine[];
  total: Money;
}

/**
 * Prices every line of an order with the one pricing function the catalog uses (exact cheapest
 * cover), all or nothing: the failures of every line come back together, each field named
 * `lines[i].<field>`. An order has one currency.
 */
export function priceOrder(
  lines: readonly LineRequest[],
  listings: ReadonlyMap<string, ListingForPricing>,
): Result<PricedOrder> {
  const errors: FieldError[] = [];
  const priced: PricedLine[] = [];
  lines.forEach((line, index) => {
    const listing = listings.get(line.listingId);
    if (!listing) {
      errors.push({ field: `lines[${index}].listingId`, message: `no listing ${line.listingId}` });
      return;
    }
    const result = quote(listing.priceTables, {
      priceTableId: line.priceTableId,
      startMs: line.startMs,
      endMs: line.endMs,
      quantity: line.quantity,
      purchase: line.purchase,
    });
    if (!result.ok) {
      for (const e of result.error.errors ?? [{ field: '', message: result.error.message }])
        errors.push({ field: `lines[${index}]${e.field ? `.${e.field}` : ''}`, message: e.message });
      return;
    }
    priced.push({ index, quote: result.value });
  });
  if (errors.length) return invalid(errors);
  const currencies = new Set(priced.map((l) => l.quote.total.currency));
  if (currencies.size > 1) {
    return invalid([
      { field: 'lines', message: `an order has one currency; its lines are priced in ${[...currencies].join(', ')}` },
    ]);
  }
  const amount = priced.reduce((sum, l) => sum + l.quote.total.amount, 0);
  if (!Number.isSafeInteger(amount)) {
    return {
      ok: false,
      error: { code: ErrorCode.UNPROCESSABLE, message: 'the order total is too large to be priced exactly' },
    };
  }
  return { ok: true, value: { lines: priced, total: { amount, currency: priced[0]?.quote.total.currency ?? 'EUR' } } };
}

/** When an unconfirmed hold of `minutes` placed at `nowMs` expires. */
export function holdExpiresAt(nowMs: number, minutes: number): number {
  if (!Number.isInteger(minutes) || minutes < 1)
    throw new RangeError('a hold lasts a whole number of minutes, at least one');
  return nowMs + minutes * 60_000;
}

function invalid(errors: FieldError[]): Result<never> {
  return {
    ok: false,
    error: {
      code: ErrorCode.VALIDATION_FAILED,
      message: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
      errors,
    },
  };
}
