import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  eventStream,
  eventSubject,
  OrdersEvents,
  RequestContext,
  ReservationEventPayload,
  reservationEventName,
  TenantId,
} from '@circulate/contracts';
import {
  DurableConsumers,
  ensureStream,
  KeyedMutex,
  NatsConnectionService,
  outboxEvent,
  OutboxRelay,
} from '@circulate/platform/messaging';
import { applyView, orderIdOfReservation } from './order-building';
import { OrderDeps } from './order-deps';
import { OrderLifecycle } from './order-lifecycle.service';
import { OrderRepository } from './order.repository';
import { StoredOrder, toPublicOrder } from './stored-order';

const system = (tenantId: TenantId): RequestContext => ({ tenantId, role: 'admin', requestId: 'orders-recovery' });

/**
 * Finishes or undoes the sagas a crash left pending: an order still `pending` after
 * ORDERS_PENDING_GRACE_MS is asked of availability; if its reservation exists it is marked
 * reserved (with its `created` event), otherwise it is `abandoned` (hidden; a retry with its
 * Idempotency-Key reserves again). Runs at boot and every ORDERS_RECOVERY_MS.
 *
 * Also follows availability's reservation facts about orders: an expired hold makes the order
 * `expired`; filled shortages, moved units, overdue and conflicted reservations are copied onto
 * the order (each with `orders.order.reservations-changed.v1`). Handling is idempotent: it
 * re-reads the order's reservations and writes only when something differs.
 */
@Injectable()
export class OrderRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OrderRecovery.name);
  private readonly graceMs = Number(process.env['ORDERS_PENDING_GRACE_MS'] ?? 15_000);
  private readonly everyMs = Number(process.env['ORDERS_RECOVERY_MS'] ?? 10_000);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly repo: OrderRepository,
    private readonly deps: OrderDeps,
    private readonly life: OrderLifecycle,
    private readonly locks: KeyedMutex,
    private readonly outbox: OutboxRelay,
    private readonly consumers: DurableConsumers,
    private readonly nats: NatsConnectionService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const stream = eventStream('availability');
    await ensureStream(this.nats.jsm, stream);
    for (const kind of ['expired', 'shortage_filled', 'moved', 'overdue', 'conflicted'])
      await this.consumers.start({
        durable: `orders-reservation-${kind.replace('_', '-')}`,
        stream: stream.name,
        filterSubject: eventSubject(reservationEventName(`reservation.${kind}`)),
        handle: (e) => this.onReservationFact(e.tenantId, e.data as ReservationEventPayload),
      });
    if (this.everyMs > 0) {
      this.timer = setInterval(() => void this.sweep(), this.everyMs);
      this.timer.unref();
    }
    setTimeout(() => void this.sweep(), Math.min(this.graceMs, 2000)).unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass over the pending sagas; returns how many it resolved. */
  async sweep(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let n = 0;
    try {
      for (const order of await this.repo.pendingBefore(Date.now() - this.graceMs)) {
        await this.locks.run(OutboxRelay.lockKey(this.repo.mongooseModel, order.id), () =>
          this.resolve(order.tenantId, order.id),
        );
        n++;
      }
    } catch (err) {
      this.logger.warn(`recovery sweep failed: ${String(err)}`);
    } finally {
      this.running = false;
    }
    return n;
  }

  private async resolve(tenantId: TenantId, id: string): Promise<void> {
    const order = await this.repo.findById(tenantId, id);
    if (!order || order.status !== 'pending') return;
    const ctx = system(order.tenantId);
    const view = await this.deps.reservationOf(ctx, order.id);
    const now = Date.now();
    if (view && view.state === 'active') {
      const applied = applyView(order.lines, view);
      const next: StoredOrder = {
        ...order,
        ...applied,
        status: 'reserved',
        version: order.version + 1,
        updatedAt: now,
      };
      await this.repo.save(next, order.version, [
        outboxEvent(OrdersEvents.created, order.tenantId, order.id, next.version, { order: toPublicOrder(next) }),
      ]);
      this.logger.warn(`order ${order.id}: saga finished by recovery (reservation found)`);
    } else {
      const next: StoredOrder = { ...order, status: 'abandoned', version: order.version + 1, updatedAt: now };
      await this.repo.save(next, order.version, []);
      this.logger.warn(`order ${order.id}: saga undone by recovery (no reservation)`);
    }
    await this.outbox.flush(this.repo.mongooseModel as never, order.id);
  }

  private async onReservationFact(tenantId: TenantId, fact: ReservationEventPayload): Promise<void> {
    const ids = new Set<string>();
    if (fact.orderId) ids.add(fact.orderId);
    for (const a of fact.allocations ?? []) {
      const id = orderIdOfReservation(a.reservationId);
      if (id) ids.add(id);
    }
    for (const id of ids) await this.sync(tenantId, id, fact.type === 'reservation.expired');
  }

  private async sync(tenantId: TenantId, id: string, expired: boolean): Promise<void> {
    const ctx = system(tenantId);
    const order = await this.repo.findById(tenantId, id);
    if (!order || order.status === 'pending') return;
    if (expired) {
      if (order.status !== 'reserved') return;
      await this.life
        .mutate(ctx, id, 'expire', async (o, to) => ({
          next: { ...o, status: to, holdExpiresAt: null },
          event: OrdersEvents.expired,
        }))
        .catch((err: unknown) => this.logger.warn(`order ${id}: not expired: ${String(err)}`));
      return;
    }
    if (!['reserved', 'confirmed', 'active'].includes(order.status)) return;
    const view = await this.deps.reservationOf(ctx, id);
    await this.life.mutate(ctx, id, null, async (o) => {
      const applied = applyView(o.lines, view);
      if (
        JSON.stringify(applied) === JSON.stringify({ lines: o.lines, shortages: o.shortages, conflicts: o.conflicts })
      )
        return null;
      return { next: { ...o, ...applied }, event: OrdersEvents.reservationsChanged };
    });
  }
}
