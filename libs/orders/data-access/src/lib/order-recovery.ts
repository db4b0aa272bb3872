import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  eventStream,
  eventSubject,
  OrdersEvents,
  RequestContext,
  ReservationEventPayload,
  reservationEventName,
  tenantId,
  TenantId,
} from '@circulate/contracts';
import {
  DurableConsumers,
  ensureStream,
  KeyedMutex,
  NatsConnectionService,
  OutboxRelay,
} from '@circulate/platform/messaging';
import { applyView, orderIdOfReservation } from './order-building';
import { OrderCommitter } from './order-commit';
import { OrderDeps } from './order-deps';
import { OrderLifecycle } from './order-lifecycle.service';
import { OrderIntent, OrderSagaJournal } from './order-saga-journal';
import { OrderRepository } from './order.repository';

const system = (tenantId: TenantId): RequestContext => ({ tenantId, role: 'admin', requestId: 'orders-recovery' });

/**
 * Finishes or undoes the `POST /orders` attempts a crash interrupted, from the saga journal: an
 * intent still open after ORDERS_PENDING_GRACE_MS is resolved under its order's lock. If the
 * order is stored, its `created` fact is published again (de-duplicated by its id); otherwise
 * availability is asked: with a reservation the order is stored as reserved and announced, without
 * one there is nothing to undo. Either way the intent is closed, so no reservation outlives a
 * missing order and no attempt stays half done; a retry with its Idempotency-Key converges on
 * the same order. Runs soon after boot and every ORDERS_RECOVERY_MS, on every replica (resolving
 * an intent twice is harmless).
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
    private readonly journal: OrderSagaJournal,
    private readonly committer: OrderCommitter,
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

  /** One pass over the open journal messages older than the grace period; returns how many intents it resolved. */
  async sweep(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let n = 0;
    try {
      for await (const open of this.journal.open(Date.now() - this.graceMs)) {
        for (const intent of open.intents) {
          const key = OutboxRelay.lockKey(this.repo.mongooseModel, intent.order.id);
          await this.locks.run(key, () => this.resolve(intent));
          n++;
        }
        // Only once every intent of the message is resolved (a crash before leaves it all to redo).
        await this.journal.finish(open.seq);
      }
    } catch (err) {
      this.logger.warn(`recovery sweep failed: ${String(err)}`);
    } finally {
      this.running = false;
    }
    return n;
  }

  private async resolve(intent: OrderIntent): Promise<void> {
    const { order: pending, requestId } = intent;
    const tenant = tenantId(pending.tenantId);
    const stored = await this.repo.findById(tenant, pending.id);
    if (stored) {
      await this.committer.announce(stored, requestId);
    } else {
      const view = await this.deps.reservationOf(system(tenant), pending.id);
      if (view && view.state === 'active') {
        await this.committer.commit({ ...pending, tenantId: tenant }, view, undefined, requestId);
        this.logger.warn(`order ${pending.id}: saga finished by recovery (reservation found)`);
      } else this.logger.warn(`order ${pending.id}: saga undone by recovery (no reservation, nothing stored)`);
    }
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
      const now = Date.now();
      // Out past its end and not announced yet for this end: the `overdue` fact (once per end;
      // an extend moves the end, a return clears it).
      const newlyOverdue =
        o.status === 'active' && o.outUntil !== null && o.outUntil <= now && o.overdueNotified !== o.outUntil;
      const same =
        JSON.stringify(applied) === JSON.stringify({ lines: o.lines, shortages: o.shortages, conflicts: o.conflicts });
      if (newlyOverdue) return { next: { ...o, ...applied, overdueNotified: o.outUntil }, event: OrdersEvents.overdue };
      if (same) return null;
      return { next: { ...o, ...applied }, event: OrdersEvents.reservationsChanged };
    });
  }
}
