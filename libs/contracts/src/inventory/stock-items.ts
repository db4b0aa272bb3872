import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  NotEquals,
} from 'class-validator';
import { IsId, IsOptionalId } from '../common/id-field';
import { Money } from '../common/money';
import { IsNestedObject } from '../common/nested';
import { PageQuery } from '../common/pagination';
import { Attributes, IsAttributes } from './attributes';
import { CODE_MESSAGE, CODE_PATTERN, IsCategoryPath, IsPresentOrAbsent } from './skus';

export const Trackings = ['serialized', 'pooled'] as const;
export type Tracking = (typeof Trackings)[number];

/** Lifecycle status. `out_of_use`, `lost` and `sold` are retired: no new reservations, history kept. */
export const StockItemStatuses = ['in_use', 'out_of_use', 'lost', 'sold'] as const;
export type StockItemStatus = (typeof StockItemStatuses)[number];

export const TimelineTypes = [
  'registered',
  'status_changed',
  'moved',
  'condition_changed',
  'codes_changed',
  'overrides_changed',
  'adjusted',
  'cost_recorded',
  'income_recorded',
  'handed_out',
  'returned',
] as const;
export type TimelineType = (typeof TimelineTypes)[number];

export const LedgerTypes = ['income', 'cost'] as const;
export type LedgerType = (typeof LedgerTypes)[number];

/** Codes per stock item, and stock items per batch registration. */
export const MAX_CODES_PER_ITEM = 20;
export const MAX_BATCH_COUNT = 1000;

const ORDER_ID = /^[A-Za-z0-9_-]{1,64}$/;

function IsCodeList(max: number): PropertyDecorator {
  return (target: object, key: string | symbol) => {
    IsArray()(target, key);
    ArrayMinSize(1)(target, key);
    ArrayMaxSize(max)(target, key);
    IsString({ each: true })(target, key);
    Matches(CODE_PATTERN, { each: true, message: `each code ${CODE_MESSAGE}` })(target, key);
  };
}

/** What an item may override of its SKU. A field given here wins; attributes merge key by key. */
export class StockItemOverrides {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string | null;

  @IsOptional()
  @IsCategoryPath()
  category?: string[] | null;

  @IsOptional()
  @IsAttributes()
  attributes?: Attributes | null;

  @IsOptional()
  @IsNestedObject(() => Money)
  purchasePrice?: Money | null;
}

export class CreateStockItemRequest {
  @IsIn(Trackings)
  tracking!: Tracking;

  /** Serialized: absent or 1. Pooled: ≥ 1 (default 1). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  quantity?: number;

  @IsOptionalId()
  skuId?: string;

  /** Unique across every stock item of the tenant. Absent: the item's id becomes its internal code. */
  @IsOptional()
  @IsCodeList(MAX_CODES_PER_ITEM)
  codes?: string[];

  @IsId()
  locationId!: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  condition?: string;

  @IsOptional()
  @IsNestedObject(() => StockItemOverrides)
  overrides?: StockItemOverrides;
}

export class BatchRegisterRequest {
  @IsId()
  skuId!: string;

  @IsId()
  locationId!: string;

  @IsInt()
  @Min(1)
  @Max(MAX_BATCH_COUNT)
  count!: number;

  @IsIn(['serialized'])
  tracking!: 'serialized';

  /** One code per item, in order; `codes.length` must equal `count`. Absent: ids become codes. */
  @IsOptional()
  @IsCodeList(MAX_BATCH_COUNT)
  codes?: string[];

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  condition?: string;
}

/** PATCH /stock-items/{id}. `tracking` and `quantity` are accepted only to answer 422 (the one-way door). */
export class UpdateStockItemFields {
  @IsPresentOrAbsent()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  condition?: string;

  @IsPresentOrAbsent()
  @IsId()
  locationId?: string;

  @IsPresentOrAbsent()
  @IsIn(StockItemStatuses)
  status?: StockItemStatus;

  /** Replaces the item's codes (at least one). */
  @IsPresentOrAbsent()
  @IsCodeList(MAX_CODES_PER_ITEM)
  codes?: string[];

  /** Fields given replace the item's overrides of that field; null removes the override. */
  @IsPresentOrAbsent()
  @IsNestedObject(() => StockItemOverrides)
  overrides?: StockItemOverrides;

  /** Never changeable: present → 422. */
  @Allow()
  tracking?: unknown;

  /** A serialized item's quantity is 1 and a pool's moves only by adjustments: a change → 422. */
  @Allow()
  quantity?: unknown;
}

export class UpdateStockItemRequest extends UpdateStockItemFields {
  @IsId()
  id!: string;
}

export class ListStockItemsRequest extends PageQuery {
  @IsOptionalId()
  skuId?: string;

