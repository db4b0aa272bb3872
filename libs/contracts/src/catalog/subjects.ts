/** Request-reply names the catalog service answers. */
export const CatalogRpc = {
  createListing: 'catalog.listing.create.v1',
  listListings: 'catalog.listing.list.v1',
  getListing: 'catalog.listing.get.v1',
  getListingBySlug: 'catalog.listing.get-by-slug.v1',
  updateListing: 'catalog.listing.update.v1',
  archiveListing: 'catalog.listing.archive.v1',
  priceListing: 'catalog.listing.price.v1',
} as const;

/** Facts the catalog service publishes on its JetStream stream (data: ListingChangedEvent). */
export const CatalogEvents = {
  listingCreated: 'catalog.listing.created.v1',
  listingUpdated: 'catalog.listing.updated.v1',
  listingArchived: 'catalog.listing.archived.v1',
} as const;
