import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidationOptions,
} from 'class-validator';
import { PricedPeriod } from '../common/period';
import { IsId } from '../common/id-field';
import type { Money } from '../common/money';
import { IsNestedObject, IsNestedObjectArray } from '../common/nested';
import { PageQuery } from '../common/pagination';
import { IsInstant } from '../common/time';

export const OrderStatuses = ['reserved', 'confirmed', 'active', 'completed', 'cancelled', 'expired'] as const;
export type OrderStatusName = (typeof OrderStatuses)[number];

export const OrderChannels = ['online_store', 'admin', 'check_in'] as const;
export type OrderChannel = (typeof OrderChannels)[number];

/** Most lines one order may carry, and most scans one hand-out or return may carry. */
export const MAX_ORDER_LINES = 100;
export const MAX_SCANS = 200;

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const VARIANT_TEXT = /^[^$.]{1,64}$/;

/** `{ axis: value }`: at most 20 plain string pairs, no `$`, dots or prototype keys. */
function IsVariantChoice(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isVariantChoice',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `${String(propertyName)} must be an object of at most 20 axis names with string values`,
        ...options,
      },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          if (Object.getPrototypeOf(value) !== Object.prototype) return false;
          const entries = Object.entries(value as Record<string, unknown>);
          return (
            entries.length <= 20 &&
            entries.every(
              ([k, v]) => !UNSAFE_KEYS.has(k) && VARIANT_TEXT.test(k) && typeof v === 'string' && VARIANT_TEXT.test(v),
            )
          );
        },
      },
    });
}

export class OrderCustomer {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;
}

export class OrderLineRequest extends PricedPeriod {
  @IsId()
  listingId!: string;

  @IsOptional()
  @IsVariantChoice()
  variant?: Record<string, string>;

  @IsInt()
  @Min(1)
  @Max(10_000)
  quantity!: number;

  @IsOptional()
  @IsBoolean()
  purchase?: boolean;
}

export class OrderHold {
  /** Minutes until an unconfirmed order is released by itself (at most 30 days). */
  @IsInt()
  @Min(1)
  @Max(43_200)
  minutes!: number;
}

export class CreateOrderBody {
  @IsNestedObject(() => OrderCustomer)
  customer!: OrderCustomer;

  @IsIn(OrderChannels)
  channel!: OrderChannel;

  @IsId()
  locationId!: string;

  @IsNestedObjectArray(() => OrderLineRequest)
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDER_LINES)
  lines!: OrderLineRequest[];

  @IsOptional()
  @IsNestedObject(() => OrderHold)
  hold?: OrderHold;

  /** Admin and staff: accept lines that cannot be fully allocated, listing the shortages. */
  @IsOptional()
  @IsBoolean()
  allowShortage?: boolean;
}

/** What the gateway forwards: the body plus the request's `Idempotency-Key`, which keys the whole saga. */
export class CreateOrderRequest extends CreateOrderBody {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  idempotencyKey?: string;
}

export class OrderIdRequest {
  @IsId()
  id!: string;
}

export class ExtendOrderBody {
  @IsInstant()
  end!: string;
}

export class ExtendOrderRequest extends ExtendOrderBody {
  @IsId()
  id!: string;
}

export class HandOutScan {
  /** Any of the unit's codes (internal code, serial, barcode). */
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  code!: string;

  /** Pooled units: how many of the pool (default: all the line still holds of it). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  quantity?: number;
}

export class ReturnScan extends HandOutScan {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  condition?: string;
}

export class HandOutBody {
  @IsNestedObjectArray(() => HandOutScan)
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SCANS)
  items!: HandOutScan[];
}

export class HandOutRequest extends HandOutBody {
  @IsId()
  id!: string;
}

export class ReturnBody {
  @IsNestedObjectArray(() => ReturnScan)
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SCANS)
  items!: ReturnScan[];
}

export class ReturnRequest extends ReturnBody {
  @IsId()
  id!: string;
}

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListOrdersRequest extends PageQuery {
  @IsOptional()
  @IsIn(OrderStatuses)
  status?: OrderStatusName;

  /** Orders whose period overlaps `[from, to)`. */
  @IsOptional()
  @IsInstant()
  from?: string;

  @IsOptional()
  @IsInstant()
  to?: string;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  overdue?: boolean;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  shortage?: boolean;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  conflicts?: boolean;

  /** Only orders of this channel (a storefront key always sees online_store orders only). */
  @IsOptional()
  @IsIn(OrderChannels)
  channel?: OrderChannel;
}

// ---- Shapes ----

export interface OrderAllocation {
  ruleId: string;
  stockItemId: string;
  quantity: number;
  reservationId: string;
  /** Units of this allocation handed out so far, and returned so far. */
  out: number;
  returned: number;
}

export interface OrderLine {
  listingId: string;
  variant: Record<string, string>;
  quantity: number;
  priceTableId: string | null;
  start: string | null;
  end: string | null;
  purchase: boolean;
  price: Money;
  allocations: OrderAllocation[];
}

export interface OrderShortage {
  lineIndex: number;
  ruleId: string | null;
  missing: number;
}

export interface OrderConflict {
  lineIndex: number;
  stockItemId: string;
  blockingOrderId: string | null;
}

export interface Order {
  id: string;
  number: string;
  status: OrderStatusName;
  customer: { name: string; email?: string };
  channel: OrderChannel;
  locationId: string;
  lines: OrderLine[];
  total: Money;
  holdExpiresAt?: string;
  overdue: boolean;
  shortages: OrderShortage[];
  conflicts: OrderConflict[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** Payload of every `orders.order.*` fact but `refused`: the order as it is after the change. */
export interface OrderEvent {
  order: Order;
  /** Hand-out and return: what this fact moved. */
  units?: { stockItemId: string; quantity: number; condition?: string }[];
}
