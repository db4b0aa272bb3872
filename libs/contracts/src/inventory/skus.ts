import {
  ArrayMaxSize,
  IsArray,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { IsId } from '../common/id-field';
import { Money } from '../common/money';
import { IsNestedObject } from '../common/nested';
import { PageQuery } from '../common/pagination';
import { Attributes, IsAttributes } from './attributes';

/** A field that may be left out but, when given, may not be null. */
export const IsPresentOrAbsent = () => ValidateIf((_o: unknown, v: unknown) => v !== undefined);

/** A category path, e.g. `["Bicycles", "City"]`: at most 10 names of 1-100 characters. */
export function IsCategoryPath(): PropertyDecorator {
  const rules = [
    IsArray(),
    ArrayMaxSize(10),
    IsString({ each: true }),
    MinLength(1, { each: true }),
    MaxLength(100, { each: true }),
  ];
  // Applied last to first, as stacked decorators are, so errors come in the same order.
  return (target, key) => {
    for (const rule of [...rules].reverse()) rule(target, key);
  };
}

export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/#+-]{0,99}$/;
export const CODE_MESSAGE = 'must be 1-100 letters, digits or . _ : / # + - (starting with a letter or digit)';

export class CreateSkuRequest {
  @IsString()
  @Matches(CODE_PATTERN, { message: `code ${CODE_MESSAGE}` })
  code!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  /** A category path, e.g. `["Bicycles", "City"]`. */
  @IsOptional()
  @IsCategoryPath()
  category?: string[];

  @IsOptional()
  @IsAttributes()
  attributes?: Attributes;

  @IsOptional()
  @IsNestedObject(() => Money)
  purchasePrice?: Money;

  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;
}

/** PATCH /skus/{id}: any field but `id`; `purchasePrice` and `description` may be null to clear them. */
export class UpdateSkuFields {
  @IsPresentOrAbsent()
  @IsString()
  @Matches(CODE_PATTERN, { message: `code ${CODE_MESSAGE}` })
  code?: string;

  @IsPresentOrAbsent()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @IsPresentOrAbsent()
  @IsCategoryPath()
  category?: string[];

  @IsPresentOrAbsent()
  @IsAttributes()
  attributes?: Attributes;

  @IsOptional()
  @IsNestedObject(() => Money)
  purchasePrice?: Money | null;

  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string | null;
}

/** The RPC payload: the SKU's id (from the path) and the fields to change. */
export class UpdateSkuRequest extends UpdateSkuFields {
  @IsId()
  id!: string;
}

export class ListSkusRequest extends PageQuery {
  /** Exact SKU code. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  code?: string;

  /** Case-insensitive substring of the name. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class SkuIdRequest {
  @IsId()
  id!: string;
}

export interface Sku {
  id: string;
  code: string;
  name: string;
  category: string[];
  attributes: Attributes;
  purchasePrice: Money | null;
  description: string | null;
  /** How many stock items link to this SKU (any tracking, any status). */
  stockItemCount: number;
  createdAt: string;
  version: number;
}

/** The SKU's own fields, as carried by SKU events (no derived counts). */
export type SkuSnapshot = Omit<Sku, 'stockItemCount'>;

export interface SkuEvent {
  sku: SkuSnapshot;
  /** Ids of the stock items linked to the SKU when the fact happened (for deleted: unlinked). */
  linkedStockItemIds?: string[];
}
