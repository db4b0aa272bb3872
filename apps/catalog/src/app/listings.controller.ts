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
import { Handles, RpcCtx, RpcData } from '@circulate/platform/messaging';

@Controller()
export class ListingsController {
  constructor(
    private readonly commands: ListingCommands,
    private readonly queries: ListingQueries,
  ) {}

  @Handles(CatalogCalls.createListing)
  create(@RpcCtx() ctx: RequestContext, @RpcData() data: CreateListingRequest): Promise<Listing> {
    return this.commands.create(ctx, data);
  }

  @Handles(CatalogCalls.listListings)
  list(@RpcCtx() ctx: RequestContext, @RpcData() data: ListListingsRequest): Promise<Page<Listing>> {
    return this.queries.list(ctx, data);
  }

  @Handles(CatalogCalls.getListing)
  get(@RpcCtx() ctx: RequestContext, @RpcData() data: GetListingRequest): Promise<Listing> {
    return this.queries.get(ctx, data.id);
  }

  @Handles(CatalogCalls.getListingBySlug)
  getBySlug(@RpcCtx() ctx: RequestContext, @RpcData() data: GetListingBySlugRequest): Promise<Listing> {
    return this.queries.getBySlug(ctx, data.slug);
  }

  @Handles(CatalogCalls.updateListing)
  update(@RpcCtx() ctx: RequestContext, @RpcData() data: UpdateListingRequest): Promise<Listing> {
    return this.commands.update(ctx, data);
  }

  @Handles(CatalogCalls.archiveListing)
  archive(@RpcCtx() ctx: RequestContext, @RpcData() data: GetListingRequest): Promise<Listing> {
    return this.commands.archive(ctx, data.id);
  }

  @Handles(CatalogCalls.priceListing)
  price(@RpcCtx() ctx: RequestContext, @RpcData() data: PriceListingRequest): Promise<PriceQuote> {
    return this.queries.price(ctx, data);
  }
}
