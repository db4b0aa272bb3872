import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  CreateOrderRequest,
  DomainError,
  ErrorCode,
  Listing,
  Order,
  OrderRefusedEvent,
  OrderReservationView,
  OrdersEvents,
  RefusedLine,
  RequestContext,
  ReserveCommand,
  ReserveLineInput,
} from '@circulate/contracts';
import { holdExpiresAt, priceOrder } from '@circulate/orders/domain';
import { EventPublisher, outboxEvent } from '@circulate/platform/messaging';
import { checkListings, orderNumber, ParsedLine, parseLines, reserveLines } from './order-building';
import { factEventId, OrderCommitter, orderIdFor } from './order-commit';
import { OrderDeps } from './order-deps';
import { OrderSagaJournal } from './order-saga-journal';
import { OrderRepository } from './order.repository';
import { isVisible, StoredOrder, toPublicOrder } from './stored-order';

/** Sorted-key JSON, so that the same body in another key order hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}

/** Test-only fault injection (documented in the README): die between reserve and the order's write. */
const FAULT = process.env['ORDERS_FAULT'] ?? '';

/** Errors after which the reserve step is known not to have happened (anything else: maybe it did). */
const REFUSALS: readonly string[] = [
  ErrorCode.UNAVAILABLE,
  ErrorCode.VALIDATION_FAILED,
  ErrorCode.NOT_FOUND,
  ErrorCode.IDEMPOTENCY_KEY_REUSED,
  ErrorCode.FORBIDDEN,
];

/**
 * `POST /orders` as a saga, each step idempotent under the order id (derived from the tenant's
 * Idempotency-Key when there is one): price the lines (listings and locations from memory),
 * journal the intent (OrderSagaJournal), reserve every line at once, store the reserved order in
 * one group-committed insert, publish its `created` fact, close the intent. A crash anywhere is
 * finished or undone by OrderRecovery from the journal; a retry with the same key converges on
 * the same order. On the happy path the order costs its share of one `insertMany`, nothing else.
 */
@Injectable()
export class OrderCreation {
  private readonly logger = new Logger(OrderCreation.name);

  constructor(
    private readonly repo: OrderRepository,
    private readonly deps: OrderDeps,
    private readonly journal: OrderSagaJournal,
    private readonly committer: OrderCommitter,
    private readonly publisher: EventPublisher,
  ) {}

