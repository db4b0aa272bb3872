import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  CreateSkuRequest,
  InventoryCalls,
  ListSkusRequest,
  Page,
  RequestContext,
  Sku,
  UpdateSkuFields,
} from '@circulate/contracts';
import { RpcClient } from '@circulate/platform/messaging';
import { Allow, Ctx } from '../../auth/auth.guard';

@ApiTags('skus')
@ApiBearerAuth()
@Controller('skus')
export class SkusController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @Allow('admin')
  create(@Ctx() ctx: RequestContext, @Body() body: CreateSkuRequest): Promise<Sku> {
    return this.rpc.call(InventoryCalls.createSku, ctx, body);
  }

  @Get()
  @Allow('admin', 'staff')
  list(@Ctx() ctx: RequestContext, @Query() query: ListSkusRequest): Promise<Page<Sku>> {
    return this.rpc.call(InventoryCalls.listSkus, ctx, query);
  }

  @Get(':id')
  @Allow('admin', 'staff')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<Sku> {
    return this.rpc.call(InventoryCalls.getSku, ctx, { id });
  }

  @Patch(':id')
  @Allow('admin')
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: UpdateSkuFields): Promise<Sku> {
    return this.rpc.call(InventoryCalls.updateSku, ctx, { ...body, id });
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('admin')
  async delete(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<void> {
    await this.rpc.call(InventoryCalls.deleteSku, ctx, { id });
  }
}
