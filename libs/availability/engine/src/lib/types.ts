/** Epoch milliseconds. */
export type EpochMs = number;

/** A half-open interval `[start, end)` in epoch milliseconds. */
export interface Period {
  readonly start: EpochMs;
  readonly end: EpochMs;
}

export type Tracking = 'serialized' | 'pooled';
export type StockStatus = 'in_use' | 'out_of_use' | 'lost' | 'sold';
export type AttributeValue = string | number | boolean;

/** The engine's view of a stock item (the availability read model keeps these). */
export interface EngineStockItem {
  readonly id: string;
  readonly tracking: Tracking;
  /** Serialized items have quantity 1; a pool has N identical units. */
  readonly quantity: number;
  readonly status: StockStatus;
  readonly locationId: string;
  readonly skuCode: string | null;
  /** Effective attributes (SKU attributes overlaid by the item's overrides). */
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/**
 * Stock committed for the *blocked* interval `[start, end)`: the customer's period widened by
 * the rule's buffers when the reservation was created (see `blockedPeriod`).
 */
export interface EngineReservation {
  readonly id: string;
  readonly stockItemId: string;
  readonly quantity: number;
  readonly start: EpochMs;
  readonly end: EpochMs;
}

export interface FromVariant {
  readonly fromVariant: string;
}

export interface RuleMatch {
  readonly skuCodes?: readonly string[];
  readonly skuCodeByVariant?: { readonly axis: string; readonly map: Readonly<Record<string, string>> };
  readonly attributes?: Readonly<Record<string, AttributeValue | FromVariant>>;
}

/** A fulfillment rule: "reserve `quantity` stock items matching `match`". */
export interface FulfillmentRule {
  readonly id: string;
  readonly quantity: number;
  readonly match: RuleMatch;
  /** ISO 8601 duration, e.g. `PT2H`, `P1D`. */
  readonly bufferBefore?: string;
  readonly bufferAfter?: string;
}

/** The part of a listing the engine needs. */
export interface EngineListing {
  readonly rules: readonly FulfillmentRule[];
  /** Locations the listing is fulfilled from; empty means any location. */
  readonly locationIds: readonly string[];
}

export type VariantSelection = Readonly<Record<string, string>>;

interface RequestBase {
  /** Chosen variant values by axis name, e.g. `{ Size: 'S' }`. */
  readonly variant?: VariantSelection;
  /** Restrict to one location (must be one of the listing's locations if it names any). */
  readonly locationId?: string;
  /**
   * IANA time zone used for calendar-unit buffers (`P1D`, `P1M`) and, for calendars, for day
   * boundaries. Default `UTC`.
   */
  readonly timeZone?: string;
}

export interface AvailabilityRequest extends RequestBase {
  /** The customer's period `[start, end)`. */
  readonly start: EpochMs;
  readonly end: EpochMs;
  /** Copies of the listing wanted; default 1. */
  readonly quantity?: number;
}

export interface CalendarRequest extends RequestBase {
  /** First day, `YYYY-MM-DD`, inclusive. */
  readonly from: string;
  /** Last day, `YYYY-MM-DD`, exclusive; at most 366 days after `from`. */
  readonly to: string;
}

export interface RuleAvailability {
  readonly ruleId: string;
  /** rule.quantity × requested quantity. */
  readonly required: number;
  /** Units matching this rule that are free for the period, counted independently of other rules. */
  readonly free: number;
}

export interface AvailabilityResult {
  /** `quantity >= requested quantity`. */
  readonly available: boolean;
  /** How many copies of the listing fit at once for the whole period. */
  readonly quantity: number;
  readonly rules: readonly RuleAvailability[];
}

export interface AllocationLine {
  readonly ruleId: string;
  readonly stockItemId: string;
  readonly quantity: number;
  /** The interval the new reservation must block: the period widened by the rule's buffers. */
  readonly blocked: Period;
}

/**
 * Why an allocation was refused, in the same shape as every expected failure across services
 * (`ErrorPayload` in contracts, which this dependency-free library does not import).
 */
export interface AllocationRefusal {
  readonly code: 'UNAVAILABLE';
  readonly message: string;
  readonly details: {
    /** How many copies would fit (less than requested). */
    readonly quantity: number;
    readonly rules: readonly RuleAvailability[];
  };
}

export type AllocationResult =
  | { readonly ok: true; readonly allocations: readonly AllocationLine[] }
  | { readonly ok: false; readonly error: AllocationRefusal };

export interface CalendarDay {
  readonly date: string;
  readonly quantity: number;
}

export interface CalendarResult {
  readonly days: readonly CalendarDay[];
}
