import { IsOptional, IsString, MaxLength } from 'class-validator';

/** The longest id a request may name (any id up to it is looked up: an unknown one answers 404). */
export const MAX_ID_LENGTH = 64;

/** A field that names a record by id: a string of at most `MAX_ID_LENGTH` characters. */
export function IsId(): PropertyDecorator {
  const max = MaxLength(MAX_ID_LENGTH);
  const string = IsString();
  // The order `@IsString() @MaxLength(64)` registered them in, so errors read as before.
  return (target, key) => {
    max(target, key);
    string(target, key);
  };
}

/** An id field that may be absent (`@IsOptional() @IsId()`). */
export function IsOptionalId(): PropertyDecorator {
  const id = IsId();
  const optional = IsOptional();
  return (target, key) => {
    id(target, key);
    optional(target, key);
  };
}
