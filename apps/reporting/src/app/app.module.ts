import { Module, Type } from '@nestjs/common';
import { MessagingModule } from '@circulate/platform/messaging';
import { healthController, HealthProbe, loggingModule, ServiceEnv } from '@circulate/platform/nest';
import { PersistenceModule } from '@circulate/platform/persistence';

export function reportingModule(env: ServiceEnv): Type<unknown> {
  @Module({
    imports: [
      loggingModule('reporting', env.LOG_LEVEL),
      PersistenceModule.forService('reporting', env.MONGO_URL),
      MessagingModule.forService({
        service: 'reporting',
        natsUrl: env.NATS_URL,
        rpcTimeoutMs: env.RPC_TIMEOUT_MS,
        publishesEvents: true,
        outbox: true,
      }),
    ],
    controllers: [healthController('reporting')],
    providers: [HealthProbe],
  })
  class ReportingAppModule {}
  return ReportingAppModule;
}
