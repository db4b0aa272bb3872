import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  registerDecorator,
  ValidationArguments,
} from 'class-validator';
import { IsOptionalId } from '../common/id-field';
import { Money } from '../common/money';

/** The longest range one report covers (a little over two years). */
export const MAX_REPORT_DAYS = 800;
export const ReportFormats = ['json', 'csv'] as const;
export type ReportFormat = (typeof ReportFormats)[number];

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function parsed(value: unknown): number {
  return typeof value === 'string' && ISO_TIME.test(value) ? Date.parse(value) : NaN;
}

/** `to` after `from`, and at most MAX_REPORT_DAYS later. */
function IsRangeEnd(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isRangeEnd',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate(value: unknown, args: ValidationArguments): boolean {
          const to = parsed(value);
          const from = parsed((args.object as { from?: unknown }).from);
          if (Number.isNaN(to)) return false;
          if (Number.isNaN(from)) return true; // from reports its own error
          return to > from && to - from <= MAX_REPORT_DAYS * 86_400_000;
        },
        defaultMessage: () =>
          `to must be an ISO 8601 date or date-time after from, at most ${MAX_REPORT_DAYS} days later`,
      },
    });
}

/** `from`/`to`: ISO 8601 dates (`2026-01-01`, UTC midnight) or date-times with offset; `[from, to)`. */
export class ReportRange {
  @IsString()
  @Matches(ISO_TIME, { message: 'from must be an ISO 8601 date or date-time with offset' })
  from!: string;

  @IsString()
  @IsRangeEnd()
  to!: string;

  @IsOptional()
  @IsIn(ReportFormats)
  format?: ReportFormat;
}

export class StockItemsReportQuery extends ReportRange {
  @IsOptionalId()
  skuId?: string;

  @IsOptionalId()
  locationId?: string;
}

export class SkusReportQuery extends ReportRange {}
export class PoolsReportQuery extends ReportRange {}

export class UnderPerformersQuery extends ReportRange {
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value))
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'maxUtilisation must be a number in [0, 1]' })
  @Min(0, { message: 'maxUtilisation must be a number in [0, 1]' })
  @Max(1, { message: 'maxUtilisation must be a number in [0, 1]' })
  maxUtilisation?: number;
}

export const DEFAULT_MAX_UTILISATION = 0.2;

export interface StockItemReportRow {
  stockItemId: string;
  skuId: string | null;
  locationId: string;
  tracking: 'serialized' | 'pooled';
  quantity: number;
  status: string;
  income: Money;
  cost: Money;
  profit: Money;
  /** profit / purchase price; null without a purchase price. */
  roi: number | null;
  /** Units handed out in the range. */
  rentals: number;
  /** Unit-days out in the range. */
  daysOut: number;
  /** Unit-days owned in the range. */
  daysOwned: number;
  /** daysOut / daysOwned; null when not owned at all in the range. */
  utilisation: number | null;
}

export interface SkuReportRow {
  skuId: string;
  code: string | null;
  units: number;
  serializedUnits: number;
  pooledUnits: number;
  retiredUnits: number;
  income: Money;
  cost: Money;
  profit: Money;
  utilisation: number | null;
}

export interface UnderPerformerRow {
  stockItemId: string;
  skuId: string | null;
  status: string;
  daysOwned: number;
  daysOut: number;
  income: Money;
  utilisation: number;
}

export interface PoolReportRow {
  stockItemId: string;
  skuId: string | null;
  quantity: number;
  peakOut: number;
  peakReserved: number;
  unmetDemand: number;
  utilisation: number | null;
  suggestedReorder: number;
}

export interface Report<T> {
  items: T[];
}

/** Over NATS a report travels in pages (a NATS message is at most 1 MB); the gateway joins or streams them. */

export interface ReportPage<T> {
  items: T[];
  total: number;
  nextOffset: number | null;
}

export const REPORT_PAGE_SIZE = 2000;

/**
 * A page the service renders itself (`render` in the request): `chunk` is the page's rows as JSON
 * array elements joined by commas (no brackets) or as CSV records, so the gateway joins strings
 * instead of decoding and re-encoding every row. Pages are cut by size (well under a NATS
 * message); the first page lists where every page starts.
 */
export interface RenderedReportPage {
  chunk: string;
  rows: number;
  total: number;
  nextOffset: number | null;
  /** On the page at offset 0: the offsets of all pages of this answer, in order. */
  pageOffsets?: number[];
}

export const REPORT_RENDER_FORMATS = ['json', 'csv'] as const;
export type ReportRenderFormat = (typeof REPORT_RENDER_FORMATS)[number];

type Ctor<T> = new (...args: never[]) => T;

/** The RPC form of a report query: the query plus the page wanted. */
function paged<T extends object>(Base: Ctor<T>) {
  class Paged extends (Base as Ctor<object>) {
    @IsInt()
    @Min(0)
    offset!: number;

    @IsInt()
    @Min(1)
    @Max(10_000)
    limit!: number;

    /** Answer a `RenderedReportPage` in this format instead of a `ReportPage`. */
    @IsOptional()
    @IsIn(REPORT_RENDER_FORMATS)
    render?: ReportRenderFormat;
  }
  return Paged as unknown as Ctor<T & { offset: number; limit: number; render?: ReportRenderFormat }>;
}

export class StockItemsReportRpc extends paged(StockItemsReportQuery) {}
export class SkusReportRpc extends paged(SkusReportQuery) {}
export class UnderPerformersRpc extends paged(UnderPerformersQuery) {}
export class PoolsReportRpc extends paged(PoolsReportQuery) {}
