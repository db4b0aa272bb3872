import { slugCandidate, slugify } from './slug';

describe('slugify', () => {
  it('makes lowercase ASCII words joined by dashes', () => {
    expect(slugify('Bike — daily rental')).toBe('bike-daily-rental');
    expect(slugify('  Party Set for 8!  ')).toBe('party-set-for-8');
    expect(slugify('Crème Brûlée Ski')).toBe('creme-brulee-ski');
  });

  it('falls back to "listing" when nothing ASCII is left', () => {
    expect(slugify('自転車')).toBe('listing');
    expect(slugify('---')).toBe('listing');
  });

  it('caps the length without a trailing dash', () => {
    const s = slugify('a '.repeat(200));
    expect(s.length).toBeLessThanOrEqual(100);
    expect(s.endsWith('-')).toBe(false);
  });

  it('numbers later candidates from 2', () => {
    expect([1, 2, 3].map((n) => slugCandidate('bike', n))).toEqual(['bike', 'bike-2', 'bike-3']);
  });
});
