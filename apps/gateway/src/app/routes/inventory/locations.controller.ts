import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  CreateLocationRequest,
  InventoryCalls,
  ListLocationsRequest,
  Location,
  Page,
  RequestContext,
} from '@circulate/contracts';
import { RpcClient } from '@circulate/platform/messaging';
import { Allow, Ctx } from '../../auth/auth.guard';

@ApiTags('locations')
@ApiBearerAuth()
@Controller('locations')
export class LocationsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @Allow('admin')
  create(@Ctx() ctx: RequestContext, @Body() body: CreateLocationRequest): Promise<Location> {
    return this.rpc.call(InventoryCalls.createLocation, ctx, body);
  }

  @Get()
  @Allow('admin', 'staff', 'storefront')
  list(@Ctx() ctx: RequestContext, @Query() query: ListLocationsRequest): Promise<Page<Location>> {
    return this.rpc.call(InventoryCalls.listLocations, ctx, query);
  }

  @Get(':id')
  @Allow('admin', 'staff', 'storefront')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<Location> {
    return this.rpc.call(InventoryCalls.getLocation, ctx, { id });
  }
}
