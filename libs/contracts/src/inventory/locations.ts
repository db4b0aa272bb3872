import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsId, IsOptionalId } from '../common/id-field';
import { PageQuery } from '../common/pagination';

export class CreateLocationRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'code must be 1-64 letters, digits, dots, dashes or underscores' })
  code?: string;

  /** IANA time zone of the location, used for calendars (default UTC). */
  @IsOptionalId()
  timeZone?: string;
}

export class ListLocationsRequest extends PageQuery {}

export class GetLocationRequest {
  @IsId()
  id!: string;
}

export interface Location {
  id: string;
  name: string;
  code: string | null;
  timeZone: string;
  createdAt: string;
}

export interface LocationCreatedEvent {
  location: Location;
}
