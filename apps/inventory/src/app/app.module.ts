import { Type } from '@nestjs/common';
import { InventoryDataAccessModule } from '@circulate/inventory/data-access';
import { serviceModule, ServiceEnv } from '@circulate/platform/nest';
import { LocationsController } from './locations.controller';
import { SkusController } from './skus.controller';
import { StockItemsController } from './stock-items.controller';

export function inventoryModule(env: ServiceEnv): Type<unknown> {
  return serviceModule('inventory', env, {
    imports: [InventoryDataAccessModule],
    controllers: [LocationsController, SkusController, StockItemsController],
  });
}
