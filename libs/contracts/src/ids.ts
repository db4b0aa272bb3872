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
/**
 * A tenant, as a validated request context or a stored document names it. Only `tenantId()`
 * (which checks the pattern), the DTO validation of RequestContext and repository reads produce
 * one, so a repository call cannot be handed an arbitrary string.
 */
export type TenantId = Brand<string, 'TenantId'>;

export const TENANT_ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** The tenant of system requests (health checks): no data belongs to it. */
export const SYSTEM_TENANT = 'system' as TenantId;

/** A tenant id from trusted configuration or a stored document (throws on a malformed one: a bug). */
export function tenantId(raw: string): TenantId {
  if (!TENANT_ID_PATTERN.test(raw)) throw new Error(`"${raw}" is not a tenant id`);
  return raw as TenantId;
}

const ulid = monotonicFactory();

/** A new prefixed, time-ordered id (`loc_01J…`): sorting ids sorts by creation. */
export function newId<T extends string = string>(prefix: IdPrefix): T {
  return `${prefix}_${ulid()}` as T;
}

/** Pattern of a well-formed id with the given prefix (for validation). */
export function idPattern(prefix: IdPrefix): RegExp {
  return new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`);
}
