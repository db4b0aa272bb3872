import { IsInt, IsString, Matches, Min } from 'class-validator';

/** Money in minor units: `{ amount: 4000, currency: "EUR" }` is €40.00. */
export class Money {
  @IsInt()
  @Min(0)
  amount!: number;

  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency!: string;
}
