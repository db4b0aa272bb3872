const DURATION = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Milliseconds of an ISO 8601 duration (`P1D`, `PT2H30M`, `P1W`), or null when it does not
 * parse. Whole numbers only; a year is 365 days and a month 30 days (buffers are fixed lengths,
 * not calendar arithmetic).
 */
export function parseIsoDuration(text: string): number | null {
  const m = DURATION.exec(text);
  if (!m) return null;
  const [, y, mo, w, d, h, mi, s] = m.map((v) => (v === undefined ? 0 : Number(v)));
  const ms = y * 365 * DAY + mo * 30 * DAY + w * 7 * DAY + d * DAY + h * HOUR + mi * MINUTE + s * SECOND;
  return Number.isSafeInteger(ms) ? ms : null;
}
