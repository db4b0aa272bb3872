import { Transform, Type } from 'class-transformer';
import { isSafeAttributeKey } from '../inventory/attributes';
import { CODE_PATTERN as SKU_CODE_RULE } from '../inventory/skus';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';
import { PricedPeriod } from '../common/period';
import { IsId, IsOptionalId } from '../common/id-field';
import { PageQuery } from '../common/pagination';
import type { Money } from '../common/money';
import { IsNestedObject, IsNestedObjectArray } from '../common/nested';

export const ListingStatuses = ['draft', 'published', 'archived'] as const;
export type ListingStatus = (typeof ListingStatuses)[number];

export const RateUnits = ['hour', 'day', 'week', 'month'] as const;
export type RateUnit = (typeof RateUnits)[number];

/** Sales channels as they appear on a listing (`channels.onlineStore`) and in queries/orders (`online_store`). */
export const ListingChannels = ['onlineStore', 'admin', 'checkIn'] as const;
export type ListingChannel = (typeof ListingChannels)[number];
export const ChannelAliases: Record<string, ListingChannel> = {
  onlineStore: 'onlineStore',
  online_store: 'onlineStore',
  admin: 'admin',
  checkIn: 'checkIn',
  check_in: 'checkIn',
};

/** Largest amount in minor units a rate or sale price may have (keeps every total a safe integer). */
export const MAX_PRICE_AMOUNT = 1_000_000_000;

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** What a SKU code may look like: inventory's own SKU code rule, so every SKU can be named. */
export const SKU_CODE_PATTERN = SKU_CODE_RULE;
/** ISO 8601 duration shape (`P1D`, `PT2H30M`); the catalog's domain parses it exactly. */
export const DURATION_PATTERN = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;
/** The shape of an instant; `parseInstant` (common/time) also checks that the day and time exist. */
export const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const VARIANT_TEXT = /^[^$.]{1,64}$/;

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

function safeKey(key: string, pattern: RegExp): boolean {
  return !UNSAFE_KEYS.has(key) && !key.includes('\u0000') && pattern.test(key);
}

/**
 * Rule attributes: `{ key: string | number | boolean | { fromVariant: axis } }`. Keys are plain
 * words (no `$`, no dots, no prototype keys), so nothing operator-shaped reaches MongoDB.
 */
export function IsRuleAttributes(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isRuleAttributes',
      target: object.constructor,
      propertyName,
      options: {
        message: (args: ValidationArguments) =>
          `${args.property} must be an object of at most 100 keys (no $ or dots) whose values are a string (≤500 chars), a finite number, a boolean or { fromVariant: axis }`,
        ...options,
      },
      validator: {
        validate(value: unknown): boolean {
          if (!isPlainRecord(value)) return false;
          const entries = Object.entries(value);
          if (entries.length > 100) return false;
          return entries.every(([k, v]) => {
            if (!isSafeAttributeKey(k)) return false; // as inventory allows on SKUs and items
            if (typeof v === 'string') return v.length <= 500;
            if (typeof v === 'number') return Number.isFinite(v);
            if (typeof v === 'boolean') return true;
            if (isPlainRecord(v)) {
              const keys = Object.keys(v);
              return (
                keys.length === 1 &&
                keys[0] === 'fromVariant' &&
                typeof v['fromVariant'] === 'string' &&
                VARIANT_TEXT.test(v['fromVariant'])
              );
            }
            return false;
          });
        },
      },
    });
}

/** A variant-value → SKU-code map: `{ "S": "BIK-S", "M": "BIK-M" }`. */
export function IsSkuCodeMap(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isSkuCodeMap',
      target: object.constructor,
      propertyName,
      options: {
        message: (args: ValidationArguments) =>
          `${args.property} must map variant values (no $ or dots) to SKU codes (1-100 letters, digits or . _ : / # + -)`,
        ...options,
      },
      validator: {
        validate(value: unknown): boolean {
          if (!isPlainRecord(value)) return false;
          const entries = Object.entries(value);
          if (entries.length < 1 || entries.length > 100) return false;
          return entries.every(
            ([k, v]) => safeKey(k, VARIANT_TEXT) && typeof v === 'string' && SKU_CODE_PATTERN.test(v),
          );
        },
      },
    });
}

