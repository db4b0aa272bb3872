import { ErrorCode, ErrorPayload, PriceQuote, PriceTable, Result } from '@circulate/contracts';
import { priceRental } from './pricing';

/** Longest period that can be priced (ten years): beyond that it is not a rental. */
export const MAX_PERIOD_MS = 3660 * 24 * 3_600_000;

export interface QuoteRequest {
  priceTableId?: string;
  /** Epoch ms; both or neither. Neither means a purchase. */
  startMs?: number;
  endMs?: number;
  quantity?: number;
  purchase?: boolean;
}

function invalid(field: string, message: string): { ok: false; error: ErrorPayload } {
  return {
    ok: false,
    error: { code: ErrorCode.VALIDATION_FAILED, message: `${field}: ${message}`, errors: [{ field, message }] },
  };
}

/**
 * Prices a listing's request. Without `priceTableId`, a rental uses the first table with rates
 * and a purchase the first table with a sale price (as order lines do). A request with a period
 * is a rental; one without is a purchase; `purchase: true` with a period is contradictory.
 */
export function quote(priceTables: readonly PriceTable[], req: QuoteRequest): Result<PriceQuote> {
  const quantity = req.quantity ?? 1;
  const hasStart = req.startMs !== undefined;
  const hasEnd = req.endMs !== undefined;
  if (hasStart !== hasEnd) return invalid(hasStart ? 'end' : 'start', 'a rental period needs both start and end');
  const purchase = req.purchase ?? !hasStart;
  if (purchase && hasStart) return invalid('purchase', 'a purchase has no period: leave out start and end');
  if (!purchase && !hasStart) return invalid('start', 'a rental needs start and end');

  let table: PriceTable | undefined;
  if (req.priceTableId !== undefined) {
    table = priceTables.find((t) => t.id === req.priceTableId);
    if (!table) return invalid('priceTableId', `the listing has no price table ${req.priceTableId}`);
  } else {
    table = priceTables.find((t) => (purchase ? t.salePrice !== undefined : (t.rates?.length ?? 0) > 0));
    if (!table)
      return invalid(
        'priceTableId',
        purchase
          ? 'the listing has no price table with a sale price'
          : 'the listing has no price table with rental rates',
      );
  }

  if (purchase) {
    if (table.salePrice === undefined) return invalid('priceTableId', `price table ${table.id} has no sale price`);
    const amount = table.salePrice * quantity;
    return {
      ok: true,
      value: {
        total: { amount, currency: table.currency },
        breakdown: [{ unit: 'sale', count: quantity, amount }],
        priceTableId: table.id,
        purchase,
        quantity,
      },
    };
  }

  const startMs = req.startMs as number;
  const endMs = req.endMs as number;
  if (!(endMs > startMs)) return invalid('end', 'end must be after start');
  if (endMs - startMs > MAX_PERIOD_MS) return invalid('end', 'a rental period is at most ten years');
  if (!table.rates?.length) return invalid('priceTableId', `price table ${table.id} has no rental rates`);
  const price = priceRental(table.rates, startMs, endMs, 1);
  const total = price.total * quantity;
  if (!Number.isSafeInteger(total)) {
    return {
      ok: false,
      error: { code: ErrorCode.UNPROCESSABLE, message: 'the total is too large to be priced exactly' },
    };
  }
  return {
    ok: true,
    value: {
      total: { amount: total, currency: table.currency },
      breakdown: price.breakdown.map((l) => ({ ...l, amount: l.amount * quantity })),
      priceTableId: table.id,
      purchase,
      quantity,
    },
  };
}