  @IsOptionalId()
  locationId?: string;

  @IsOptional()
  @IsIn(StockItemStatuses)
  status?: StockItemStatus;

  @IsOptional()
  @IsIn(Trackings)
  tracking?: Tracking;
}

export class StockItemIdRequest {
  @IsId()
  id!: string;
}

export class LookupStockItemRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  code!: string;
}

export class AdjustmentFields {
  /** Units added (> 0) or written off (< 0). */
  @IsInt()
  @NotEquals(0)
  @Min(-1_000_000_000)
  @Max(1_000_000_000)
  delta!: number;

  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

export class AdjustmentRequest extends AdjustmentFields {
  @IsId()
  id!: string;
}

export class LedgerEntryFields {
  @IsIn(LedgerTypes)
  type!: LedgerType;

  @IsNestedObject(() => Money)
  amount!: Money;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  reason!: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;

  @IsOptional()
  @IsString()
  @Matches(ORDER_ID, { message: 'orderId must be 1-64 letters, digits, dashes or underscores' })
  orderId?: string;
}

export class LedgerEntryRequest extends LedgerEntryFields {
  @IsId()
  id!: string;
}

// ---- Commands for the orders service (idempotent per order and item) ----

class OrderItemCommand {
  @IsId()
  stockItemId!: string;

  @IsString()
  @Matches(ORDER_ID, { message: 'orderId must be 1-64 letters, digits, dashes or underscores' })
  orderId!: string;

  /**
   * Distinguishes several operations of one kind for the same order and item (e.g. a pool
   * handed out in two scans). Absent: one operation of this kind per order and item.
   */
  @IsOptional()
  @IsString()
  @Matches(ORDER_ID, { message: 'operationKey must be 1-64 letters, digits, dashes or underscores' })
  operationKey?: string;
}

/** Units go Out for an order. Serialized: the whole unit (quantity absent or 1). Pooled: quantity ≤ units in. */
export class HandOutCommand extends OrderItemCommand {
  @IsOptional()
  @IsInt()
  @Min(1)
  quantity?: number;
}

/** Units come back In from an order (never more than that order has out). */
export class ReturnCommand extends OrderItemCommand {
  @IsOptional()
  @IsInt()
  @Min(1)
  quantity?: number;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  condition?: string;
}

export class RecordOrderIncomeCommand extends OrderItemCommand {
  @IsNestedObject(() => Money)
  amount!: Money;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

/** Serialized: status `sold`. Pooled: `quantity` units leave the pool (the pool is `sold` when none remain). */
export class MarkSoldCommand extends OrderItemCommand {
  @IsOptional()
  @IsInt()
  @Min(1)
  quantity?: number;
}

// ---- Shapes ----

export interface StockItemEffective {
  name: string | null;
  category: string[];
  attributes: Attributes;
  purchasePrice: Money | null;
}

export interface StockItemState {
  in: number;
  out: number;
}

export interface StockItem {
  id: string;
  skuId: string | null;
  /** The linked SKU's code (fulfillment rules match on it); null when unlinked. */
  skuCode: string | null;
  tracking: Tracking;
  quantity: number;
  codes: string[];
  locationId: string;
  condition: string | null;
  status: StockItemStatus;
  state: StockItemState;
  overrides: StockItemOverridesShape;
  effective: StockItemEffective;
  createdAt: string;
  /** Increases by one with every change; events carry it as `aggregateVersion`. */
  version: number;
}

export interface StockItemOverridesShape {
  name?: string;
  category?: string[];
  attributes?: Attributes;
  purchasePrice?: Money;
}

export interface LedgerEntry {
  id: string;
  type: LedgerType;
  amount: Money;
  reason: string;
  note: string | null;
  orderId: string | null;
  at: string;
}

export interface Ledger {
  items: LedgerEntry[];
  totals: { income: Money; cost: Money };
}

export interface TimelineEntry {
  type: TimelineType;
  at: string;
  quantity?: number;
  orderId?: string;
  data?: Record<string, unknown>;
}

export interface Timeline {
  items: TimelineEntry[];
}

export interface StockItemBatch {
  items: StockItem[];
}

/**
 * Every stock-item fact carries the item's full current snapshot, so read models (availability,
 * reporting) are built from events alone. `changes` are the timeline entries of this fact
 * (empty when only inherited SKU fields changed, `reason` says why).
 */
export interface StockItemEvent {
  item: StockItem;
  changes: TimelineEntry[];
  /** Set on a ledger fact. */
  ledgerEntry?: LedgerEntry;
  /** `sku_updated` / `sku_deleted` when the snapshot changed because of the linked SKU. */
  reason?: string;
}
