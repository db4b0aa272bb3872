import { INestMicroservice, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { queueGroup, ServiceName } from '@circulate/contracts';
import { RpcErrorFilter, rpcValidationPipe } from '@circulate/platform/messaging';
import { Logger } from 'nestjs-pino';
import { InvalidEnvironmentError, ServiceEnv } from './env';
import { RpcLoggingInterceptor } from './rpc-logging.interceptor';

/**
 * Starts one service as a NATS microservice in its queue group (replicas share the load),
 * with validation on receipt, contract errors on the way out and graceful shutdown.
 */
export async function bootstrapService(
  service: ServiceName,
  moduleFactory: (env: ServiceEnv) => Type<unknown>,
  env: ServiceEnv,
): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(moduleFactory(env), {
    transport: Transport.NATS,
    options: {
      servers: env.NATS_URL.split(','),
      queue: queueGroup(service),
      name: `circulate-${service}-server`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    },
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(rpcValidationPipe());
  app.useGlobalFilters(new RpcErrorFilter());
  app.useGlobalInterceptors(new RpcLoggingInterceptor());
  app.enableShutdownHooks();
  await app.listen();
  app.get(Logger).log(`${service} service listening on NATS (${queueGroup(service)})`);
  return app;
}

/** Wraps a main(): a bad environment prints its message and exits 1; anything else too, with a stack. */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    const message = err instanceof InvalidEnvironmentError ? err.message : (err as Error)?.stack ?? String(err);
    process.stderr.write(`${message}\n`);
    process.exit(1);
  });
}
