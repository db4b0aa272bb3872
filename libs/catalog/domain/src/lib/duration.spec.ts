import { parseIsoDuration } from './duration';

describe('parseIsoDuration', () => {
  it('parses days, weeks, hours, minutes and seconds', () => {
    expect(parseIsoDuration('P1D')).toBe(86_400_000);
    expect(parseIsoDuration('P1W')).toBe(7 * 86_400_000);
    expect(parseIsoDuration('PT2H30M')).toBe(9_000_000);
    expect(parseIsoDuration('P1DT1S')).toBe(86_401_000);
    expect(parseIsoDuration('PT0S')).toBe(0);
  });

  it('counts a month as 30 days and a year as 365 days', () => {
    expect(parseIsoDuration('P1M')).toBe(30 * 86_400_000);
    expect(parseIsoDuration('P1Y')).toBe(365 * 86_400_000);
  });

  it.each(['', 'P', 'PT', '1D', 'P1H', 'P-1D', 'P1.5D', 'PT1D', 'P1DT', 'p1d', 'P1D ', 'P99999999999999999999D'])(
    'rejects "%s"',
    (text) => {
      expect(parseIsoDuration(text)).toBeNull();
    },
  );
});
