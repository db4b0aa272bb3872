import { Controller } from '@nestjs/common';
import { InventoryCalls } from '@circulate/contracts';
import { LocationsService } from '@circulate/inventory/application';
import { rpcHandlers } from '@circulate/platform/messaging';

@Controller()
export class LocationsController {
  readonly rpc;

  constructor(locations: LocationsService) {
    this.rpc = rpcHandlers(InventoryCalls, {
      createLocation: (ctx, d) => locations.create(ctx, d),
      listLocations: (ctx, d) => locations.list(ctx, d),
      getLocation: (ctx, d) => locations.get(ctx, d.id),
    });
  }
}
