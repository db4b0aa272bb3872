/** True when the runtime knows `tz` as an IANA time zone name (e.g. Europe/Helsinki). */
export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
