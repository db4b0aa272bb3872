import { MAX_CALENDAR_DAYS, parseDate } from '@circulate/availability/engine';
import { DomainError, ErrorCode, type FieldError } from '@circulate/contracts';

const DAY_MS = 86_400_000;
/** ISO 8601 date-time with a mandatory offset (`Z` or `±hh:mm`). */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2}))$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const POSITIVE_INT = /^[1-9]\d{0,5}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export type RawQuery = Readonly<Record<string, unknown>>;

/** Collects field errors; `fail()` throws them all as one 400. */
class Problems {
  readonly errors: FieldError[] = [];
  add(field: string, message: string): void {
    this.errors.push({ field, message });
  }
  throwIfAny(): void {
    if (this.errors.length) {
      throw new DomainError(
        ErrorCode.VALIDATION_FAILED,
        this.errors.map((e) => `${e.field}: ${e.message}`).join('; '),
        this.errors,
      );
    }
  }
}

function single(q: RawQuery, key: string, p: Problems): string | undefined {
  const v = q[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') {
    p.add(key, 'must be given once, as a string');
    return undefined;
  }
  return v;
}

/** Epoch ms of an ISO 8601 date-time with offset, or undefined (calendar-checked: no 30 February). */
export function parseDateTime(text: string): number | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(wall).getUTCDate() !== d) return undefined;
  const frac = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  let offset = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return undefined;
    offset = (oh * 60 + om) * 60_000 * (m[8][0] === '-' ? -1 : 1);
  }
  return wall + Math.floor(frac) - offset;
}

function dateTimeField(q: RawQuery, key: string, p: Problems, required: boolean): number | undefined {
  const v = single(q, key, p);
  if (v === undefined) {
    if (required && q[key] === undefined) p.add(key, 'is required (ISO 8601 date-time with offset)');
    return undefined;
  }
  const t = parseDateTime(v);
  if (t === undefined) p.add(key, 'must be an ISO 8601 date-time with an offset, e.g. 2026-06-01T10:00:00Z');
  return t;
}

function variantSelection(q: RawQuery, p: Problems): Record<string, string> {
  const variant: Record<string, string> = {};
  for (const key of Object.keys(q)) {
    if (!key.startsWith('variant.')) continue;
    const axis = key.slice('variant.'.length);
    const value = single(q, key, p);
    if (!axis) p.add(key, 'names no variant axis');
    else if (value !== undefined) variant[axis] = value;
  }
  return variant;
}

function rejectUnknown(q: RawQuery, allowed: readonly string[], p: Problems): void {
  for (const key of Object.keys(q)) {
    if (!allowed.includes(key) && !key.startsWith('variant.')) p.add(key, 'is not a known query parameter');
  }
}

function locationField(q: RawQuery, p: Problems): string | undefined {
  const v = single(q, 'locationId', p);
  if (v !== undefined && !ID.test(v)) {
    p.add('locationId', 'must be a location id');
    return undefined;
  }
  return v;
}

export interface AvailabilityQuery {
  start: number;
  end: number;
  quantity: number;
  locationId?: string;
  variant: Record<string, string>;
  explain: boolean;
}

/** Validates `start`, `end`, `quantity`, `locationId`, `explain` and `variant.<axis>`. */
export function parseAvailabilityQuery(q: RawQuery): AvailabilityQuery {
  const p = new Problems();
  rejectUnknown(q, ['start', 'end', 'quantity', 'locationId', 'explain'], p);
  const start = dateTimeField(q, 'start', p, true);
  const end = dateTimeField(q, 'end', p, true);
  if (start !== undefined && end !== undefined) {
    if (end <= start) p.add('end', 'must be after start');
    else if (end - start > MAX_CALENDAR_DAYS * DAY_MS) p.add('end', `a period spans at most ${MAX_CALENDAR_DAYS} days`);
  }
  const qty = single(q, 'quantity', p);
  if (qty !== undefined && !POSITIVE_INT.test(qty)) p.add('quantity', 'must be a positive integer');
  const explainText = single(q, 'explain', p);
  if (explainText !== undefined && explainText !== 'true' && explainText !== 'false') {
    p.add('explain', 'must be true or false');
  }
  const locationId = locationField(q, p);
  const variant = variantSelection(q, p);
  p.throwIfAny();
  return {
    start: start as number,
    end: end as number,
    quantity: qty === undefined ? 1 : Number(qty),
    ...(locationId !== undefined ? { locationId } : {}),
    variant,
    explain: explainText === 'true',
  };
}

export interface CalendarQuery {
  from: string;
  to: string;
  locationId?: string;
  variant: Record<string, string>;
}

function dateField(q: RawQuery, key: string, p: Problems): number | undefined {
  const v = single(q, key, p);
  if (v === undefined) {
    if (q[key] === undefined) p.add(key, 'is required (YYYY-MM-DD)');
    return undefined;
  }
  if (!DATE.test(v)) {
    p.add(key, 'must be a date YYYY-MM-DD');
    return undefined;
  }
  try {
    return parseDate(v);
  } catch {
    p.add(key, 'must be a valid date YYYY-MM-DD');
    return undefined;
  }
}

/** Validates `from`, `to` (exclusive, at most 366 days on), `locationId` and `variant.<axis>`. */
export function parseCalendarQuery(q: RawQuery): CalendarQuery {
  const p = new Problems();
  rejectUnknown(q, ['from', 'to', 'locationId'], p);
  const from = dateField(q, 'from', p);
  const to = dateField(q, 'to', p);
  if (from !== undefined && to !== undefined) {
    if (to <= from) p.add('to', 'must be after from');
    else if (to - from > MAX_CALENDAR_DAYS) p.add('to', `a calendar spans at most ${MAX_CALENDAR_DAYS} days`);
  }
  const locationId = locationField(q, p);
  const variant = variantSelection(q, p);
  p.throwIfAny();
  return {
    from: q['from'] as string,
    to: q['to'] as string,
    ...(locationId !== undefined ? { locationId } : {}),
    variant,
  };
}

export interface ScheduleQuery {
  from?: number;
  to?: number;
}

/** `from` / `to` of a unit's schedule: optional date-times with offset, `to` after `from`. */
export function parseScheduleQuery(q: RawQuery): ScheduleQuery {
  const p = new Problems();
  rejectUnknown(q, ['from', 'to'], p);
  for (const key of Object.keys(q)) if (key.startsWith('variant.')) p.add(key, 'is not a known query parameter');
  const from = dateTimeField(q, 'from', p, false);
  const to = dateTimeField(q, 'to', p, false);
  if (from !== undefined && to !== undefined && to <= from) p.add('to', 'must be after from');
  p.throwIfAny();
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/** A 400 naming one field. */
export function fieldError(field: string, message: string): DomainError {
  return new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: ${message}`, [{ field, message }]);
}
