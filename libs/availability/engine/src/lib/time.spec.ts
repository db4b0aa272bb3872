import { dayBoundaries, formatDay, parseDate, parseDuration, shiftByDuration, startOfDay, widenPeriod } from './time';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('ISO 8601 durations', () => {
  it('parses days, hours, weeks, months and combinations', () => {
    expect(parseDuration('P1D')).toEqual({ years: 0, months: 0, weeks: 0, days: 1, timeMs: 0 });
    expect(parseDuration('PT2H')).toMatchObject({ days: 0, timeMs: 7_200_000 });
    expect(parseDuration('P1W')).toMatchObject({ weeks: 1 });
    expect(parseDuration('P1M')).toMatchObject({ months: 1 });
    expect(parseDuration('P1Y2M3DT4H5M6.5S')).toEqual({ years: 1, months: 2, weeks: 0, days: 3, timeMs: 14_706_500 });
  });

  it('rejects what is not a duration', () => {
    for (const bad of ['', 'P', 'PT', '1D', 'P1H', 'PT1D', 'P-1D', 'P1.5D', 'p1d']) {
      expect(() => parseDuration(bad)).toThrow(RangeError);
    }
  });

  it('widens a period by P1D, PT2H, P1W and P1M', () => {
    const p = { start: at('2025-01-31T10:00:00Z'), end: at('2025-02-02T10:00:00Z') };
    expect(widenPeriod(p, 'P1D', 'PT2H')).toEqual({
      start: at('2025-01-30T10:00:00Z'),
      end: at('2025-02-02T12:00:00Z'),
    });
    expect(widenPeriod(p, 'P1W')).toEqual({ start: at('2025-01-24T10:00:00Z'), end: p.end });
    expect(widenPeriod(p, undefined, 'P1M')).toEqual({ start: p.start, end: at('2025-03-02T10:00:00Z') });
    // Month arithmetic clamps to the last day of the month.
    expect(iso(shiftByDuration(p.start, 'P1M', 1))).toBe('2025-02-28T10:00:00.000Z');
    expect(iso(shiftByDuration(at('2024-03-31T00:00:00Z'), 'P1M', -1))).toBe('2024-02-29T00:00:00.000Z');
  });

  it('a calendar day in a time zone can be 23 or 25 hours; hours stay exact', () => {
    const tz = 'Europe/Helsinki';
    // Noon on 29 March (UTC+2) + P1D = noon on 30 March (UTC+3): 23 hours later.
    expect(iso(shiftByDuration(at('2025-03-29T10:00:00Z'), 'P1D', 1, tz))).toBe('2025-03-30T09:00:00.000Z');
    expect(iso(shiftByDuration(at('2025-03-29T10:00:00Z'), 'PT24H', 1, tz))).toBe('2025-03-30T10:00:00.000Z');
    // Noon on 26 October minus P1D: 25 hours earlier.
    expect(iso(shiftByDuration(at('2025-10-26T10:00:00Z'), 'P1D', -1, tz))).toBe('2025-10-25T09:00:00.000Z');
  });
});

describe('days in a time zone', () => {
  it('finds local midnights with Intl, across DST', () => {
    const tz = 'Europe/Helsinki';
    const day = (d: string): string => iso(startOfDay(parseDate(d), tz));
    expect(day('2025-03-30')).toBe('2025-03-29T22:00:00.000Z');
    expect(day('2025-03-31')).toBe('2025-03-30T21:00:00.000Z');
    expect(day('2025-10-26')).toBe('2025-10-25T21:00:00.000Z');
    expect(day('2025-10-27')).toBe('2025-10-26T22:00:00.000Z');
    expect(iso(startOfDay(parseDate('2025-03-30'), 'UTC'))).toBe('2025-03-30T00:00:00.000Z');
    expect(iso(startOfDay(parseDate('2025-06-01'), 'America/New_York'))).toBe('2025-06-01T04:00:00.000Z');
  });

  it('a day whose midnight is skipped starts at the first instant that exists', () => {
    // America/Havana springs forward at midnight: 2025-03-09 starts at 01:00 local (05:00Z).
    expect(iso(startOfDay(parseDate('2025-03-09'), 'America/Havana'))).toBe('2025-03-09T05:00:00.000Z');
  });

  it('every day boundary of a year is the first instant of its local date, in zones with odd DST rules', () => {
    for (const tz of [
      'Europe/Helsinki',
      'America/Havana',
      'Australia/Lord_Howe',
      'Pacific/Chatham',
      'America/Santiago',
    ]) {
      const localDate = new Intl.DateTimeFormat('en-CA', {
        timeZone: tz,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
      const from = parseDate('2025-01-01');
      const bounds = dayBoundaries(from, 366, tz);
      for (let d = 0; d <= 366; d++) {
        expect(`${tz} ${localDate.format(bounds[d])}`).toBe(`${tz} ${formatDay(from + d)}`);
        expect(`${tz} ${localDate.format(bounds[d] - 1)}`).toBe(`${tz} ${formatDay(from + d - 1)}`);
      }
    }
  });

  it('parses and formats dates strictly', () => {
    expect(formatDay(parseDate('2024-02-29'))).toBe('2024-02-29');
    for (const bad of ['2025-02-29', '2025-1-01', '2025-13-01', 'x']) expect(() => parseDate(bad)).toThrow(RangeError);
    expect(() => startOfDay(0, 'Mars/Olympus')).toThrow(RangeError);
  });
});