  async create(ctx: RequestContext, req: CreateOrderRequest): Promise<Order> {
    const { idempotencyKey, ...body } = req;
    if (ctx.role === 'storefront' && body.channel !== 'online_store')
      throw new DomainError(ErrorCode.FORBIDDEN, 'a storefront key orders on the online_store channel only');
    if (ctx.role === 'storefront' && body.allowShortage)
      throw new DomainError(ErrorCode.FORBIDDEN, 'allowShortage is for admin and staff keys');
    const parsed = parseLines(body.lines);
    if (parsed.errors.length) throw invalid(parsed.errors);

    const [location, listings] = await Promise.all([
      this.deps.location(ctx, body.locationId),
      this.listingsOf(ctx, parsed.lines),
    ]);
    const errors = location ? [] : [{ field: 'locationId', message: `no location ${body.locationId}` }];
    errors.push(...checkListings(ctx, body.channel, body.locationId, parsed.lines, listings));
    if (errors.length) throw invalid(errors);
    const priced = priceOrder(parsed.lines, listings);
    if (!priced.ok) throw DomainError.fromPayload(priced.error);

    const requestHash = createHash('sha256').update(canonical(body)).digest('hex');
    const id = orderIdFor(ctx.tenantId, idempotencyKey);
    if (idempotencyKey !== undefined) {
      // A retry: the first attempt's order answers (an `_id` read, only for keyed requests).
      const existing = await this.repo.findById(ctx.tenantId, id);
      if (existing && isVisible(existing)) {
        if (existing.requestHash !== requestHash)
          throw new DomainError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            'this Idempotency-Key was used with a different order',
          );
        return toPublicOrder(existing);
      }
    }
    const now = Date.now();
    const rentals = parsed.lines.filter((l) => !l.purchase);
    const order: StoredOrder = {
      id,
      tenantId: ctx.tenantId,
      idemKey: idempotencyKey ?? `~${id}`,
      requestHash,
      number: orderNumber(id, now),
      status: 'pending',
      customer: body.customer.email
        ? { name: body.customer.name, email: body.customer.email }
        : { name: body.customer.name },
      channel: body.channel,
      locationId: body.locationId,
      lines: parsed.lines.map((l, i) => ({
        listingId: l.listingId,
        variant: l.variant,
        quantity: l.quantity,
        priceTableId: l.priceTableId ?? null,
        start: l.startMs === undefined ? null : new Date(l.startMs).toISOString(),
        end: l.endMs === undefined ? null : new Date(l.endMs).toISOString(),
        purchase: l.purchase,
        price: priced.value.lines[i].quote.total,
        allocations: [],
      })),
      total: priced.value.total,
      holdExpiresAt: body.hold ? holdExpiresAt(now, body.hold.minutes) : null,
      shortages: [],
      conflicts: [],
      outUntil: null,
      overdueNotified: null,
      periodStart: rentals.length ? Math.min(...rentals.map((l) => l.startMs as number)) : now,
      periodEnd: rentals.length ? Math.max(...rentals.map((l) => l.endMs as number)) : now,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const reserve: ReserveCommand = {
      type: 'reserve',
      orderId: id,
      lines: reserveLines(parsed.lines, body.locationId, location?.timeZone ?? 'UTC', now),
      ...(order.holdExpiresAt !== null ? { holdUntil: order.holdExpiresAt } : {}),
      ...(body.allowShortage === true ? { acceptShortage: true } : {}),
    };
    const seq = await this.journal.begin({ order, reserve, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) });
    let view: OrderReservationView | null;
    try {
      view = await this.deps.reservation(ctx, reserve);
    } catch (err) {
      // Refused: nothing was reserved, the intent is closed. Otherwise (a timeout, a lost
      // connection) the reservation may exist: the intent stays for the recovery sweep.
      if (err instanceof DomainError && REFUSALS.includes(err.code)) {
        this.journal.done(seq);
        if (err.code === ErrorCode.UNAVAILABLE) await this.refuse(ctx, order, reserve, err, seq);
      }
      throw err;
    }
    if (FAULT === 'crash_after_reserve') process.kill(process.pid, 'SIGKILL');
    const stored = await this.committer.commit(order, view, listings, ctx.requestId);
    this.journal.done(seq);
    return toPublicOrder(stored);
  }

  /** 409 unavailable: nothing reserved, nothing stored; the refusal is published as unmet demand. */
  private async refuse(
    ctx: RequestContext,
    order: StoredOrder,
    reserve: ReserveCommand,
    err: DomainError,
    seq: number,
  ): Promise<never> {
    const report = ((err.details?.['lines'] ?? []) as { lineIndex: number; requested: number; fits: number }[]).filter(
      (l) => l.fits < l.requested,
    );
    const refusedLines: RefusedLine[] = [];
    for (const r of report) {
      const line = order.lines[r.lineIndex];
      refusedLines.push({
        index: r.lineIndex,
        listingId: line.listingId,
        ...(line.start ? { start: line.start } : {}),
        ...(line.end ? { end: line.end } : {}),
        quantity: line.quantity,
        shortfalls: await this.shortfalls(ctx, reserve.lines[r.lineIndex]).catch(() => []),
      });
    }
    const event: OrderRefusedEvent = { orderId: order.id, at: new Date().toISOString(), lines: refusedLines };
    try {
      // One fact per refused attempt: its id comes from the attempt's journal entry.
      await this.publisher.publish({
        ...outboxEvent(OrdersEvents.refused, ctx.tenantId, order.id, order.version, event, ctx.requestId),
        id: factEventId(order.id, `refused:${seq}`),
      });
    } catch (publishErr) {
      this.logger.warn(`order ${order.id}: refusal not published: ${String(publishErr)}`);
    }
    throw new DomainError(ErrorCode.UNAVAILABLE, 'not every line of the order is available', undefined, {
      lines: report.map((r) => ({ index: r.lineIndex, available: r.fits })),
    });
  }

  /** Which stock items a refused line fell short on (availability's explain: free per candidate). */
  private async shortfalls(ctx: RequestContext, line: ReserveLineInput) {
    const query: Record<string, string> = {
      start: new Date(line.start).toISOString(),
      end: new Date(Math.min(line.end, line.start + 366 * 86_400_000)).toISOString(),
      quantity: String(line.quantity ?? 1),
      explain: 'true',
    };
    if (line.locationId) query['locationId'] = line.locationId;
    for (const [axis, value] of Object.entries(line.variant ?? {})) query[`variant.${axis}`] = value;
    const answer = await this.deps.availability({ ...ctx, role: 'admin' }, line.listingId, query);
    const out: RefusedLine['shortfalls'] = [];
    for (const rule of answer.rules) {
      if (rule.free >= rule.required) continue;
      const candidates = answer.explain?.find((e) => e.ruleId === rule.ruleId)?.candidates ?? [];
      for (const c of candidates.slice(0, 50))
        out.push({ stockItemId: c.stockItemId, ruleId: rule.ruleId, requested: rule.required, free: c.free });
    }
    return out;
  }

  private async listingsOf(ctx: RequestContext, lines: readonly ParsedLine[]): Promise<Map<string, Listing>> {
    const ids = [...new Set(lines.map((l) => l.listingId))];
    const found = await Promise.all(ids.map((id) => this.deps.listing(ctx, id)));
    const map = new Map<string, Listing>();
    found.forEach((l) => l && map.set(l.id, l));
    return map;
  }
}

function invalid(errors: { field: string; message: string }[]): DomainError {
  return new DomainError(ErrorCode.VALIDATION_FAILED, errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}
