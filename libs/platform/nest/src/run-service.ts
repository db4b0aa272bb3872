import type { Type } from '@nestjs/common';
import type { ServiceName } from '@circulate/contracts';
import { bootstrapService, runMain } from './bootstrap';
import { loadEnv, ServiceEnv } from './env';

/** The whole `main.ts` of a service: validate the environment, then boot the module on NATS. */
export function runService(service: ServiceName, moduleFactory: (env: ServiceEnv) => Type<unknown>): void {
  runMain(async () => {
    const env = loadEnv(ServiceEnv);
    await bootstrapService(service, moduleFactory, env);
  });
}
