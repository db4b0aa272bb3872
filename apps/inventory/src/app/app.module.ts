import { Module, Type } from '@nestjs/common';
import { InventoryDataAccessModule } from '@circulate/inventory/data-access';
import { MessagingModule } from '@circulate/platform/messaging';
import { healthController, HealthProbe, loggingModule, ServiceEnv } from '@circulate/platform/nest';
import { PersistenceModule } from '@circulate/platform/persistence';
import { LocationsController } from './locations.controller';
import { SkusController } from './skus.controller';
import { StockItemsController } from './stock-items.controller';

export function inventoryModule(env: ServiceEnv): Type<unknown> {
  @Module({
    imports: [
      loggingModule('inventory', env.LOG_LEVEL),
      PersistenceModule.forService('inventory', env.MONGO_URL),
      MessagingModule.forService({
        service: 'inventory',
        natsUrl: env.NATS_URL,
        rpcTimeoutMs: env.RPC_TIMEOUT_MS,
        publishesEvents: true,
        outbox: true,
      }),
      InventoryDataAccessModule,
    ],
    controllers: [healthController('inventory'), LocationsController, SkusController, StockItemsController],
    providers: [HealthProbe],
  })
  class InventoryAppModule {}
  return InventoryAppModule;
}
