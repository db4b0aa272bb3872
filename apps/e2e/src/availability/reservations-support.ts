import {
  AvailabilityRpc,
  eventStream,
  rpcSubject,
  type ErrorPayload,
  type OrderReservationView,
  type ReservationCommand,
} from '@circulate/contracts';
import type { TestStack } from '@circulate/platform/stack';
import mongoose, { type Connection } from 'mongoose';
import { connect, JSONCodec, type NatsConnection } from 'nats';

/* eslint-disable @typescript-eslint/no-explicit-any */

const codec = JSONCodec<any>();
let sequence = 0;

export type Answer<T = OrderReservationView | null> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until `accept` holds or `timeoutMs` passes; returns the last value. */
export async function until<T>(probe: () => Promise<T>, accept: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  let value = await probe();
  while (!accept(value) && Date.now() - started < timeoutMs) {
    await sleep(50);
    value = await probe();
  }
  return value;
}

/**
 * The availability service's reservation subjects, called over NATS as the orders service will
 * (Nest's wire format: `{ pattern, data: { ctx, data }, id }` → `{ response | err }`), plus the
 * tools the race tests need: the invariant checker over the log and the events on the stream.
 */
export class ReservationsDriver {
  private nc?: NatsConnection;
  private db?: Connection;

  constructor(
    readonly stack: TestStack,
    readonly tenantId = 'acme',
  ) {}

