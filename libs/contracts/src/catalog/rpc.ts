import { Page } from '../common/pagination';
import { defineRpc } from '../rpc';
import {
  CreateListingRequest,
  GetListingBySlugRequest,
  GetListingRequest,
  Listing,
  ListListingsRequest,
  PriceListingRequest,
  PriceQuote,
  UpdateListingRequest,
} from './listings';
import { CatalogRpc } from './subjects';

/** The catalog service's subjects with their request and reply types (`RpcClient.call`, `@Handles`). */
export const CatalogCalls = {
  createListing: defineRpc<CreateListingRequest, Listing>(CatalogRpc.createListing, { request: CreateListingRequest }),
  listListings: defineRpc<ListListingsRequest, Page<Listing>>(CatalogRpc.listListings, {
    request: ListListingsRequest,
  }),
  getListing: defineRpc<GetListingRequest, Listing>(CatalogRpc.getListing, { request: GetListingRequest }),
  getListingBySlug: defineRpc<GetListingBySlugRequest, Listing>(CatalogRpc.getListingBySlug, {
    request: GetListingBySlugRequest,
  }),
  updateListing: defineRpc<UpdateListingRequest, Listing>(CatalogRpc.updateListing, { request: UpdateListingRequest }),
  archiveListing: defineRpc<GetListingRequest, Listing>(CatalogRpc.archiveListing, { request: GetListingRequest }),
  priceListing: defineRpc<PriceListingRequest, PriceQuote>(CatalogRpc.priceListing, { request: PriceListingRequest }),
} as const;
