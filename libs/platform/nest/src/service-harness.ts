import type { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getConnectionToken } from '@nestjs/mongoose';
import { EventEnvelope, eventStream, RequestContext, Role, ServiceName, tenantId } from '@circulate/contracts';
import { NatsConnectionService } from '@circulate/platform/messaging';
import type { Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { loadEnv, ServiceEnv } from './env';
import { serviceModule, ServiceModuleSpec } from './service-module';

/** One service's modules booted without a transport, against the real NATS and database. */
export interface ServiceHarness {
  readonly namespace: string;
  readonly app: INestApplicationContext;
  get<T>(type: Type<T>): T;
  /** A request context of a tenant of this run. */
  ctx(tenant?: string, role?: Role): RequestContext;
  /** Every event the service has published so far, in order (read back from its stream). */
  events(): Promise<EventEnvelope[]>;
  close(): Promise<void>;
}

/**
 * The service-level test tier: the service's root module (database, messaging, outbox, caches)
 * with the given use-case modules, under a fresh namespace, so use cases are called directly —
 * no gateway, no RPC transport. `close()` drops the namespace's database, streams and buckets.
 */
export async function startServiceHarness(
  service: ServiceName,
  spec: ServiceModuleSpec,
  env: Record<string, string> = {},
): Promise<ServiceHarness> {
  const namespace = `h${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const previousNs = process.env['CIRCULATE_NS'];
  const config = loadEnv(ServiceEnv, { ...process.env, LOG_LEVEL: 'silent', ...env, CIRCULATE_NS: namespace });
  const app = await NestFactory.createApplicationContext(serviceModule(service, config, spec), { logger: false });
  const nats = app.get(NatsConnectionService);
  return {
    namespace,
    app,
    get: <T>(type: Type<T>) => app.get(type),
    ctx: (tenant = 'acme', role: Role = 'admin') => ({ tenantId: tenantId(tenant), role }),
    events: async () => {
      const stream = eventStream(service).name;
      const { state } = await nats.jsm.streams.info(stream);
      const out: EventEnvelope[] = [];
      for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
        const msg = await nats.jsm.streams.getMessage(stream, { seq }).catch(() => null);
        if (msg) out.push(msg.json<EventEnvelope>());
      }
      return out;
    },
    close: async () => {
      // What the run made: its database, and every stream and bucket of its namespace.
      await app
        .get<Connection>(getConnectionToken())
        .dropDatabase()
        .catch(() => undefined);
      const ours: string[] = [];
      for await (const info of nats.jsm.streams.list())
        if (info.config.name.startsWith(`${namespace}_`) || info.config.name.startsWith(`KV_${namespace}_`))
          ours.push(info.config.name);
      for (const name of ours) await nats.jsm.streams.delete(name).catch(() => undefined);
      await app.close();
      process.env['CIRCULATE_NS'] = previousNs;
    },
  };
}
