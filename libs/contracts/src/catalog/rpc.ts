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
  createListing: defineRpc<CreateListingRequest, Listing>(CatalogRpc.createListing),
  listListings: defineRpc<ListListingsRequest, Page<Listing>>(CatalogRpc.listListings),
  getListing: defineRpc<GetListingRequest, Listing>(CatalogRpc.getListing),
  getListingBySlug: defineRpc<GetListingBySlugRequest, Listing>(CatalogRpc.getListingBySlug),
  updateListing: defineRpc<UpdateListingRequest, Listing>(CatalogRpc.updateListing),
  archiveListing: defineRpc<GetListingRequest, Listing>(CatalogRpc.archiveListing),
  priceListing: defineRpc<PriceListingRequest, PriceQuote>(CatalogRpc.priceListing),
} as const;
