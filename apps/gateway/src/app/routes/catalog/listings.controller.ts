import {
  CatalogCalls,
  CreateListingRequest,
  ListListingsRequest,
  PriceQuery,
  UpdateListingBody,
} from '@circulate/contracts';
import { forward, forwardController } from '../forward';

const everyone = ['admin', 'staff', 'storefront'] as const;

export const ListingsController = forwardController('listings', [
  forward('create', 'POST', CatalogCalls.createListing, { roles: ['admin'], body: CreateListingRequest }),
  forward('list', 'GET', CatalogCalls.listListings, { roles: everyone, query: ListListingsRequest }),
  forward('getBySlug', 'GET by-slug/:slug', CatalogCalls.getListingBySlug, { roles: everyone }),
  forward('get', 'GET :id', CatalogCalls.getListing, { roles: everyone }),
  forward('price', 'GET :id/price', CatalogCalls.priceListing, { roles: everyone, query: PriceQuery }),
  forward('update', 'PATCH :id', CatalogCalls.updateListing, { roles: ['admin'], body: UpdateListingBody }),
  /** Archives the listing (it stays readable by staff and keeps its slug). */
  forward('archive', 'DELETE :id', CatalogCalls.archiveListing, { roles: ['admin'] }),
]);