  async conn(): Promise<NatsConnection> {
    process.env['CIRCULATE_NS'] = this.stack.namespace;
    this.nc ??= await connect({ servers: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' });
    return this.nc;
  }

  async call<T = OrderReservationView | null>(name: string, data: unknown, timeoutMs = 5000): Promise<Answer<T>> {
    const nc = await this.conn();
    const subject = rpcSubject(name);
    const packet = {
      pattern: subject,
      data: { ctx: { tenantId: this.tenantId, role: 'admin', requestId: `rq-${++sequence}` }, data },
      id: `e2e-${++sequence}`,
    };
    const msg = await nc.request(subject, codec.encode(packet), { timeout: timeoutMs });
    const reply = codec.decode(msg.data);
    if (reply.err !== undefined && reply.err !== null) return { ok: false, error: reply.err };
    return { ok: true, value: reply.response as T };
  }

  command(command: ReservationCommand | Record<string, unknown>, timeoutMs?: number): Promise<Answer> {
    return this.call(AvailabilityRpc.reservationCommand, { command }, timeoutMs);
  }

  /**
   * A client that retries the same command (same order id) until it gets a contract answer
   * other than "try again" (DEPENDENCY_UNAVAILABLE, a timeout, no responders).
   */
  async commandRetrying(command: ReservationCommand, deadlineMs = 30_000): Promise<Answer & { tries: number }> {
    const until = Date.now() + deadlineMs;
    for (let tries = 1; ; tries++) {
      try {
        const a = await this.command(command, 3000);
        if (a.ok || a.error.code !== 'DEPENDENCY_UNAVAILABLE' || Date.now() > until) return { ...a, tries };
      } catch (err) {
        if (Date.now() > until) throw err;
      }
      await sleep(100);
    }
  }

  of(orderId: string): Promise<Answer> {
    return this.call(AvailabilityRpc.reservationOf, { orderId });
  }

  private async connection(): Promise<Connection> {
    const url = process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017';
    this.db ??= await mongoose
      .createConnection(`${url}/${this.stack.namespace}_availability`, { serverSelectionTimeoutMS: 5000 })
      .asPromise();
    return this.db;
  }

  /**
   * The invariant checker, independent of the service's code: reads every entry of the tenant's
   * reservation log back from the database (`_id = <tenant>:<12-digit seq>`, seq 1, 2, … until
   * a miss), folds the record changes, and checks at every start instant that no unit is held
   * twice and no pool over its quantity.
   */
  async checkInvariants(
    items: readonly FleetItem[],
  ): Promise<{ problems: string[]; held: HeldRecord[]; entries: number }> {
    const col = (await this.connection()).collection<{ _id: string; body: string }>('reservation_log');
    const records = new Map<string, any>();
    let seq = 1;
    for (;;) {
      const ids = Array.from({ length: 32 }, (_, i) => `${this.tenantId}:${String(seq + i).padStart(12, '0')}`);
      const docs = await Promise.all(ids.map((_id) => col.findOne({ _id })));
      let done = false;
      for (const doc of docs) {
        if (!doc) {
          done = true;
          break;
        }
        for (const d of JSON.parse(doc.body)) {
          // Stored form: `c` = rows, ['r', id, orderId, lineIndex, ruleId, unit, quantity, start, end, status]
          // for a reservation, ['o', id, …] / ['s', id, …] for orders and shortages, ['d', key] a removal.
          for (const row of d.c) {
            if (row[0] === 'd') records.delete(row[1]);
            else if (row[0] === 'r') {
              const [, id, orderId, lineIndex, ruleId, stockItemId, quantity, start, end, status] = row;
              records.set(`rsv:${id}`, {
                kind: 'rsv',
                id,
                orderId,
                lineIndex,
                ruleId,
                stockItemId,
                quantity,
                start,
                end,
                status,
              });
            } else records.set(`${row[0] === 'o' ? 'order' : 'short'}:${row[1]}`, { kind: row[0] });
          }
        }
        seq++;
      }
      if (done) break;
    }
    const held: HeldRecord[] = [...records.values()].filter((r) => r.kind === 'rsv' && r.status !== 'conflict');
    const quantity = new Map(items.map((i) => [i.id, i.quantity]));
    const problems: string[] = [];
    const byUnit = new Map<string, HeldRecord[]>();
    for (const h of held) byUnit.set(h.stockItemId, [...(byUnit.get(h.stockItemId) ?? []), h]);
    for (const [unit, list] of byUnit) {
      const q = quantity.get(unit);
      if (q === undefined) {
        problems.push(`${unit}: reserved but not a stock item of the fleet`);
        continue;
      }
      for (const t of new Set(list.map((h) => h.start))) {
        const sum = list.filter((h) => h.start <= t && h.end > t).reduce((n, h) => n + h.quantity, 0);
        if (sum > q) problems.push(`${unit}: ${sum} held at ${new Date(t).toISOString()}, quantity ${q}`);
      }
    }
    return { problems, held, entries: seq - 1 };
  }

  /** Every reservation event on availability's stream (read with an ordered consumer from the start). */
  async events(): Promise<any[]> {
    const nc = await this.conn();
    const js = nc.jetstream();
    const jsm = await nc.jetstreamManager();
    const stream = eventStream('availability').name;
    const info = await jsm.streams.info(stream);
    const total = info.state.messages;
    const out: any[] = [];
    if (total === 0) return out;
    const consumer = await js.consumers.get(stream); // ordered, from the first message
    const batch = await consumer.fetch({ max_messages: total, expires: 2000 });
    for await (const m of batch) {
      out.push({ subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id'), ...codec.decode(m.data) });
      if (m.info.pending === 0) break;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.nc?.drain().catch(() => undefined);
    await this.db?.close().catch(() => undefined);
  }
}

export interface FleetItem {
  readonly id: string;
  readonly quantity: number;
}

export interface HeldRecord {
  readonly id: string;
  readonly orderId: string;
  readonly ruleId: string;
  readonly stockItemId: string;
  readonly quantity: number;
  readonly start: number;
  readonly end: number;
}

export interface Fleet {
  bikes: string;
  chairs: string;
  partySet: string;
  bikeIds: string[];
  poolId: string;
  items: FleetItem[];
}

const engineItem = (id: string, quantity: number): FleetItem => ({ id, quantity });

/**
 * Through the gateway: 20 serialized bikes (listing `bikes`), a pool of 50 chairs (listing
 * `chairs`), 5 tables and a pool of 13 chairs for a party set of 1 table + 4 chairs.
 */
export async function setUpFleet(stack: TestStack, tag: string): Promise<Fleet> {
  const post = async (path: string, body: unknown) => {
    // A 503 on a loaded, shared machine (a write that timed out) is retried; nothing else is.
    for (let attempt = 0; ; attempt++) {
      const res = await stack.http('POST', path, { body });
      if (res.status === 201) return res.body;
      if (res.status !== 503 || attempt >= 5) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
      await sleep(500);
    }
  };
  const location = (await post('/locations', { name: `Shop ${tag}` })).id;
  const bike = await post('/skus', { code: `BIK-${tag}`, name: 'Bike' });
  const chair = await post('/skus', { code: `CHR-${tag}`, name: 'Chair' });
  const table = await post('/skus', { code: `TAB-${tag}`, name: 'Table' });
  const partyChair = await post('/skus', { code: `PCH-${tag}`, name: 'Party chair' });
  const items: FleetItem[] = [];
  const bikeIds: string[] = [];
  for (let i = 0; i < 20; i++) {
    const it = await post('/stock-items', { tracking: 'serialized', skuId: bike.id, locationId: location });
    bikeIds.push(it.id);
    items.push(engineItem(it.id, 1));
  }
  const pool = await post('/stock-items', { tracking: 'pooled', quantity: 50, skuId: chair.id, locationId: location });
  items.push(engineItem(pool.id, 50));
  for (let i = 0; i < 5; i++) {
    const it = await post('/stock-items', { tracking: 'serialized', skuId: table.id, locationId: location });
    items.push(engineItem(it.id, 1));
  }
  const pc = await post('/stock-items', {
    tracking: 'pooled',
    quantity: 13,
    skuId: partyChair.id,
    locationId: location,
  });
  items.push(engineItem(pc.id, 13));
  const base = { status: 'published', channels: { onlineStore: true, admin: true, checkIn: true }, priceTables: [] };
  const listing = async (name: string, rules: [number, string][]) =>
    (
      await post('/listings', {
        ...base,
        name: `${name} ${tag}`,
        fulfillmentRules: rules.map(([quantity, code]) => ({ quantity, match: { skuCodes: [code] } })),
      })
    ).id as string;
  const bikes = await listing('Bike', [[1, bike.code]]);
  const chairs = await listing('Chair', [[1, chair.code]]);
  const partySet = await listing('Party set', [
    [1, table.code],
    [4, partyChair.code],
  ]);
  return { bikes, chairs, partySet, bikeIds, poolId: pool.id, items };
}

export const START = Date.parse('2027-09-01T10:00:00Z');
export const END = Date.parse('2027-09-03T10:00:00Z');
export const iso = (ms: number) => new Date(ms).toISOString();

export const reserve = (orderId: string, listingId: string, quantity = 1, extra: Record<string, unknown> = {}) =>
  ({
    type: 'reserve',
    orderId,
    lines: [{ listingId, start: START, end: END, quantity }],
    ...extra,
  }) as ReservationCommand;

/** Waits until `listingId` shows `quantity` through the gateway (the read model has the fleet). */
export async function untilQuantity(stack: TestStack, listingId: string, quantity: number): Promise<number> {
  const got = await until(
    () => stack.http('GET', `/listings/${listingId}/availability?start=${iso(START)}&end=${iso(END)}`),
    (r) => r.status === 200 && r.body.quantity === quantity,
    15_000,
  );
  return got.body?.quantity;
}
