import { Module, Type } from '@nestjs/common';
import { MessagingModule } from '@circulate/platform/messaging';
import { healthController, HealthProbe, loggingModule, ServiceEnv } from '@circulate/platform/nest';
import { PersistenceModule } from '@circulate/platform/persistence';

export function ordersModule(env: ServiceEnv): Type<unknown> {
  @Module({
    imports: [
      loggingModule('orders', env.LOG_LEVEL),
      PersistenceModule.forService('orders', env.MONGO_URL),
      MessagingModule.forService({
        service: 'orders',
        natsUrl: env.NATS_URL,
        rpcTimeoutMs: env.RPC_TIMEOUT_MS,
        publishesEvents: true,
        outbox: true,
      }),
    ],
    controllers: [healthController('orders')],
    providers: [HealthProbe],
  })
  class OrdersAppModule {}
  return OrdersAppModule;
}
