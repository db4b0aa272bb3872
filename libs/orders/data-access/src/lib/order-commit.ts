import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  EventEnvelope,
  IdPrefix,
  newId,
  OrderEvent,
  OrderReservationView,
  OrdersEvents,
  TenantId,
} from '@circulate/contracts';
import { EventPublisher } from '@circulate/platform/messaging';
import { createHash } from 'node:crypto';
import { applyView, RulesOf } from './order-building';
import { GroupWrite } from './group-write';
import { InsertOutcome, OrderRepository } from './order.repository';
import { StoredOrder, toPublicOrder } from './stored-order';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 26 Crockford base-32 characters of a SHA-256 (the shape of a ULID, so ids validate alike). */
function digest26(text: string): string {
  const bytes = createHash('sha256').update(text).digest();
  let out = '';
  for (let i = 0; i < 26; i++) {
    const bit = i * 5;
    const byte = bit >> 3;
    const word = (bytes[byte] << 8) | bytes[byte + 1];
    out += CROCKFORD[(word >> (11 - (bit & 7))) & 31];
  }
  return out;
}

/**
 * The order id of a request: derived from the tenant and its Idempotency-Key when it has one, so
 * every attempt of that request (a retry, the recovery of a crashed one) converges on one id and
 * the `_id` unique index keeps a single order; a fresh time-ordered id otherwise.
 */
export function orderIdFor(tenantId: TenantId, idempotencyKey?: string): string {
  return idempotencyKey === undefined
    ? newId(IdPrefix.order)
    : `${IdPrefix.order}_${digest26(`${tenantId}\n${idempotencyKey}`)}`;
}

/** An event id that every publisher of the same fact computes alike (its Nats-Msg-Id de-duplicates). */
export function factEventId(aggregateId: string, fact: string): string {
  return `${IdPrefix.event}_${digest26(`${aggregateId}\n${fact}`)}`;
}

/** The `created` fact of a stored order (the same envelope whoever publishes it, whenever). */
export function createdEvent(order: StoredOrder, requestId?: string): EventEnvelope<OrderEvent> {
  return {
    id: factEventId(order.id, 'created'),
    type: OrdersEvents.created,
    tenantId: order.tenantId,
    aggregateId: order.id,
    aggregateVersion: 1,
    occurredAt: new Date(order.createdAt).toISOString(),
    ...(requestId ? { requestId } : {}),
    data: { order: toPublicOrder({ ...order, version: 1 }, order.createdAt) },
  };
}

/** Most orders in one insert (FerretDB's inserts of 50 documents were measured at ~120/s). */
const MAX_BATCH = 100;

/** Group commit of new orders: the orders that arrive while one `insertMany` runs go together in the next. */
export class OrderGroupCommit extends GroupWrite<StoredOrder, InsertOutcome> {
  constructor(repo: Pick<OrderRepository, 'insertMany'>) {
    super(MAX_BATCH, (orders) => repo.insertMany(orders));
  }

  insert(order: StoredOrder): Promise<InsertOutcome> {
    return this.add(order);
  }
}

/**
 * The saga's last steps, shared by `POST /orders` and the recovery sweep: store the reserved
 * order (one group-committed insert; an earlier attempt's order wins), then publish its `created`
 * fact with a Nats-Msg-Id derived from the order, so a second publish is de-duplicated (both at
 * once for an order without an Idempotency-Key).
 */
@Injectable()
export class OrderCommitter {
  private readonly inserts: OrderGroupCommit;

  constructor(
    private readonly repo: OrderRepository,
    private readonly publisher: EventPublisher,
  ) {
    this.inserts = new OrderGroupCommit(repo);
  }

  /** The reserved order as stored (this attempt's, or the one an earlier attempt stored). */
  async commit(
    pending: StoredOrder,
    view: OrderReservationView | null,
    listings?: ReadonlyMap<string, RulesOf>,
    requestId?: string,
  ): Promise<StoredOrder> {
    const reserved: StoredOrder = {
      ...pending,
      ...applyView(pending.lines, view, listings),
      status: 'reserved',
      version: 1,
      updatedAt: pending.createdAt,
    };
    // No Idempotency-Key: the id is fresh, so no other order can hold it, and the one stored under
    // it (by this attempt or by the recovery of this intent) is this one: its `created` fact goes
    // out while it is written, not after (one round trip less per order). A crash between the two
    // leaves the intent open, and the recovery stores or announces what is missing.
    const announceAtOnce = pending.idemKey === `~${pending.id}`;
    const [outcome] = await Promise.all([
      this.inserts.insert(reserved),
      announceAtOnce ? this.announce(reserved, requestId) : undefined,
    ]);
    let stored = reserved;
    if (outcome === 'duplicate') {
      const existing = await this.repo.findById(pending.tenantId, pending.id);
      if (!existing) throw new DomainError(ErrorCode.CONFLICT, `order ${pending.id} could not be stored; retry`);
      if (existing.requestHash !== pending.requestHash)
        throw new DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'this Idempotency-Key was used with a different order');
      stored = existing;
    }
    if (!announceAtOnce) await this.announce(stored, requestId);
    return stored;
  }

  /** Publishes the `created` fact of an order still at its first version (later ones had theirs). */
  async announce(order: StoredOrder, requestId?: string): Promise<void> {
    if (order.version === 1) await this.publisher.publish(createdEvent(order, requestId));
  }
}
