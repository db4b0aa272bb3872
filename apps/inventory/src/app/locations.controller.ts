import { InventoryCalls } from '@circulate/contracts';
import { LocationsService } from '@circulate/inventory/application';
import { rpcController, rpcHandlers } from '@circulate/platform/messaging';

export const LocationsController = rpcController([LocationsService], (locations) =>
  rpcHandlers(InventoryCalls, {
    createLocation: (ctx, d) => locations.create(ctx, d),
    listLocations: (ctx, d) => locations.list(ctx, d),
    getLocation: (ctx, d) => locations.get(ctx, d.id),
  }),
);
