import { Injectable, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { AvailabilityQueries } from '@circulate/availability/read-model';
import {
  DomainError,
  type ListingAvailabilityRequest,
  type RequestContext,
  type StockItemScheduleRequest,
} from '@circulate/contracts';
import { NatsConnectionService } from '@circulate/platform/messaging';
import type { Connection } from 'mongoose';
import { ReadModelFeed } from '../read-model-feed';
import { validateCommand } from './command-validation';
import type { OwnedTenant } from './owned-tenant';
import { TenantRouter, type RouterOptions } from './tenant-router';

function intEnv(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer (got "${v}")`);
  return n;
}

/** The availability service's options for reservations, read once at boot. */
export function routerOptionsFromEnv(): RouterOptions {
  const fault = process.env['AVAILABILITY_FAULT'] || undefined;
  if (fault !== undefined && fault !== 'exit-after-append') {
    throw new Error(`AVAILABILITY_FAULT: only "exit-after-append" is known (test-only; got "${fault}")`);
  }
  return {
    leaseTtlMs: intEnv('AVAILABILITY_OWNER_TTL_MS', 5000),
    // Inside the callers' own RPC timeout, so they hear why rather than time out.
    routeTimeoutMs: intEnv(
      'AVAILABILITY_ROUTE_TIMEOUT_MS',
      Math.max(500, Math.min(4000, intEnv('RPC_TIMEOUT_MS', 5000) - 500)),
    ),
    tickMs: intEnv('AVAILABILITY_TICK_MS', 1000),
    snapshotEvery: intEnv('AVAILABILITY_SNAPSHOT_EVERY', 500),
    idleSnapshotMs: intEnv('AVAILABILITY_IDLE_SNAPSHOT_MS', 2000),
    standbyRecords: intEnv('AVAILABILITY_STANDBY_RECORDS', 2_000_000),
    standbySettleMs: intEnv('AVAILABILITY_STANDBY_SETTLE_MS', 3000),
    fault,
  };
}

export function orderIdOf(data: unknown): string {
  const orderId = (data as { orderId?: unknown } | null)?.orderId;
  if (typeof orderId !== 'string' || orderId.length === 0 || orderId.length > 200) {
    throw DomainError.invalid('orderId', 'a non-empty string of at most 200 characters');
  }
  return orderId;
}

/**
 * Reservations in the availability service: every tenant-scoped request (reservation commands,
 * an order's reservations, availability, calendar, explain, unit schedule) runs on the tenant's
 * owner (TenantRouter), where the read model's index holds the tenant's reservations.
 */
@Injectable()
export class ReservationsService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  readonly router: TenantRouter;

  constructor(
    nats: NatsConnectionService,
    @InjectConnection() db: Connection,
    private readonly feed: ReadModelFeed,
    private readonly queries: AvailabilityQueries,
  ) {
    this.router = new TenantRouter(
      nats,
      db,
      feed,
      (o, ctx, op, data) => this.local(o, ctx, op, data),
      routerOptionsFromEnv(),
    );
  }

  onModuleInit(): void {
    this.feed.attach(this.router);
  }

  onApplicationBootstrap(): void {
    this.router.startSweeper(2000);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.router.stop();
  }

  /** Runs on the tenant's owner. */
  private async local(owned: OwnedTenant, ctx: RequestContext, op: string, data: unknown): Promise<unknown> {
    switch (op) {
      case 'command': {
        const command = validateCommand((data as { command?: unknown } | null)?.command);
        const reply = await owned.committer.submit(command);
        if (reply.ok) return reply.order;
        throw DomainError.fromPayload(reply.error);
      }
      case 'of':
        return owned.state.view(orderIdOf(data));
      case 'check': {
        const d = data as ListingAvailabilityRequest;
        return this.queries.availability(ctx, d.id, d.query);
      }
      case 'calendar': {
        const d = data as ListingAvailabilityRequest;
        return this.queries.calendar(ctx, d.id, d.query);
      }
      case 'schedule': {
        const d = data as StockItemScheduleRequest;
        return this.queries.schedule(ctx, d.id, d.query ?? {});
      }
      default:
        throw DomainError.invalid('op', `unknown operation ${op}`);
    }
  }

  execute(ctx: RequestContext, op: string, data: unknown): Promise<unknown> {
    return this.router.execute(ctx, op, data);
  }
}
