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
import { Handles } from '@circulate/platform/messaging';

@Controller()
export class SkusController {
  constructor(private readonly skus: SkusService) {}

  @Handles(InventoryCalls.createSku)
  create(ctx: RequestContext, data: CreateSkuRequest): Promise<Sku> {
    return this.skus.create(ctx, data);
  }

  @Handles(InventoryCalls.listSkus)
  list(ctx: RequestContext, data: ListSkusRequest): Promise<Page<Sku>> {
    return this.skus.list(ctx, data);
  }

  @Handles(InventoryCalls.getSku)
  get(ctx: RequestContext, data: SkuIdRequest): Promise<Sku> {
    return this.skus.get(ctx, data.id);
  }

  @Handles(InventoryCalls.updateSku)
  update(ctx: RequestContext, data: UpdateSkuRequest): Promise<Sku> {
    return this.skus.update(ctx, data);
  }

  @Handles(InventoryCalls.deleteSku)
  async delete(ctx: RequestContext, data: SkuIdRequest): Promise<{ deleted: true }> {
    await this.skus.delete(ctx, data.id);
    return { deleted: true };
  }
}
