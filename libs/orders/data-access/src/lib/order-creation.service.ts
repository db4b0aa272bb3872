import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  CreateOrderRequest,
  DomainError,
  ErrorCode,
  IdPrefix,
  Listing,
  newId,
  Order,
  OrderLine,
  OrderRefusedEvent,
  OrdersEvents,
  RefusedLine,
  RequestContext,
} from '@circulate/contracts';
import { holdExpiresAt, priceOrder } from '@circulate/orders/domain';
import { outboxEvent, OutboxRelay } from '@circulate/platform/messaging';
import { applyView, checkListings, orderNumber, ParsedLine, parseLines, reserveLines } from './order-building';
import { OrderDeps } from './order-deps';
import { OrderRepository } from './order.repository';
import { StoredOrder, toPublicOrder } from './stored-order';

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

/**
 * `POST /orders` as a saga, each step idempotent under the order id: price the lines, store the
 * order as pending (its unique key is the tenant's Idempotency-Key), reserve every line at once,
 * mark it reserved with its `created` event. A crash anywhere is finished or undone by the
 * recovery sweep (OrderRecovery); a retry with the same key resumes the same order.
 */
@Injectable()
export class OrderCreation {
  private readonly logger = new Logger(OrderCreation.name);

  constructor(
    private readonly repo: OrderRepository,
    private readonly deps: OrderDeps,
    private readonly outbox: OutboxRelay,
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

    const now = Date.now();
    const id = newId(IdPrefix.order);
    const requestHash = createHash('sha256').update(canonical(body)).digest('hex');
    const rentals = parsed.lines.filter((l) => !l.purchase);
    const lines: OrderLine[] = parsed.lines.map((l, i) => ({
      listingId: l.listingId,
      variant: l.variant,
      quantity: l.quantity,
      priceTableId: l.priceTableId ?? null,
      start: l.startMs === undefined ? null : new Date(l.startMs).toISOString(),
      end: l.endMs === undefined ? null : new Date(l.endMs).toISOString(),
      purchase: l.purchase,
      price: priced.value.lines[i].quote.total,
      allocations: [],
    }));
    let order: StoredOrder = {
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
      lines,
      total: priced.value.total,
      holdExpiresAt: body.hold ? holdExpiresAt(now, body.hold.minutes) : null,
      shortages: [],
      conflicts: [],
      outUntil: null,
      periodStart: rentals.length ? Math.min(...rentals.map((l) => l.startMs as number)) : now,
      periodEnd: rentals.length ? Math.max(...rentals.map((l) => l.endMs as number)) : now,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.repo.insert(order))) {
      const existing = idempotencyKey ? await this.repo.findByKey(ctx.tenantId, idempotencyKey) : null;
      if (!existing) throw new DomainError(ErrorCode.CONFLICT, 'the order could not be stored; retry');
      if (existing.requestHash !== requestHash)
        throw new DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'this Idempotency-Key was used with a different order');
      if (!['pending', 'refused', 'abandoned'].includes(existing.status)) return toPublicOrder(existing);
      order = existing; // resume the saga under the first attempt's order id
    }
    const timeZone = location?.timeZone ?? 'UTC';
    return this.reserve(ctx, order, reserveLines(parsed.lines, body.locationId, timeZone, order.createdAt), listings, {
      acceptShortage: body.allowShortage === true,
    });
  }

  private async reserve(
    ctx: RequestContext,
    order: StoredOrder,
    lines: ReturnType<typeof reserveLines>,
    listings: Map<string, Listing>,
    opts: { acceptShortage: boolean },
  ): Promise<Order> {
    let view;
    try {
      view = await this.deps.reservation(ctx, {
        type: 'reserve',
        orderId: order.id,
        lines,
        ...(order.holdExpiresAt !== null ? { holdUntil: order.holdExpiresAt } : {}),
        ...(opts.acceptShortage ? { acceptShortage: true } : {}),
      });
    } catch (err) {
      if (err instanceof DomainError && err.code === ErrorCode.UNAVAILABLE) await this.refuse(ctx, order, lines, err);
      throw err;
    }
    if (FAULT === 'crash_after_reserve') process.kill(process.pid, 'SIGKILL');
    const applied = applyView(order.lines, view, listings);
    const next: StoredOrder = {
      ...order,
      ...applied,
      status: 'reserved',
      version: order.version + 1,
      updatedAt: Date.now(),
    };
    const pub = toPublicOrder(next);
    await this.repo.save(next, order.version, [
      outboxEvent(OrdersEvents.created, ctx.tenantId, order.id, next.version, { order: pub }, ctx.requestId),
    ]);
    // Flushed before the caller learns the id, so no lifecycle write can race this pull.
    await this.outbox.flush(this.repo.mongooseModel as never, order.id);
    return pub;
  }

  /** 409 unavailable: nothing reserved; the refusal is stored with its unmet-demand event. */
  private async refuse(
    ctx: RequestContext,
    order: StoredOrder,
    lines: ReturnType<typeof reserveLines>,
    err: DomainError,
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
        shortfalls: await this.shortfalls(ctx, lines[r.lineIndex]).catch(() => []),
      });
    }
    const event: OrderRefusedEvent = { orderId: order.id, at: new Date().toISOString(), lines: refusedLines };
    const next: StoredOrder = { ...order, status: 'refused', version: order.version + 1, updatedAt: Date.now() };
    try {
      await this.repo.save(next, order.version, [
        outboxEvent(OrdersEvents.refused, ctx.tenantId, order.id, next.version, event, ctx.requestId),
      ]);
      await this.outbox.flush(this.repo.mongooseModel as never, order.id);
    } catch (saveErr) {
      this.logger.warn(`order ${order.id}: refusal not recorded: ${String(saveErr)}`);
    }
    throw new DomainError(ErrorCode.UNAVAILABLE, 'not every line of the order is available', undefined, {
      lines: report.map((r) => ({ index: r.lineIndex, available: r.fits })),
    });
  }

  /** Which stock items a refused line fell short on (availability's explain: free per candidate). */
  private async shortfalls(ctx: RequestContext, line: ReturnType<typeof reserveLines>[number]) {
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
