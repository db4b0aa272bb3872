/*
 * Request bodies of the public API that the e2e tests and the demo both send: a price table
 * from its rates, and a fulfilment rule on SKU codes. Plain JSON, as a client writes it.
 */

export type RateUnit = 'hour' | 'day' | 'week' | 'month';

/** `{ name, currency, rates: [{ unit, amount }…] }`, the rates in the order given. */
export function priceTable(name: string, rates: Partial<Record<RateUnit, number>>, currency = 'EUR') {
  return { name, currency, rates: Object.entries(rates).map(([unit, amount]) => ({ unit, amount })) };
}

/** `{ quantity, match: { skuCodes }, …extra }` (buffers, say). */
export function skuRule(skuCodes: string | string[], quantity = 1, extra: Record<string, unknown> = {}) {
  return { quantity, match: { skuCodes: typeof skuCodes === 'string' ? [skuCodes] : skuCodes }, ...extra };
}
