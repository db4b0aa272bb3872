import { Controller, Inject, Injectable, Optional, ServiceUnavailableException } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { eventStream, healthCall, ServiceHealth, ServiceName } from '@circulate/contracts';
import { Handles, NatsConnectionService } from '@circulate/platform/messaging';
import type { Connection } from 'mongoose';

/** A real round trip to the database (terminus's mongoose indicator only reads `readyState`). */
export async function pingMongo(db: Connection, timeoutMs = 1000): Promise<boolean> {
  try {
    if (db.readyState !== 1 || !db.db) return false;
    await withTimeout(db.db.admin().ping(), timeoutMs);
    return true;
  } catch {
    return false;
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}

/** How long each readiness check waits for its dependency. */
export const PROBE_TIMEOUT_MS = Symbol('PROBE_TIMEOUT_MS');

/**
 * Readiness as terminus indicators: `nats` (a round trip to the server), `mongo` (a ping of the
 * app's database), and for a service `stream` (its JetStream event stream exists). Each is `up`
 * or `down` with the reason; terminus runs them at once and shapes the answer
 * (`status`, `info`, `error`, `details`); it also answers `shutting_down` once shutdown began.
 */
@Injectable()
export class HealthIndicators {
  constructor(
    private readonly terminus: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly nats: NatsConnectionService,
    @InjectConnection() private readonly db: Connection,
    @Optional() @Inject(PROBE_TIMEOUT_MS) private readonly timeoutMs = 1000,
  ) {}

  get timeout(): number {
    return this.timeoutMs;
  }

  async natsUp(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('nats');
    return (await this.nats.ping(this.timeoutMs))
      ? check.up()
      : check.down({ message: `no round trip to the NATS server within ${this.timeoutMs} ms` });
  }

  async mongoUp(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('mongo');
    return (await pingMongo(this.db, this.timeoutMs))
      ? check.up()
      : check.down({ message: `the database did not answer a ping within ${this.timeoutMs} ms` });
  }

  async streamUp(service: ServiceName): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('stream');
    const { name } = eventStream(service);
    try {
      const info = await withTimeout(this.nats.jsm.streams.info(name), this.timeoutMs);
      return check.up({ stream: name, messages: info.state.messages });
    } catch (err) {
      const reason = /not found/i.test(String(err)) ? 'the stream does not exist' : String((err as Error).message);
      return check.down({ stream: name, message: `JetStream stream ${name}: ${reason}` });
    }
  }

  /** Terminus's verdict over `checks`, whether healthy or not (never throws for a failed check). */
  async run(checks: HealthIndicatorFunction[]): Promise<HealthCheckResult> {
    try {
      return await this.terminus.check(checks);
    } catch (err) {
      if (err instanceof ServiceUnavailableException) return err.getResponse() as HealthCheckResult;
      throw err;
    }
  }
}

/** `{ name: 'up' | 'down' }` of a terminus result: the short form tests and scripts read. */
export function checksOf(result: HealthCheckResult): Record<string, 'up' | 'down'> {
  const out: Record<string, 'up' | 'down'> = {};
  for (const [key, value] of Object.entries(result.details ?? {})) out[key] = value.status === 'up' ? 'up' : 'down';
  return out;
}

@Injectable()
export class HealthProbe {
  constructor(private readonly health: HealthIndicators) {}

  /** The service's readiness: NATS, its database, its event stream (terminus's shape). */
  readiness(service: ServiceName): Promise<HealthCheckResult> {
    return this.health.run([
      () => this.health.natsUp(),
      () => this.health.mongoUp(),
      () => this.health.streamUp(service),
    ]);
  }

  /** What the health RPC answers: the same checks, flattened, with terminus's details. */
  async check(service: ServiceName): Promise<ServiceHealth> {
    const result = await this.readiness(service);
    const checks = checksOf(result);
    return {
      service,
      status: result.status === 'ok' ? 'up' : 'down',
      mongo: checks['mongo'] ?? 'down',
      nats: checks['nats'] ?? 'down',
      stream: checks['stream'] ?? 'down',
      version: process.env['npm_package_version'] ?? '0.0.0',
      details: result.details,
    };
  }
}

/** The health subject of one service: answers whether its database, NATS and stream answer. */
export function healthController(service: ServiceName) {
  @Controller()
  class ServiceHealthController {
    constructor(readonly probe: HealthProbe) {}

    @Handles(healthCall(service))
    health(): Promise<ServiceHealth> {
      return this.probe.check(service);
    }
  }
  return ServiceHealthController;
}
