import type { EpochMs, Period } from './types';

/*
 * Time-zone and ISO 8601 duration arithmetic with Intl only (no tz database of our own).
 * Local wall-clock times are represented as "wall ms": the epoch ms the same Y-M-D h:m:s would
 * have in UTC.
 */

const DAY_MS = 86_400_000;
const CACHE_LIMIT = 50_000;

function isUtc(timeZone: string): boolean {
  return timeZone === 'UTC' || timeZone === 'Etc/UTC' || timeZone === 'Z';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone, which is what we want.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Validates an IANA zone name; throws RangeError when Intl does not know it. */
export function assertTimeZone(timeZone: string): void {
  if (!isUtc(timeZone)) formatter(timeZone);
}

/** Wall-clock ms of `epoch` in `timeZone`. */
export function toWallMs(epoch: EpochMs, timeZone: string): number {
  if (isUtc(timeZone)) return epoch;
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(epoch))) part[p.type] = p.value;
  const n = (t: Intl.DateTimeFormatPartTypes) => Number(part[t] ?? 0);
  const bc = part.era === 'BC' || part.era === 'B';
  let y = n('year');
  const [mo, d, h, mi, s] = [n('month'), n('day'), n('hour'), n('minute'), n('second')];
  if (bc) y = 1 - y;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ((epoch % 1000) + 1000) % 1000);
  return date.getTime();
}

/** Offset of `timeZone` from UTC at `epoch`, in ms (local = utc + offset). */
export function offsetAt(epoch: EpochMs, timeZone: string): number {
  return toWallMs(epoch, timeZone) - epoch;
}

/**
 * The instant showing wall-clock `wall` in `timeZone`. Ambiguous times (clocks going back) take
 * the earlier instant; skipped times (clocks going forward) move forward by the gap, like
 * Temporal's "compatible" disambiguation. So the start of a day whose midnight is skipped is
 * the first instant of that day.
 */
export function fromWallMs(wall: number, timeZone: string): EpochMs {
  if (isUtc(timeZone)) return wall;
  const early = offsetAt(wall - DAY_MS, timeZone);
  const late = offsetAt(wall + DAY_MS, timeZone);
  const t1 = wall - early;
  if (early === late) {
    if (offsetAt(t1, timeZone) === early) return t1;
    // A transition pair within two days (rare); fall through to checking both candidates.
  }
  const t2 = wall - late;
  const ok1 = t1 + offsetAt(t1, timeZone) === wall;
  const ok2 = t2 + offsetAt(t2, timeZone) === wall;
  if (ok1 && ok2) return Math.min(t1, t2);
  if (ok1) return t1;
  if (ok2) return t2;
  return Math.max(t1, t2);
}

