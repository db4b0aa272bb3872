import { Controller } from '@nestjs/common';
import { InventoryCalls } from '@circulate/contracts';
import { SkusService } from '@circulate/inventory/application';
import { rpcHandlers } from '@circulate/platform/messaging';

@Controller()
export class SkusController {
  readonly rpc;

  constructor(skus: SkusService) {
    this.rpc = rpcHandlers(InventoryCalls, {
      createSku: (ctx, d) => skus.create(ctx, d),
      listSkus: (ctx, d) => skus.list(ctx, d),
      getSku: (ctx, d) => skus.get(ctx, d.id),
      updateSku: (ctx, d) => skus.update(ctx, d),
      deleteSku: async (ctx, d) => {
        await skus.delete(ctx, d.id);
        return { deleted: true as const };
      },
    });
  }
}
