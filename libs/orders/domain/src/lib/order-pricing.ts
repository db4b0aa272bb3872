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

/**
 * What a rental line costs once its end moves later: the agreed price plus the extra time at the
 * listing's tables today (the quote of the longer period less the quote of the agreed one, never
 * below zero), so time already agreed is never re-priced. When the agreed period can no longer be
 * quoted (its table is gone), the extra is the longer period's quote less the agreed price.
 */
export function extendedLinePrice(
  listing: ListingForPricing,
  line: LineRequest,
  agreed: Money,
  newEndMs: number,
): Result<Money> {
  const req = { priceTableId: line.priceTableId, startMs: line.startMs, quantity: line.quantity };
  const after = quote(listing.priceTables, { ...req, endMs: newEndMs });
  if (!after.ok) return after;
  if (after.value.total.currency !== agreed.currency) {
    return {
      ok: false,
      error: {
        code: ErrorCode.UNPROCESSABLE,
        message: `the line was priced in ${agreed.currency}; its price table is now in ${after.value.total.currency}`,
      },
    };
  }
  const before = quote(listing.priceTables, { ...req, endMs: line.endMs });
  const base = before.ok && before.value.total.currency === agreed.currency ? before.value.total.amount : agreed.amount;
  const amount = agreed.amount + Math.max(0, after.value.total.amount - base);
  if (!Number.isSafeInteger(amount))
    return { ok: false, error: { code: ErrorCode.UNPROCESSABLE, message: 'the line price is too large to be exact' } };
  return { ok: true, value: { amount, currency: agreed.currency } };
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
