import { IsInt, IsString, Matches, Max, Min } from 'class-validator';

/**
 * Largest amount, in minor units, one money value of a request may carry (10^12, €10 billion):
 * well inside the safe-integer range, so sums of many entries stay exact. Totals that could still
 * pass 2^53 − 1 are refused (422) rather than rounded.
 */
export const MAX_MONEY_AMOUNT = 1_000_000_000_000;

/** Money in minor units: `{ amount: 4000, currency: "EUR" }` is €40.00. */
export class Money {
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY_AMOUNT)
  amount!: number;

  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency!: string;
}
