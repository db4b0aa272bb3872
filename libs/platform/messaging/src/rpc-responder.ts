import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
  Type,
} from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import {
  DomainError,
  ErrorCode,
  Headers,
  queueGroup,
  RequestContext,
  Roles,
  rpcSubject,
  ServiceName,
  TenantId,
} from '@circulate/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { JSONCodec, Msg, NatsConnection, Subscription } from 'nats';
import { recordRpc } from './metrics';
import { NatsConnectionService } from './nats-connection';
import { RpcBinding, rpcBindingsOf, rpcRoutesOf } from './rpc-handler';
import { errorPayloadOf, rpcValidationPipe, validationError } from './rpc-validation';
import { memoiseValidationMetadata } from './validation-cache';

export const RPC_SERVICE = Symbol('RPC_SERVICE');

const codec = JSONCodec<unknown>();
const TENANT = /^[a-zA-Z0-9_-]{1,64}$/;
const ROLES = new Set<string>(Roles);

/**
 * The request context of a message. The common case (exactly the fields the gateway sends, all
 * well-formed) is checked by hand; anything else goes through class-validator on
 * RequestContext, so a bad context is refused with the same field-naming errors as before.
 */
export function requestContextOf(raw: unknown): RequestContext {
  if (raw && typeof raw === 'object') {
    const c = raw as Record<string, unknown>;
    let keys = 0;
    for (const key in c) {
      if (key !== 'tenantId' && key !== 'role' && key !== 'requestId') {
        keys = -1;
        break;
      }
      keys++;
    }
    const { tenantId, role, requestId } = c;
    if (
      keys > 0 &&
      typeof tenantId === 'string' &&
      TENANT.test(tenantId) &&
      typeof role === 'string' &&
      ROLES.has(role) &&
      (requestId === undefined || (typeof requestId === 'string' && requestId.length <= 128))
    ) {
      // The pattern was checked above: this is the validated TenantId.
      const tenant = tenantId as TenantId;
      return requestId === undefined
        ? { tenantId: tenant, role: role as RequestContext['role'] }
        : { tenantId: tenant, role: role as RequestContext['role'], requestId };
    }
  }
  const instance = plainToInstance(RequestContext, raw ?? {});
  const errors = validateSync(instance as object, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw validationError(errors.map((e) => ({ ...e, property: `ctx.${e.property}` })));
  return instance;
}

/** Nest's ValidationPipe with the services' options (`rpcValidationPipe`). */
const dataPipe = rpcValidationPipe();

/**
 * The request validated against the class a handler declares for it (whitelisted, unknown
 * fields refused, prototype keys stripped), by the same pipe and options as before; a declared
 * type that is no DTO (Object, an interface, none) passes the value through.
 */
export function requestDataOf(raw: unknown, type: unknown): Promise<unknown> {
  return dataPipe.transform(raw ?? {}, { type: 'custom', metatype: type as Type<unknown> | undefined });
}

interface Route {
  subject: string;
  name: string;
  handler: (ctx: RequestContext, data: unknown) => unknown;
  dataType: unknown;
}

/**
 * Serves the app's controllers straight on NATS (their `rpcHandlers` table, or `@Handles`
 * methods): one subscription per subject in the service's queue group (replicas share the
 * load), and per message one decode, a cheap envelope check, the request's validation, the
 * handler, one reply publish, and a debug log line with the request id. The wire format is
 * Nest's NATS transport's (`{ pattern, data: { ctx, data }, id }` → `{ response | err, id }`);
 * failures are contract error payloads (anything else is logged and answered INTERNAL).
 */
@Injectable()
export class RpcServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('rpc');
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly nats: NatsConnectionService,
    @Optional() @Inject(RPC_SERVICE) private readonly service?: ServiceName,
  ) {
    memoiseValidationMetadata();
  }

  /** The subjects served, once subscribed (tests, logs). */
  get subjects(): string[] {
    return this.subscriptions.map((s) => s.getSubject());
  }

  async onApplicationBootstrap(): Promise<void> {
    const queue = this.service ? queueGroup(this.service) : undefined;
    let nc: NatsConnection | undefined;
    const seen = new Set<string>();
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || !wrapper.metatype) continue;
      const bindings: (RpcBinding & { dataType: unknown })[] = [
        ...rpcRoutesOf(wrapper.metatype).map((r) => ({
          def: r.def,
          handler: (instance[r.method] as RpcBinding['handler']).bind(instance),
          dataType: r.dataType,
        })),
        ...rpcBindingsOf(instance).map((b) => ({ ...b, dataType: b.def.request })),
      ];
      for (const b of bindings) {
        const subject = rpcSubject(b.def.name);
        if (seen.has(subject)) throw new Error(`two handlers for ${b.def.name}`);
        seen.add(subject);
        const route: Route = { subject, name: b.def.name, handler: b.handler, dataType: b.dataType };
        // Its own connection: requests and replies do not wait in one socket behind the
        // service's JetStream and key-value traffic (a SKU fan-out's, say).
        nc ??= await this.nats.dedicated('rpc');
        this.subscriptions.push(
          nc.subscribe(subject, { queue, callback: (_err, msg) => void this.handle(route, msg) }),
        );
      }
    }
    if (seen.size) this.logger.log(`serving ${seen.size} subjects${queue ? ` in queue group ${queue}` : ''}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.subscriptions.map((s) => s.drain().catch(() => undefined)));
  }

  private async handle(route: Route, msg: Msg): Promise<void> {
    const started = process.hrtime.bigint();
    const requestId = msg.headers?.get(Headers.requestId) || undefined;
    let id: unknown;
    try {
      const packet = codec.decode(msg.data) as { id?: unknown; data?: { ctx?: unknown; data?: unknown } } | null;
      id = packet?.id;
      const envelope = packet?.data;
      if (!envelope || typeof envelope !== 'object') {
        throw new DomainError(ErrorCode.VALIDATION_FAILED, 'message is not an envelope');
      }
      const ctx = requestContextOf(envelope.ctx);
      const data = await requestDataOf(envelope.data, route.dataType);
      const response = await route.handler(ctx, data);
      if (msg.reply) msg.respond(codec.encode({ id, response, isDisposed: true }));
      const ms = msSince(started);
      recordRpc('server', route.name, 'ok', ms / 1000);
      this.logger.debug({ subject: route.subject, requestId, ms }, 'handled');
    } catch (err) {
      const payload = errorPayloadOf(err, this.logger);
      if (msg.reply) msg.respond(codec.encode({ id, err: payload, isDisposed: true }));
      const ms = msSince(started);
      recordRpc('server', route.name, payload.code, ms / 1000);
      this.logger.warn({ subject: route.subject, requestId, ms, code: payload.code }, 'failed');
    }
  }
}

const msSince = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e6;
