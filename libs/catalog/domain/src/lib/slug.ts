/** A URL slug from a name: ASCII lowercase words joined by single dashes ("Bike — daily!" → "bike-daily"). */
export function slugify(name: string, maxLength = 100): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '');
  return s || 'listing';
}

/** The n-th candidate for a generated slug: `base`, then `base-2`, `base-3`, … */
export function slugCandidate(base: string, attempt: number): string {
  return attempt <= 1 ? base : `${base}-${attempt}`;
}
