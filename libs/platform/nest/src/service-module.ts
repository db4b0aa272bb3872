import { DynamicModule, Global, Module, Provider, Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ServiceName } from '@circulate/contracts';
import { MessagingModule } from '@circulate/platform/messaging';
import { PersistenceModule } from '@circulate/platform/persistence';
import { ServiceEnv } from './env';
import { healthController, HealthIndicators, HealthProbe } from './health';
import { loggingModule } from './logging';

export interface ServiceModuleSpec {
  /** The service's own modules (data access, use cases). */
  imports?: (Type<unknown> | DynamicModule)[];
  /** Its NATS controllers (one-line adapters); the health subject is added here. */
  controllers?: Type<unknown>[];
  /** Providers wired in the root module itself (small services without a module of their own). */
  providers?: Provider[];
}

/** The validated environment, injectable anywhere in a service (`constructor(env: ServiceEnv)`). */
@Global()
@Module({})
export class ServiceEnvModule {
  static of(env: ServiceEnv): DynamicModule {
    return { module: ServiceEnvModule, providers: [{ provide: ServiceEnv, useValue: env }], exports: [ServiceEnv] };
  }
}

/**
 * The root module of a service: logging, its own database, messaging (stream, outbox, consumers),
 * the health subject, and what the service itself brings. Every service app is this plus its parts.
 */
export function serviceModule(service: ServiceName, env: ServiceEnv, spec: ServiceModuleSpec = {}): Type<unknown> {
  @Module({
    imports: [
      ServiceEnvModule.of(env),
      loggingModule(service, env.LOG_LEVEL),
      PersistenceModule.forService(service, env.MONGO_URL),
      MessagingModule.forService({
        service,
        natsUrl: env.NATS_URL,
        rpcTimeoutMs: env.RPC_TIMEOUT_MS,
        publishesEvents: true,
        outbox: true,
        outboxSweepMs: env.OUTBOX_SWEEP_MS,
        readCache: { ttlMs: env.READ_CACHE_TTL_MS, maxEntries: env.READ_CACHE_MAX_ENTRIES },
        serveRpc: true,
      }),
      TerminusModule.forRoot({ errorLogStyle: 'json' }),
      ...(spec.imports ?? []),
    ],
    controllers: [healthController(service), ...(spec.controllers ?? [])],
    providers: [HealthIndicators, HealthProbe, ...(spec.providers ?? [])],
  })
  class ServiceAppModule {}
  return ServiceAppModule;
}
