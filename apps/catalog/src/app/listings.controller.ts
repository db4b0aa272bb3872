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
import { ListingsService } from '@circulate/catalog/data-access';
import { Handles, RpcCtx, RpcData } from '@circulate/platform/messaging';

@Controller()
export class ListingsController {
  constructor(private readonly listings: ListingsService) {}

  @Handles(CatalogCalls.createListing)
  create(@RpcCtx() ctx: RequestContext, @RpcData() data: CreateListingRequest): Promise<Listing> {
    return this.listings.create(ctx, data);
  }

  @Handles(CatalogCalls.listListings)
  list(@RpcCtx() ctx: RequestContext, @RpcData() data: ListListingsRequest): Promise<Page<Listing>> {
    return this.listings.list(ctx, data);
  }

  @Handles(CatalogCalls.getListing)
  get(@RpcCtx() ctx: RequestContext, @RpcData() data: GetListingRequest): Promise<Listing> {
    return this.listings.get(ctx, data.id);
  }

  @Handles(CatalogCalls.getListingBySlug)
  getBySlug(@RpcCtx() ctx: RequestContext, @RpcData() data: GetListingBySlugRequest): Promise<Listing> {
    return this.listings.getBySlug(ctx, data.slug);
  }

  @Handles(CatalogCalls.updateListing)
  update(@RpcCtx() ctx: RequestContext, @RpcData() data: UpdateListingRequest): Promise<Listing> {
    return this.listings.update(ctx, data);
  }

  @Handles(CatalogCalls.archiveListing)
  archive(@RpcCtx() ctx: RequestContext, @RpcData() data: GetListingRequest): Promise<Listing> {
    return this.listings.archive(ctx, data.id);
  }

  @Handles(CatalogCalls.priceListing)
  price(@RpcCtx() ctx: RequestContext, @RpcData() data: PriceListingRequest): Promise<PriceQuote> {
    return this.listings.price(ctx, data);
  }
}
