import { IsOptional } from 'class-validator';
import { IsOptionalId } from './id-field';
import { IsInstant } from './time';

/** A period to price (ISO 8601 instants) and the price table to price it with (none: the first). */
export class PricedPeriod {
  @IsOptionalId()
  priceTableId?: string;

  @IsOptional()
  @IsInstant()
  start?: string;

  @IsOptional()
  @IsInstant()
  end?: string;
}
