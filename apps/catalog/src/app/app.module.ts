import { Module, Type } from '@nestjs/common';
import { CatalogDataAccessModule } from '@circulate/catalog/data-access';
import { MessagingModule } from '@circulate/platform/messaging';
import { healthController, HealthProbe, loggingModule, ServiceEnv } from '@circulate/platform/nest';
import { PersistenceModule } from '@circulate/platform/persistence';
import { ListingsController } from './listings.controller';

export function catalogModule(env: ServiceEnv): Type<unknown> {
  @Module({
    imports: [
      loggingModule('catalog', env.LOG_LEVEL),
      PersistenceModule.forService('catalog', env.MONGO_URL),
      MessagingModule.forService({
        service: 'catalog',
        natsUrl: env.NATS_URL,
        rpcTimeoutMs: env.RPC_TIMEOUT_MS,
        publishesEvents: true,
        outbox: true,
      }),
      CatalogDataAccessModule,
    ],
    controllers: [healthController('catalog'), ListingsController],
    providers: [HealthProbe],
  })
  class CatalogAppModule {}
  return CatalogAppModule;
}