export class MediaInput {
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  url!: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  alt?: string;
}

export class SeoInput {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  ogImage?: string;
}

export class ChannelsInput {
  @IsOptional()
  @IsBoolean()
  onlineStore?: boolean;

  @IsOptional()
  @IsBoolean()
  admin?: boolean;

  @IsOptional()
  @IsBoolean()
  checkIn?: boolean;
}

export class VariantAxisInput {
  @IsString()
  @Matches(VARIANT_TEXT, { message: 'name must be 1-64 characters without $ or dots' })
  name!: string;

  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(VARIANT_TEXT, { each: true, message: 'each value must be 1-64 characters without $ or dots' })
  values!: string[];
}

export class RateInput {
  @IsIn(RateUnits)
  unit!: RateUnit;

  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_AMOUNT)
  amount!: number;
}

export class PriceTableInput {
  /** Send back an existing table's id to keep it; new tables get one (`prt_…`). */
  @IsOptionalId()
  id?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency!: string;

  @IsOptional()
  @ArrayMaxSize(4)
  @IsNestedObjectArray(() => RateInput)
  rates?: RateInput[];

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_AMOUNT)
  salePrice?: number;
}

export class SkuCodeByVariantInput {
  @IsString()
  @Matches(VARIANT_TEXT, { message: 'axis must be 1-64 characters without $ or dots' })
  axis!: string;

  @IsSkuCodeMap()
  map!: Record<string, string>;
}

export class RuleMatchInput {
  @IsOptional()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SKU_CODE_PATTERN, {
    each: true,
    message: 'each SKU code must be 1-100 letters, digits or . _ : / # + - (starting with a letter or digit)',
  })
  skuCodes?: string[];

  @IsOptional()
  @IsNestedObject(() => SkuCodeByVariantInput)
  skuCodeByVariant?: SkuCodeByVariantInput;

  @IsOptional()
  @IsRuleAttributes()
  attributes?: Record<string, RuleAttributeValue>;
}

export class RuleInput {
  /** Send back an existing rule's id to keep it; new rules get one (`rul_…`). */
  @IsOptionalId()
  id?: string;

  @IsInt({ message: 'quantity must be a whole number' })
  @Min(1)
  @Max(10_000)
  quantity!: number;

  @IsNestedObject(() => RuleMatchInput)
  match!: RuleMatchInput;

  @IsOptional()
  @IsString()
  @Matches(DURATION_PATTERN, { message: 'bufferBefore must be an ISO 8601 duration such as P1D or PT2H' })
  bufferBefore?: string;

  @IsOptional()
  @IsString()
  @Matches(DURATION_PATTERN, { message: 'bufferAfter must be an ISO 8601 duration such as P1D or PT2H' })
  bufferAfter?: string;
}

/** The fields of a listing shared by create and PATCH (PATCH: all optional; arrays replace). */
export class ListingCommonFields {
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  description?: string;

  @IsOptional()
  @IsString()
  @MaxLength(120)
  @Matches(SLUG_PATTERN, { message: 'slug must be lowercase letters and digits separated by single dashes' })
  slug?: string;

  @IsOptional()
  @ArrayMaxSize(50)
  @IsNestedObjectArray(() => MediaInput)
  media?: MediaInput[];

  @IsOptional()
  @IsNestedObject(() => SeoInput)
  seo?: SeoInput;

  @IsOptional()
  @IsNestedObject(() => ChannelsInput)
  channels?: ChannelsInput;

  @IsOptional()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  locationIds?: string[];

  @IsOptional()
  @ArrayMaxSize(10)
  @IsNestedObjectArray(() => VariantAxisInput)
  variants?: VariantAxisInput[];

