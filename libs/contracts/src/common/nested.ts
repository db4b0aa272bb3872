import { Type } from 'class-transformer';
import { registerDecorator, ValidateNested, ValidationArguments } from 'class-validator';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type ClassOf = () => Function;

/** An object that is not an array (class-transformer has already made plain objects instances). */
function isObjectNotArray(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function apply(target: object, key: string | symbol, decorators: PropertyDecorator[]): void {
  // Applied last to first, as stacked decorators are, so errors come in their written order.
  for (const d of [...decorators].reverse()) d(target, key);
}

/**
 * A nested object of class `cls`, validated as one: an array (`[{…}]`), a string or a missing
 * value is a 400 naming the field, never coerced (class-transformer turns `[{…}]` into an array of
 * instances that `@ValidateNested` alone would accept). Combine with `@IsOptional()` when optional.
 */
export function IsNestedObject(cls: ClassOf): PropertyDecorator {
  return (target, key) =>
    apply(target, key, [
      (t, k) =>
        registerDecorator({
          name: 'isNestedObject',
          target: t.constructor,
          propertyName: String(k),
          options: { message: (a: ValidationArguments) => `${a.property} must be an object` },
          validator: { validate: isObjectNotArray },
        }),
      ValidateNested(),
      Type(cls),
    ]);
}

/** An array of nested objects of class `cls`: every entry must be an object (not an array, not a scalar). */
export function IsNestedObjectArray(cls: ClassOf): PropertyDecorator {
  return (target, key) =>
    apply(target, key, [
      (t, k) =>
        registerDecorator({
          name: 'isNestedObjectArray',
          target: t.constructor,
          propertyName: String(k),
          options: { message: (a: ValidationArguments) => `${a.property} must be an array of objects` },
          validator: { validate: (v: unknown) => Array.isArray(v) && v.every(isObjectNotArray) },
        }),
      ValidateNested({ each: true }),
      Type(cls),
    ]);
}
