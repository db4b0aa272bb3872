import { Controller } from '@nestjs/common';
import {
  CatalogCalls,
  CreateListingRequest,
  GetListingBySlugRequest,
  GetListingRequest,
  Listing,
  ListListingsRequest,
  Page,
  PriceListingRequest,
  PriceQuote,
  RequestContext,
  UpdateListingRequest,
} from '@circulate/contracts';
import { ListingCommands, ListingQueries } from '@circulate/catalog/application';
import { Handles } from '@circulate/platform/messaging';

@Controller()
export class ListingsController {
  constructor(
    private readonly commands: ListingCommands,
    private readonly queries: ListingQueries,
  ) {}

  @Handles(CatalogCalls.createListing)
  create(ctx: RequestContext, data: CreateListingRequest): Promise<Listing> {
    return this.commands.create(ctx, data);
  }

  @Handles(CatalogCalls.listListings)
  list(ctx: RequestContext, data: ListListingsRequest): Promise<Page<Listing>> {
    return this.queries.list(ctx, data);
  }

  @Handles(CatalogCalls.getListing)
  get(ctx: RequestContext, data: GetListingRequest): Promise<Listing> {
    return this.queries.get(ctx, data.id);
  }

  @Handles(CatalogCalls.getListingBySlug)
  getBySlug(ctx: RequestContext, data: GetListingBySlugRequest): Promise<Listing> {
    return this.queries.getBySlug(ctx, data.slug);
  }

  @Handles(CatalogCalls.updateListing)
  update(ctx: RequestContext, data: UpdateListingRequest): Promise<Listing> {
    return this.commands.update(ctx, data);
  }

  @Handles(CatalogCalls.archiveListing)
  archive(ctx: RequestContext, data: GetListingRequest): Promise<Listing> {
    return this.commands.archive(ctx, data.id);
  }

  @Handles(CatalogCalls.priceListing)
  price(ctx: RequestContext, data: PriceListingRequest): Promise<PriceQuote> {
    return this.queries.price(ctx, data);
  }
}
