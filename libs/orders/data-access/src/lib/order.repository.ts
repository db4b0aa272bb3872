import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { DomainError, ErrorCode, EventEnvelope, Page, tenantId, TenantId } from '@circulate/contracts';
import { isDuplicateKeyError, TenantRepository } from '@circulate/platform/persistence';
import type { Model, QueryFilter } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { OrderDoc } from './order.schema';
import type { StoredOrder } from './stored-order';

export type InsertOutcome = 'inserted' | 'duplicate';

/** One refused document of a bulk insert, as the driver reports it. */
interface WriteFailure {
  index: number;
  code?: number;
  errmsg?: string;
}

export interface OrderListFilter {
  status?: string;
  channel?: string;
  from?: number;
  to?: number;
  overdueAt?: number;
  shortage?: boolean;
  conflicts?: boolean;
}

const VISIBLE = ['reserved', 'confirmed', 'active', 'completed', 'cancelled', 'expired'];

@Injectable()
export class OrderRepository extends TenantRepository<OrderDoc, StoredOrder> {
  constructor(@InjectModel(OrderDoc.name) model: Model<OrderDoc>) {
    super(model);
  }

  protected toPlain(d: OrderDoc): StoredOrder {
    const ms = (v: Date | null | undefined) => (v ? new Date(v).getTime() : null);
    return {
      id: d._id,
      tenantId: tenantId(d.tenantId),
      idemKey: d.idemKey,
      requestHash: d.requestHash,
      number: d.number,
      status: d.status,
      customer: d.customer,
      channel: d.channel,
      locationId: d.locationId,
      lines: d.lines ?? [],
      total: d.total,
      holdExpiresAt: ms(d.holdExpiresAt),
      shortages: d.shortages ?? [],
      conflicts: d.conflicts ?? [],
      outUntil: ms(d.outUntil),
      overdueNotified: ms(d.overdueNotified),
      periodStart: ms(d.periodStart) ?? 0,
      periodEnd: ms(d.periodEnd) ?? 0,
      version: d.version,
      createdAt: ms(d.createdAt) ?? 0,
      updatedAt: ms(d.updatedAt) ?? 0,
    };
  }

  private toDoc(o: StoredOrder): Omit<OrderDoc, '_outbox' | 'insertBatch'> {
    const date = (v: number | null) => (v === null ? null : new Date(v));
    return {
      _id: o.id,
      tenantId: o.tenantId,
      idemKey: o.idemKey,
      requestHash: o.requestHash,
      number: o.number,
      status: o.status,
      customer: o.customer,
      channel: o.channel,
      locationId: o.locationId,
      lines: o.lines,
      total: o.total,
      holdExpiresAt: date(o.holdExpiresAt),
      shortages: o.shortages,
      conflicts: o.conflicts,
      outUntil: date(o.outUntil),
      overdueNotified: date(o.overdueNotified),
      periodStart: new Date(o.periodStart),
      periodEnd: new Date(o.periodEnd),
      version: o.version,
      createdAt: new Date(o.createdAt),
      updatedAt: new Date(o.updatedAt),
    };
  }

  /**
   * Stores new orders in one `insertMany` (unordered: one duplicate does not stop the others).
   * Answers, per order, `inserted`, `duplicate` (its `_id` exists: an earlier attempt of the same
   * request stored it) or the error that refused it.
   */
  async insertMany(orders: readonly StoredOrder[]): Promise<(InsertOutcome | Error)[]> {
    const out: (InsertOutcome | Error)[] = orders.map(() => 'inserted');
    if (orders.length === 0) return out;
    const insertBatch = randomUUID();
    try {
      await this.collection.insertMany(
        orders.map((o) => ({ ...this.toDoc(o), _outbox: [], insertBatch })),
        { ordered: false },
      );
    } catch (err) {
      const found = (err as { writeErrors?: WriteFailure | WriteFailure[] }).writeErrors;
      if (!found) throw err;
      for (const w of Array.isArray(found) ? found : [found])
        out[w.index] = isDuplicateKeyError(w) ? 'duplicate' : new Error(w.errmsg ?? `insert failed (${w.code})`);
    }
    return out;
  }

  /**
   * Writes the order's new state with its events in one document write. The filter is `_id`
   * alone: FerretDB v1 answers any other filter (`_id` + version included) by scanning the
   * collection while holding SQLite's write lock, which under load stalled every write for
   * seconds. Writers of one order take its lock (KeyedMutex across replicas) and read it inside
   * that lock, so `expectedVersion` is checked against that read; a new order is written only by
   * the request that inserted it (the recovery sweep waits ORDERS_PENDING_GRACE_MS and locks).
   */
  async save(next: StoredOrder, expectedVersion: number, events: EventEnvelope[]): Promise<void> {
    const { _id, ...fields } = this.toDoc(next);
    if (next.version !== expectedVersion + 1)
      throw new Error(`order ${next.id}: version ${next.version} does not follow ${expectedVersion}`);
    const res = await this.model
      .updateOne({ _id }, { $set: fields, ...(events.length ? { $push: { _outbox: { $each: events } } } : {}) })
      .exec();
    if (res.matchedCount === 0)
      throw new DomainError(ErrorCode.CONFLICT, `order ${next.id} changed meanwhile; read it again and retry`);
  }

  list(tenantId: TenantId, f: OrderListFilter, limit?: number, cursor?: string): Promise<Page<StoredOrder>> {
    const q: Record<string, unknown> = { status: f.status ?? { $in: VISIBLE } };
    if (f.channel) q['channel'] = f.channel;
    if (f.to !== undefined) q['periodStart'] = { $lt: new Date(f.to) };
    if (f.from !== undefined) q['periodEnd'] = { $gt: new Date(f.from) };
    if (f.overdueAt !== undefined) {
      q['status'] = 'active';
      q['outUntil'] = { $ne: null, $lte: new Date(f.overdueAt) };
    }
    if (f.shortage) q['shortages.0'] = { $exists: true };
    if (f.conflicts) q['conflicts.0'] = { $exists: true };
    return this.page(tenantId, q as QueryFilter<OrderDoc>, limit, cursor);
  }
}
