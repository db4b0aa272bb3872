import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  ExtendOrderRequest,
  ListOrdersRequest,
  Page,
  Order,
  OrderEvent,
  OrderIdRequest,
  OrdersEvents,
  parseInstant,
  RequestContext,
} from '@circulate/contracts';
import {
  canComplete,
  extendedLinePrice,
  OrderAction,
  OrderStatus,
  splitLineIncome,
  transition,
} from '@circulate/orders/domain';
import { KeyedMutex, outboxEvent, OutboxRelay } from '@circulate/platform/messaging';
import { applyView } from './order-building';
import { OrderDeps } from './order-deps';
import { OrderRepository } from './order.repository';
import { earliestOutEnd, isVisible, StoredOrder, toPublicOrder, VisibleOrder } from './stored-order';

export interface Change {
  next: StoredOrder;
  event: string;
  units?: OrderEvent['units'];
}

/**
 * The order lifecycle after creation. Every call runs under the order's lock (across replicas),
 * reads the order, asks the transition table, does its work in the other services (each command
 * idempotent under the order id), then writes the new state with its event in one document write.
 */
@Injectable()
export class OrderLifecycle {
  constructor(
    readonly repo: OrderRepository,
    readonly deps: OrderDeps,
    private readonly outbox: OutboxRelay,
    private readonly locks: KeyedMutex,
  ) {}

  /** The visible order, or 404 (another tenant's, a saga record, a storefront key's non-store order). */
  async visible(ctx: RequestContext, id: string): Promise<VisibleOrder> {
    const order = await this.repo.findById(ctx.tenantId, id);
    if (!order || !isVisible(order) || (ctx.role === 'storefront' && order.channel !== 'online_store'))
      throw DomainError.notFound('order', id);
    return order;
  }

  async get(ctx: RequestContext, id: string): Promise<Order> {
    return toPublicOrder(await this.visible(ctx, id));
  }

  async list(ctx: RequestContext, q: ListOrdersRequest): Promise<Page<Order>> {
    const from = q.from === undefined ? undefined : (parseInstant(q.from) ?? undefined);
    const to = q.to === undefined ? undefined : (parseInstant(q.to) ?? undefined);
    if (from !== undefined && to !== undefined && to <= from) throw DomainError.invalid('to', 'must be after from');
    const now = Date.now();
    const page = await this.repo.list(
      ctx.tenantId,
      {
        status: q.status,
        channel: ctx.role === 'storefront' ? 'online_store' : q.channel,
        from,
        to,
        ...(q.overdue ? { overdueAt: now } : {}),
        shortage: q.shortage,
        conflicts: q.conflicts,
      },
      q.limit,
      q.cursor,
    );
    return { items: page.items.map((o) => toPublicOrder(o, now)), nextCursor: page.nextCursor };
  }

  /** Runs `work` on the order under its lock when `action` is allowed from its status. */
  async mutate(
    ctx: RequestContext,
    id: string,
    action: OrderAction | null,
    work: (order: VisibleOrder, to: OrderStatus) => Promise<Change | null>,
  ): Promise<Order> {
    return this.locks.run(OutboxRelay.lockKey(this.repo.mongooseModel, id), async () => {
      const order = await this.visible(ctx, id);
      let to = order.status;
      if (action) {
        const step = transition(order.status, action);
        if (!step.ok) throw DomainError.fromPayload(step.error);
        to = step.value;
      }
      const change = await work(order, to);
      if (!change) return toPublicOrder(order);
      const next: StoredOrder = { ...change.next, version: order.version + 1, updatedAt: Date.now() };
      const pub = toPublicOrder(next);
      const data: OrderEvent = { order: pub, ...(change.units ? { units: change.units } : {}) };
      await this.repo.save(next, order.version, [
        outboxEvent(change.event, ctx.tenantId, id, next.version, data, ctx.requestId),
      ]);
      await this.outbox.flush(this.repo.mongooseModel, id);
      return pub;
    });
  }

  confirm(ctx: RequestContext, req: OrderIdRequest): Promise<Order> {
    return this.mutate(ctx, req.id, 'confirm', async (order, to) => {
      await this.deps.reservation(ctx, { type: 'confirm', orderId: order.id });
      return { next: { ...order, status: to, holdExpiresAt: null }, event: OrdersEvents.confirmed };
    });
  }

