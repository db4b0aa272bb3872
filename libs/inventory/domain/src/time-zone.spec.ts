import { isValidTimeZone } from './time-zone';

describe('isValidTimeZone', () => {
  it('accepts IANA names and rejects made-up ones', () => {
    expect(isValidTimeZone('Europe/Helsinki')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
