import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** SKU / stock-item attributes: a flat map of scalar values (`{ "Brand": "Trek", "Frame size": "S" }`). */
export type Attributes = Record<string, string | number | boolean>;

export const MAX_ATTRIBUTES = 100;
// No `$` (operators), `.` (paths) or NUL in a key; NUL is checked apart (lint forbids it in a regex).
const KEY = /^[^$.]{1,100}$/;
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** An attribute key that can reach MongoDB safely: 1-100 chars, no `$`, dot, NUL or prototype key. */
export function isSafeAttributeKey(key: string): boolean {
  return KEY.test(key) && !key.includes(String.fromCharCode(0)) && !UNSAFE_KEYS.has(key);
}

/** A plain object of at most 100 keys whose values are strings (≤ 500 chars), finite numbers or booleans. */
export function IsAttributes(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isAttributes',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `${String(propertyName)} must be an object of at most ${MAX_ATTRIBUTES} keys with string, number or boolean values`,
        ...options,
      },
      validator: {
        validate(value: unknown, _args: ValidationArguments) {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return false;
          const entries = Object.entries(value as Record<string, unknown>);
          if (entries.length > MAX_ATTRIBUTES) return false;
          return entries.every(
            ([k, v]) =>
              isSafeAttributeKey(k) &&
              ((typeof v === 'string' && v.length <= 500) ||
                (typeof v === 'number' && Number.isFinite(v)) ||
                typeof v === 'boolean'),
          );
        },
      },
    });
}
