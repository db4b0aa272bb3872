import { ListingStatuses } from '@circulate/contracts';
import { canTransition, LISTING_TRANSITIONS } from './status';

describe('listing status transitions', () => {
  const allowed: [string, string][] = [
    ['draft', 'published'],
    ['draft', 'archived'],
    ['published', 'draft'],
    ['published', 'archived'],
    ['archived', 'draft'],
  ];

  it.each(ListingStatuses.flatMap((from) => ListingStatuses.map((to) => [from, to] as const)))(
    '%s → %s follows the table',
    (from, to) => {
      const expected = from === to || allowed.some(([f, t]) => f === from && t === to);
      expect(canTransition(from, to)).toBe(expected);
    },
  );

  it('does not let an archived listing be published without going back to draft', () => {
    expect(LISTING_TRANSITIONS.archived).not.toContain('published');
  });
});
