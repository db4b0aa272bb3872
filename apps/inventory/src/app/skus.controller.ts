import { InventoryCalls } from '@circulate/contracts';
import { SkusService } from '@circulate/inventory/application';
import { rpcController, rpcHandlers } from '@circulate/platform/messaging';

export const SkusController = rpcController([SkusService], (skus) =>
  rpcHandlers(InventoryCalls, {
    createSku: (ctx, d) => skus.create(ctx, d),
    listSkus: (ctx, d) => skus.list(ctx, d),
    getSku: (ctx, d) => skus.get(ctx, d.id),
    updateSku: (ctx, d) => skus.update(ctx, d),
    deleteSku: async (ctx, d) => {
      await skus.delete(ctx, d.id);
      return { deleted: true as const };
    },
  }),
);