  @IsOptional()
  @ArrayMaxSize(20)
  @IsNestedObjectArray(() => PriceTableInput)
  priceTables?: PriceTableInput[];

  @IsOptional()
  @ArrayMaxSize(50)
  @IsNestedObjectArray(() => RuleInput)
  fulfillmentRules?: RuleInput[];
}

export class CreateListingRequest extends ListingCommonFields {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  /** A new listing is a draft or published; archiving is a change of an existing one. */
  @IsOptional()
  @IsIn(['draft', 'published'])
  status?: ListingStatus;
}

/** PATCH /listings/{id} body: any field but `id`. */
export class UpdateListingBody extends ListingCommonFields {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsIn(ListingStatuses)
  status?: ListingStatus;
}

/** The RPC form of a PATCH: the body plus the id from the path. */
export class UpdateListingRequest extends UpdateListingBody {
  @IsId()
  id!: string;
}

export class GetListingRequest {
  @IsId()
  id!: string;
}

export class GetListingBySlugRequest {
  @IsString()
  @MaxLength(120)
  slug!: string;
}

export class ListListingsRequest extends PageQuery {
  @IsOptional()
  @IsIn(ListingStatuses)
  status?: ListingStatus;

  /** `online_store` | `admin` | `check_in` (the camelCase names are accepted too). */
  @IsOptional()
  @IsIn(Object.keys(ChannelAliases))
  channel?: string;
}

/** GET /listings/{id}/price query. */
export class PriceQuery extends PricedPeriod {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  quantity?: number;

  /** Price as a purchase (sale price) even when the table also has rental rates. */
  @IsOptional()
  @Transform(({ value }) =>
    value === 'true' || value === true ? true : value === 'false' || value === false ? false : value,
  )
  @IsBoolean()
  purchase?: boolean;
}

export class PriceListingRequest extends PriceQuery {
  @IsId()
  id!: string;
}

export type RuleAttributeValue = string | number | boolean | { fromVariant: string };

export interface Rate {
  unit: RateUnit;
  amount: number;
}

export interface PriceTable {
  id: string;
  name: string;
  currency: string;
  rates?: Rate[];
  salePrice?: number;
}

export interface RuleMatch {
  skuCodes?: string[];
  skuCodeByVariant?: { axis: string; map: Record<string, string> };
  attributes?: Record<string, RuleAttributeValue>;
}

export interface FulfillmentRule {
  id: string;
  quantity: number;
  match: RuleMatch;
  bufferBefore?: string;
  bufferAfter?: string;
}

export interface VariantAxis {
  name: string;
  values: string[];
}

export interface ListingChannels {
  onlineStore: boolean;
  admin: boolean;
  checkIn: boolean;
}

export interface Listing {
  id: string;
  name: string;
  description: string;
  slug: string;
  status: ListingStatus;
  media: { url: string; alt?: string }[];
  seo: { title?: string; description?: string; ogImage?: string };
  channels: ListingChannels;
  locationIds: string[];
  variants: VariantAxis[];
  priceTables: PriceTable[];
  fulfillmentRules: FulfillmentRule[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type PriceBreakdownUnit = RateUnit | 'sale';

export interface PriceQuote {
  total: Money;
  breakdown: { unit: PriceBreakdownUnit; count: number; amount: number }[];
  priceTableId: string;
  purchase: boolean;
  quantity: number;
}

/** A rule as carried in events: its buffers also in milliseconds, so consumers need no parser. */
export interface FulfillmentRuleSnapshot extends FulfillmentRule {
  bufferBeforeMs: number;
  bufferAfterMs: number;
}

/** The full listing as events carry it: enough to build the availability read model from events alone. */
export interface ListingSnapshot extends Omit<Listing, 'fulfillmentRules'> {
  tenantId: string;
  fulfillmentRules: FulfillmentRuleSnapshot[];
}

/** Data of `catalog.listing.created.v1`, `.updated.v1` and `.archived.v1`. */
export interface ListingChangedEvent {
  listing: ListingSnapshot;
}