  cancel(ctx: RequestContext, req: OrderIdRequest): Promise<Order> {
    return this.mutate(ctx, req.id, 'cancel', async (order, to) => {
      await this.deps.reservation(ctx, { type: 'release', orderId: order.id });
      return { next: { ...order, status: to, holdExpiresAt: null }, event: OrdersEvents.cancelled };
    });
  }

  extend(ctx: RequestContext, req: ExtendOrderRequest): Promise<Order> {
    const end = parseInstant(req.end);
    if (end === null) throw DomainError.invalid('end', 'must be an ISO 8601 date-time with an offset');
    return this.mutate(ctx, req.id, 'extend', async (order) => {
      const rentals = order.lines.filter((l) => !l.purchase && l.end);
      if (rentals.length === 0) throw DomainError.invalid('end', 'the order has no rental line to extend');
      const latest = Math.max(...rentals.map((l) => Date.parse(l.end as string)));
      if (end <= latest)
        throw DomainError.invalid('end', `must be after the current end ${new Date(latest).toISOString()}`);
      // Priced before anything moves: a longer period its table cannot price changes nothing.
      const priced = await this.extendedLines(ctx, order, end);
      const view = await this.deps.reservation(ctx, { type: 'extend', orderId: order.id, end });
      const applied = applyView(priced.lines, view);
      return {
        next: { ...order, ...applied, total: priced.total, periodEnd: end, outUntil: earliestOutEnd(applied.lines) },
        event: OrdersEvents.extended,
      };
    });
  }

  /** Every rental line ending at `end`, priced by `extendedLinePrice`; the new order total. */
  private async extendedLines(ctx: RequestContext, order: StoredOrder, end: number) {
    const ids = [...new Set(order.lines.filter((l) => !l.purchase).map((l) => l.listingId))];
    const found = await Promise.all(ids.map((id) => this.deps.listing(ctx, id)));
    const listings = new Map(ids.map((id, i) => [id, found[i]] as const));
    const lines = order.lines.map((l, i) => {
      if (l.purchase || !l.start || !l.end) return l;
      const listing = listings.get(l.listingId);
      let price = l.price;
      if (listing) {
        const line = {
          ...l,
          priceTableId: l.priceTableId ?? undefined,
          startMs: Date.parse(l.start),
          endMs: Date.parse(l.end),
        };
        const r = extendedLinePrice(listing, line, l.price, end);
        if (!r.ok) {
          const message = `lines[${i}] cannot be priced to the new end: ${r.error.message}`;
          throw new DomainError(r.error.code, message, [{ field: 'end', message }]);
        }
        price = r.value;
      }
      return { ...l, end: new Date(end).toISOString(), price };
    });
    const amount = lines.reduce((n, l) => n + l.price.amount, 0);
    if (!Number.isSafeInteger(amount))
      throw new DomainError(ErrorCode.UNPROCESSABLE, 'the order total is too large to be priced exactly');
    return { lines, total: { amount, currency: order.total.currency } };
  }

  complete(ctx: RequestContext, req: OrderIdRequest): Promise<Order> {
    return this.mutate(ctx, req.id, null, async (order) => {
      const unitsOut = order.lines
        .filter((l) => !l.purchase)
        .reduce((n, l) => n + l.allocations.reduce((m, a) => m + Math.max(0, a.out - a.returned), 0), 0);
      const step = canComplete(order.status, unitsOut);
      if (!step.ok) throw DomainError.fromPayload(step.error);
      for (const [i, line] of order.lines.entries()) {
        const used = line.allocations.filter((a) => a.out > 0);
        const allocs = used.length ? used : line.allocations;
        const parts = splitLineIncome(
          line.price.amount,
          allocs.map((a) => ({ stockItemId: a.stockItemId, units: a.quantity })),
        );
        for (const p of parts) {
          if (p.amount === 0) continue;
          await this.deps.inventory(ctx, 'recordOrderIncome', {
            stockItemId: p.stockItemId,
            orderId: order.id,
            operationKey: `income_${i}`,
            amount: { amount: p.amount, currency: line.price.currency },
            note: `order ${order.number} line ${i + 1}`,
          });
        }
        if (line.purchase)
          for (const a of allocs)
            await this.deps.inventory(ctx, 'markSold', {
              stockItemId: a.stockItemId,
              orderId: order.id,
              operationKey: `sold_${i}_${a.reservationId.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 64),
              quantity: a.quantity,
            });
      }
      return { next: { ...order, status: step.value, outUntil: null }, event: OrdersEvents.completed };
    });
  }
}
