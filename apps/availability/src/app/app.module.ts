import { Module, Type } from '@nestjs/common';
import { MessagingModule } from '@circulate/platform/messaging';
import { healthController, HealthProbe, loggingModule, ServiceEnv } from '@circulate/platform/nest';
import { PersistenceModule } from '@circulate/platform/persistence';

export function availabilityModule(env: ServiceEnv): Type<unknown> {
  @Module({
    imports: [
      loggingModule('availability', env.LOG_LEVEL),
      PersistenceModule.forService('availability', env.MONGO_URL),
      MessagingModule.forService({
        service: 'availability',
        natsUrl: env.NATS_URL,
        rpcTimeoutMs: env.RPC_TIMEOUT_MS,
        publishesEvents: true,
        outbox: true,
      }),
    ],
    controllers: [healthController('availability')],
    providers: [HealthProbe],
  })
  class AvailabilityAppModule {}
  return AvailabilityAppModule;
}
