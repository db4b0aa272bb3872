import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** `YYYY-MM-DDThh:mm[:ss[.fff]]` followed by `Z` or `±hh:mm`: the contract's "ISO 8601 with offset". */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function validDay(y: number, mo: number, d: number): boolean {
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/**
 * The epoch milliseconds of an ISO 8601 date-time with an offset, or null when the text is not
 * one or names a time that does not exist (`2031-02-30`, `25:00`, offset `+24:00`): nothing rolls over.
 */
export function parseInstant(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = INSTANT.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000);
  if (!validDay(y, mo, d) || h > 23 || mi > 59 || s > 59) return null;
  let offsetMin = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000;
}

/** The UTC midnight (epoch ms) of a calendar date `YYYY-MM-DD`, or null when it is not a real date. */
export function parseCalendarDate(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = DATE.exec(text);
  if (!m) return null;
  const [y, mo, d] = [m[1], m[2], m[3]].map(Number);
  return validDay(y, mo, d) ? Date.UTC(y, mo - 1, d) : null;
}

function strictly(
  name: string,
  parse: (v: unknown) => number | null,
  what: string,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: (args: ValidationArguments) => `${args.property} must be ${what}`, ...options },
      validator: { validate: (value: unknown) => parse(value) !== null },
    });
}

/** A date-time of the contract: ISO 8601 with an offset, a real day and time (`2031-02-30T…` is refused). */
export const IsInstant = (options?: ValidationOptions): PropertyDecorator =>
  strictly(
    'isInstant',
    parseInstant,
    'an ISO 8601 date-time with an offset that exists, e.g. 2031-02-28T10:00:00Z',
    options,
  );

/** A calendar date `YYYY-MM-DD` that exists (`2031-04-31` is refused). */
export const IsCalendarDate = (options?: ValidationOptions): PropertyDecorator =>
  strictly('isCalendarDate', parseCalendarDate, 'a date YYYY-MM-DD that exists, e.g. 2031-02-28', options);
