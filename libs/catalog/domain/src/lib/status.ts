import type { ListingStatus } from '@circulate/contracts';

/** Which status a listing may move to from each status (staying put is always allowed). */
export const LISTING_TRANSITIONS: Readonly<Record<ListingStatus, readonly ListingStatus[]>> = {
  draft: ['published', 'archived'],
  published: ['draft', 'archived'],
  // An archived listing comes back as a draft first, so it is reviewed before it sells again.
  archived: ['draft'],
};

export function canTransition(from: ListingStatus, to: ListingStatus): boolean {
  return from === to || LISTING_TRANSITIONS[from].includes(to);
}
