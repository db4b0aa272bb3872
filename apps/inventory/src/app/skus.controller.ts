import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  CreateSkuRequest,
  InventoryRpc,
  ListSkusRequest,
  Page,
  RequestContext,
  rpcSubject,
  Sku,
  SkuIdRequest,
  UpdateSkuRequest,
} from '@circulate/contracts';
import { SkusService } from '@circulate/inventory/application';
import { RpcCtx, RpcData } from '@circulate/platform/messaging';

@Controller()
export class SkusController {
  constructor(private readonly skus: SkusService) {}

  @MessagePattern(rpcSubject(InventoryRpc.createSku))
  create(@RpcCtx() ctx: RequestContext, @RpcData() data: CreateSkuRequest): Promise<Sku> {
    return this.skus.create(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.listSkus))
  list(@RpcCtx() ctx: RequestContext, @RpcData() data: ListSkusRequest): Promise<Page<Sku>> {
    return this.skus.list(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.getSku))
  get(@RpcCtx() ctx: RequestContext, @RpcData() data: SkuIdRequest): Promise<Sku> {
    return this.skus.get(ctx, data.id);
  }

  @MessagePattern(rpcSubject(InventoryRpc.updateSku))
  update(@RpcCtx() ctx: RequestContext, @RpcData() data: UpdateSkuRequest): Promise<Sku> {
    return this.skus.update(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.deleteSku))
  async delete(@RpcCtx() ctx: RequestContext, @RpcData() data: SkuIdRequest): Promise<{ deleted: true }> {
    await this.skus.delete(ctx, data.id);
    return { deleted: true };
  }
}
