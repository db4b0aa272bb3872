import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  CatalogRpc,
  CreateListingRequest,
  GetListingBySlugRequest,
  GetListingRequest,
  Listing,
  ListListingsRequest,
  Page,
  PriceListingRequest,
  PriceQuote,
  RequestContext,
  rpcSubject,
  UpdateListingRequest,
} from '@circulate/contracts';
import { ListingsService } from '@circulate/catalog/data-access';
import { RpcCtx, RpcData } from '@circulate/platform/messaging';

@Controller()
export class ListingsController {
  constructor(private readonly listings: ListingsService) {}

  @MessagePattern(rpcSubject(CatalogRpc.createListing))
  create(@RpcCtx() ctx: RequestContext, @RpcData() data: CreateListingRequest): Promise<Listing> {
    return this.listings.create(ctx, data);
  }

  @MessagePattern(rpcSubject(CatalogRpc.listListings))
  list(@RpcCtx() ctx: RequestContext, @RpcData() data: ListListingsRequest): Promise<Page<Listing>> {
    return this.listings.list(ctx, data);
  }

  @MessagePattern(rpcSubject(CatalogRpc.getListing))
  get(@RpcCtx() ctx: RequestContext, @RpcData() data: GetListingRequest): Promise<Listing> {
    return this.listings.get(ctx, data.id);
  }

  @MessagePattern(rpcSubject(CatalogRpc.getListingBySlug))
  getBySlug(@RpcCtx() ctx: RequestContext, @RpcData() data: GetListingBySlugRequest): Promise<Listing> {
    return this.listings.getBySlug(ctx, data.slug);
  }

  @MessagePattern(rpcSubject(CatalogRpc.updateListing))
  update(@RpcCtx() ctx: RequestContext, @RpcData() data: UpdateListingRequest): Promise<Listing> {
    return this.listings.update(ctx, data);
  }

  @MessagePattern(rpcSubject(CatalogRpc.archiveListing))
  archive(@RpcCtx() ctx: RequestContext, @RpcData() data: GetListingRequest): Promise<Listing> {
    return this.listings.archive(ctx, data.id);
  }

  @MessagePattern(rpcSubject(CatalogRpc.priceListing))
  price(@RpcCtx() ctx: RequestContext, @RpcData() data: PriceListingRequest): Promise<PriceQuote> {
    return this.listings.price(ctx, data);
  }
}
