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
import { ListingCommands, ListingQueries } from '@circulate/catalog/application';
import { RpcCtx, RpcData } from '@circulate/platform/messaging';

@Controller()
export class ListingsController {
  constructor(
    private readonly commands: ListingCommands,
    private readonly queries: ListingQueries,
  ) {}

  @MessagePattern(rpcSubject(CatalogRpc.createListing))
  create(@RpcCtx() ctx: RequestContext, @RpcData() data: CreateListingRequest): Promise<Listing> {
    return this.commands.create(ctx, data);
  }

  @MessagePattern(rpcSubject(CatalogRpc.listListings))
  list(@RpcCtx() ctx: RequestContext, @RpcData() data: ListListingsRequest): Promise<Page<Listing>> {
    return this.queries.list(ctx, data);
  }

  @MessagePattern(rpcSubject(CatalogRpc.getListing))
  get(@RpcCtx() ctx: RequestContext, @RpcData() data: GetListingRequest): Promise<Listing> {
    return this.queries.get(ctx, data.id);
  }

  @MessagePattern(rpcSubject(CatalogRpc.getListingBySlug))
  getBySlug(@RpcCtx() ctx: RequestContext, @RpcData() data: GetListingBySlugRequest): Promise<Listing> {
    return this.queries.getBySlug(ctx, data.slug);
  }

  @MessagePattern(rpcSubject(CatalogRpc.updateListing))
  update(@RpcCtx() ctx: RequestContext, @RpcData() data: UpdateListingRequest): Promise<Listing> {
    return this.commands.update(ctx, data);
  }

  @MessagePattern(rpcSubject(CatalogRpc.archiveListing))
  archive(@RpcCtx() ctx: RequestContext, @RpcData() data: GetListingRequest): Promise<Listing> {
    return this.commands.archive(ctx, data.id);
  }

  @MessagePattern(rpcSubject(CatalogRpc.priceListing))
  price(@RpcCtx() ctx: RequestContext, @RpcData() data: PriceListingRequest): Promise<PriceQuote> {
    return this.queries.price(ctx, data);
  }
}
