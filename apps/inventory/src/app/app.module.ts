import { Type } from '@nestjs/common';
import { InventoryApplicationModule } from '@circulate/inventory/application';
import { serviceModule, ServiceEnv } from '@circulate/platform/nest';
import { LocationsController } from './locations.controller';
import { SkusController } from './skus.controller';
import { StockItemsController } from './stock-items.controller';

export function inventoryModule(env: ServiceEnv): Type<unknown> {
  return serviceModule('inventory', env, {
    imports: [InventoryApplicationModule],
    controllers: [LocationsController, SkusController, StockItemsController],
  });
}
