import { monotonicFactory } from 'ulid';

/** Prefixes say what an id refers to in any log line. */
export const IdPrefix = {
  location: 'loc',
  sku: 'sku',
  stockItem: 'ski',
  listing: 'lst',
  priceTable: 'prt',
  rule: 'rul',
  order: 'ord',
  reservation: 'res',
  ledgerEntry: 'led',
  event: 'evt',
} as const;
export type IdPrefix = (typeof IdPrefix)[keyof typeof IdPrefix];

type Brand<T, B extends string> = T & { readonly __brand: B };
export type LocationId = Brand<string, 'LocationId'>;
export type SkuId = Brand<string, 'SkuId'>;
export type StockItemId = Brand<string, 'StockItemId'>;
export type ListingId = Brand<string, 'ListingId'>;
export type OrderId = Brand<string, 'OrderId'>;
export type EventId = Brand<string, 'EventId'>;
export type TenantId = string;

const ulid = monotonicFactory();

/** A new prefixed, time-ordered id (`loc_01J…`): sorting ids sorts by creation. */
export function newId<T extends string = string>(prefix: IdPrefix): T {
  return `${prefix}_${ulid()}` as T;
}

/** Pattern of a well-formed id with the given prefix (for validation). */
export function idPattern(prefix: IdPrefix): RegExp {
  return new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`);
}