// ---------------------------------------------------------------------------------------------
// Calendar days

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD` into a UTC day number (days since 1970-01-01); throws on a bad date. */
export function parseDate(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`invalid date "${date}", expected YYYY-MM-DD`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new RangeError(`invalid date "${date}"`);
  }
  return Math.round(ms / DAY_MS);
}

/** Formats a UTC day number as `YYYY-MM-DD`. */
export function formatDay(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

const dayStartCache = new Map<string, EpochMs>();

/**
 * The first instant of local day `dayNumber` (days since 1970-01-01) in `timeZone`.
 * `hintOffset` (the zone's offset at a nearby earlier instant) lets the common case cost one
 * Intl call; the answer is the same with or without it.
 */
export function startOfDay(dayNumber: number, timeZone: string, hintOffset?: number): EpochMs {
  if (isUtc(timeZone)) return dayNumber * DAY_MS;
  const key = `${timeZone}|${dayNumber}`;
  let t = dayStartCache.get(key);
  if (t === undefined) {
    const wall = dayNumber * DAY_MS;
    // With the earlier offset: if it still holds at the candidate, the candidate shows this wall
    // time, and in a fall-back overlap it is the earlier of the two instants.
    if (hintOffset !== undefined && offsetAt(wall - hintOffset, timeZone) === hintOffset) t = wall - hintOffset;
    else t = fromWallMs(wall, timeZone);
    if (dayStartCache.size >= CACHE_LIMIT) dayStartCache.clear();
    dayStartCache.set(key, t);
  }
  return t;
}

/** Starts of `count + 1` consecutive local days from `fromDay`: the day boundaries of a range. */
export function dayBoundaries(fromDay: number, count: number, timeZone: string): Float64Array {
  const out = new Float64Array(count + 1);
  let hint: number | undefined;
  for (let d = 0; d <= count; d++) {
    out[d] = startOfDay(fromDay + d, timeZone, hint);
    hint = (fromDay + d) * DAY_MS - out[d];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// ISO 8601 durations

export interface Duration {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  /** Hours, minutes and seconds together, in ms (exact time). */
  readonly timeMs: number;
}

const DURATION_RE =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d{1,3})?)S)?)?$/;

const durationCache = new Map<string, Duration>();

/** Parses an ISO 8601 duration such as `P1D`, `PT2H`, `P1W`, `P1M`, `P1DT12H`; throws RangeError. */
export function parseDuration(text: string): Duration {
  let d = durationCache.get(text);
  if (d) return d;
  const m = DURATION_RE.exec(text);
  if (!m) throw new RangeError(`invalid ISO 8601 duration "${text}"`);
  const n = (i: number): number => (m[i] === undefined ? 0 : Number(m[i]));
  const seconds = m[7] === undefined ? 0 : Number(m[7].replace(',', '.'));
  d = {
    years: n(1),
    months: n(2),
    weeks: n(3),
    days: n(4),
    timeMs: n(5) * 3_600_000 + n(6) * 60_000 + Math.round(seconds * 1000),
  };
  if (durationCache.size >= CACHE_LIMIT) durationCache.clear();
  durationCache.set(text, d);
  return d;
}

const shiftCache = new Map<string, EpochMs>();

/**
 * `epoch` plus (`sign` = 1) or minus (`sign` = -1) the duration. Years, months, weeks and days
 * are calendar units in `timeZone` (P1D across a DST change is 23 or 25 hours; P1M from Jan 31
 * lands on the last day of February); hours, minutes and seconds are exact.
 */
export function shiftByDuration(epoch: EpochMs, duration: string, sign: 1 | -1, timeZone = 'UTC'): EpochMs {
  const d = parseDuration(duration);
  if (d.years === 0 && d.months === 0 && d.weeks === 0 && d.days === 0) return epoch + sign * d.timeMs;
  const utc = isUtc(timeZone);
  const key = utc ? '' : `${timeZone}|${epoch}|${duration}|${sign}`;
  if (!utc) {
    const hit = shiftCache.get(key);
    if (hit !== undefined) return hit;
  }
  const wall = new Date(toWallMs(epoch, timeZone));
  if (d.years !== 0 || d.months !== 0) {
    const y = wall.getUTCFullYear();
    const totalMonths = wall.getUTCMonth() + sign * (d.years * 12 + d.months);
    const ty = y + Math.floor(totalMonths / 12);
    const tm = ((totalMonths % 12) + 12) % 12;
    const lastDay = daysInMonth(ty, tm);
    const day = Math.min(wall.getUTCDate(), lastDay);
    wall.setUTCFullYear(ty, tm, day);
  }
  const dayShift = d.weeks * 7 + d.days;
  if (dayShift !== 0) wall.setUTCDate(wall.getUTCDate() + sign * dayShift);
  const result = fromWallMs(wall.getTime(), timeZone) + sign * d.timeMs;
  if (!utc) {
    if (shiftCache.size >= CACHE_LIMIT) shiftCache.clear();
    shiftCache.set(key, result);
  }
  return result;
}

function daysInMonth(year: number, month0: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month0 + 1, 0);
  return d.getUTCDate();
}

/**
 * Widens a period by ISO 8601 buffers: `[start - before, end + after)`. Use it to compute the
 * blocked interval of a new reservation from the customer's period and the rule's buffers.
 */
export function widenPeriod(period: Period, bufferBefore?: string, bufferAfter?: string, timeZone = 'UTC'): Period {
  return {
    start: bufferBefore ? shiftByDuration(period.start, bufferBefore, -1, timeZone) : period.start,
    end: bufferAfter ? shiftByDuration(period.end, bufferAfter, 1, timeZone) : period.end,
  };
}

/** The blocked interval of a reservation made under `rule` for the customer's `period`. */
export function blockedPeriod(
  period: Period,
  rule: { readonly bufferBefore?: string; readonly bufferAfter?: string },
  timeZone = 'UTC',
): Period {
  return widenPeriod(period, rule.bufferBefore, rule.bufferAfter, timeZone);
}
