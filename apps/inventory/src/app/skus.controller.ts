import { Controller } from '@nestjs/common';
import {
  CreateSkuRequest,
  InventoryCalls,
  ListSkusRequest,
  Page,
  RequestContext,
  Sku,
  SkuIdRequest,
  UpdateSkuRequest,
} from '@circulate/contracts';
import { SkusService } from '@circulate/inventory/application';
import { Handles, RpcCtx, RpcData } from '@circulate/platform/messaging';

@Controller()
export class SkusController {
  constructor(private readonly skus: SkusService) {}

  @Handles(InventoryCalls.createSku)
  create(@RpcCtx() ctx: RequestContext, @RpcData() data: CreateSkuRequest): Promise<Sku> {
    return this.skus.create(ctx, data);
  }

  @Handles(InventoryCalls.listSkus)
  list(@RpcCtx() ctx: RequestContext, @RpcData() data: ListSkusRequest): Promise<Page<Sku>> {
    return this.skus.list(ctx, data);
  }

  @Handles(InventoryCalls.getSku)
  get(@RpcCtx() ctx: RequestContext, @RpcData() data: SkuIdRequest): Promise<Sku> {
    return this.skus.get(ctx, data.id);
  }

  @Handles(InventoryCalls.updateSku)
  update(@RpcCtx() ctx: RequestContext, @RpcData() data: UpdateSkuRequest): Promise<Sku> {
    return this.skus.update(ctx, data);
  }

  @Handles(InventoryCalls.deleteSku)
  async delete(@RpcCtx() ctx: RequestContext, @RpcData() data: SkuIdRequest): Promise<{ deleted: true }> {
    await this.skus.delete(ctx, data.id);
    return { deleted: true };
  }
}
