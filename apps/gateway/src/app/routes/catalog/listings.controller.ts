import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  CatalogCalls,
  CreateListingRequest,
  Listing,
  ListListingsRequest,
  Page,
  PriceQuery,
  PriceQuote,
  RequestContext,
  UpdateListingBody,
} from '@circulate/contracts';
import { RpcClient } from '@circulate/platform/messaging';
import { Allow, Ctx } from '../../auth/auth.guard';

@ApiTags('listings')
@ApiBearerAuth()
@Controller('listings')
export class ListingsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @Allow('admin')
  create(@Ctx() ctx: RequestContext, @Body() body: CreateListingRequest): Promise<Listing> {
    return this.rpc.call(CatalogCalls.createListing, ctx, body);
  }

  @Get()
  @Allow('admin', 'staff', 'storefront')
  list(@Ctx() ctx: RequestContext, @Query() query: ListListingsRequest): Promise<Page<Listing>> {
    return this.rpc.call(CatalogCalls.listListings, ctx, query);
  }

  @Get('by-slug/:slug')
  @Allow('admin', 'staff', 'storefront')
  getBySlug(@Ctx() ctx: RequestContext, @Param('slug') slug: string): Promise<Listing> {
    return this.rpc.call(CatalogCalls.getListingBySlug, ctx, { slug });
  }

  @Get(':id')
  @Allow('admin', 'staff', 'storefront')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<Listing> {
    return this.rpc.call(CatalogCalls.getListing, ctx, { id });
  }

  @Get(':id/price')
  @Allow('admin', 'staff', 'storefront')
  price(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: PriceQuery): Promise<PriceQuote> {
    return this.rpc.call(CatalogCalls.priceListing, ctx, { ...query, id });
  }

  @Patch(':id')
  @Allow('admin')
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: UpdateListingBody): Promise<Listing> {
    return this.rpc.call(CatalogCalls.updateListing, ctx, { ...body, id });
  }

  /** Archives the listing (it stays readable by staff and keeps its slug). */
  @Delete(':id')
  @HttpCode(204)
  @Allow('admin')
  async archive(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<void> {
    await this.rpc.call(CatalogCalls.archiveListing, ctx, { id });
  }
}
