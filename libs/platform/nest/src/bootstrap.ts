import { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { queueGroup, ServiceName } from '@circulate/contracts';
import {
  applyRuntimePatches,
  metricsContentType,
  metricsText,
  startProcessMetrics,
} from '@circulate/platform/messaging';
import { Logger } from 'nestjs-pino';
import { createServer } from 'node:http';
import { InvalidEnvironmentError, ServiceEnv } from './env';
import { checksOf, HealthProbe } from './health';

/**
 * Starts one service: its module as a Nest application context, whose `@Handles` methods
 * RpcServer (MessagingModule, `serveRpc`) serves on NATS in the service's queue group (replicas
 * share the load), validating on receipt and answering contract errors; graceful shutdown.
 */
export async function bootstrapService(
  service: ServiceName,
  moduleFactory: (env: ServiceEnv) => Type<unknown>,
  env: ServiceEnv,
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(moduleFactory(env), { bufferLogs: true });
  startProcessMetrics(service);
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.get(Logger).log(`${service} service listening on NATS (${queueGroup(service)})`);
  if (env.HEALTH_PORT > 0) serveHealth(service, app, env.HEALTH_PORT);
  return app;
}

/**
 * Optional plain HTTP for orchestrators and Prometheus: `/health/live` while the process runs
 * (it asks no dependency), `/health/ready` while NATS, its database and its event stream answer
 * (terminus's answer: `status`, `info`, `error`, `details`, plus `checks` name → up/down; 503
 * naming what is down), and `/metrics` (Prometheus text format).
 */
function serveHealth(service: ServiceName, app: INestApplicationContext, port: number): void {
  const probe = app.get(HealthProbe);
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/health/live') return send(200, { status: 'ok' });
    if (req.url === '/health/ready') {
      probe.readiness(service).then(
        (result) => send(result.status === 'ok' ? 200 : 503, { ...result, service, checks: checksOf(result) }),
        (err: unknown) => send(503, { status: 'error', service, message: String(err) }),
      );
      return;
    }
    if (req.url === '/metrics') {
      metricsText().then(
        (text) => {
          res.writeHead(200, { 'content-type': metricsContentType });
          res.end(text);
        },
        (err: unknown) => send(500, { status: 'error', message: String(err) }),
      );
      return;
    }
    send(404, { status: 'not found' });
  });
  server.listen(port);
  app.get(Logger).log(`${service} health probes on :${port}`);
  process.once('SIGTERM', () => server.close());
}

/** Wraps a main(): a bad environment prints its message and exits 1; anything else too, with a stack. */
export function runMain(main: () => Promise<unknown>): void {
  applyRuntimePatches();
  main().catch((err: unknown) => {
    const message = err instanceof InvalidEnvironmentError ? err.message : ((err as Error)?.stack ?? String(err));
    process.stderr.write(`${message}\n`);
    process.exit(1);
  });
}
