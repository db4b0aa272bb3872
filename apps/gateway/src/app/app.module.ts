import { Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ValidationPipe } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MessagingModule, STRICT_VALIDATION, validationError } from '@circulate/platform/messaging';
import { HealthIndicators, loggingModule, PROBE_TIMEOUT_MS } from '@circulate/platform/nest';
import { PersistenceModule } from '@circulate/platform/persistence';
import { ApiKeyStore } from './auth/api-keys';
import { AuthGuard } from './auth/auth.guard';
import { KeyThrottlerGuard } from './auth/throttle.guard';
import { GatewayEnv } from './gateway-env';
import { HealthController } from './health/health.controller';
import { ProblemFilter } from './http/problem';
import { idempotentPosts } from './idempotency/idempotency';
import { UnknownQueryGuard } from './http/query-guard';
import { AVAILABILITY_CONTROLLERS } from './routes/availability';
import { CATALOG_CONTROLLERS } from './routes/catalog';
import { INVENTORY_CONTROLLERS } from './routes/inventory';
import { REPORTING_CONTROLLERS } from './routes/reporting';

export function gatewayModule(env: GatewayEnv): Type<unknown> {
  @Module({
    imports: [
      loggingModule('gateway', env.LOG_LEVEL, { httpRequests: false }),
      PersistenceModule.forService('gateway', env.MONGO_URL),
      MessagingModule.forService({
        service: 'gateway',
        natsUrl: env.NATS_URL,
        rpcTimeoutMs: env.RPC_TIMEOUT_MS,
        publishesEvents: false,
        outbox: false,
      }),
      TerminusModule.forRoot({ errorLogStyle: 'json' }),
    ],
    // Idempotency-Key is honoured on every POST route of these controllers (and only there).
    controllers: idempotentPosts([
      HealthController,
      ...INVENTORY_CONTROLLERS,
      ...CATALOG_CONTROLLERS,
      ...AVAILABILITY_CONTROLLERS,
      ...REPORTING_CONTROLLERS,
    ]),
    providers: [
      { provide: GatewayEnv, useValue: env },
      { provide: PROBE_TIMEOUT_MS, useValue: env.READY_TIMEOUT_MS },
      HealthIndicators,
      { provide: ApiKeyStore, useValue: new ApiKeyStore(env.API_KEYS) },
      { provide: APP_GUARD, useClass: KeyThrottlerGuard },
      { provide: APP_GUARD, useClass: AuthGuard },
      { provide: APP_GUARD, useClass: UnknownQueryGuard },
      { provide: APP_FILTER, useClass: ProblemFilter },
      {
        provide: APP_PIPE,
        useValue: new ValidationPipe({ ...STRICT_VALIDATION, exceptionFactory: (errors) => validationError(errors) }),
      },
    ],
  })
  class GatewayAppModule {}
  return GatewayAppModule;
}
