import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import {
  EventEnvelope,
  eventStream,
  eventSubject,
  InventoryEvents,
  OrderRefusedEvent,
  ReportingInputEvents,
  ReservationFact,
  SkuEvent,
  StockItemEvent,
} from '@circulate/contracts';
import { ensureStream, NatsConnectionService, recordRedelivery, watchConsumer } from '@circulate/platform/messaging';
import { applySnapshot, ItemProjection } from '@circulate/reporting/domain';
import type { AnyBulkWriteOperation } from 'mongodb';
import type { Connection } from 'mongoose';

/** A row of the projections collection: an item's projection (as JSON) or a tenant document. */
type StoredRow = { _id: string; [field: string]: unknown };
import { AckPolicy, Consumer, DeliverPolicy, JSONCodec, JsMsg, nanos } from 'nats';
import { ServiceEnv } from '@circulate/platform/nest';

const codec = JSONCodec<EventEnvelope>();
const COLLECTION = 'report_projections';
const BATCH = 1000;

interface Source {
  durable: string;
  stream: { name: string; subjects: string[] };
  filter: string;
}

export interface TenantState {
  items: Map<string, ItemProjection>;
  skuCodes: Map<string, string>;
  skuVersions: Map<string, number>;
  /**
   * Reservations and refused-order shortfalls per stock item, kept apart from the item so that
   * their order relative to inventory's facts does not matter (the streams replay independently).
   */
  demand: Map<string, Demand>;
  /** Bumped on every applied fact: report caches are keyed by it. */
  revision: number;
  /** The revision at which each item last changed (absent: unchanged since loading). */
  itemRevs: Map<string, number>;
}

interface Demand {
  reservations: ItemProjection['reservations'];
  shortfalls: ItemProjection['shortfalls'];
}

/** Stored as JSON text: FerretDB v1 rejects nested arrays (the step functions are arrays of pairs). */
type StoredDoc =
  | { _id: string; kind: 'demand'; tenantId: string; itemId: string; json: string }
  | { _id: string; kind: 'item'; json: string }
  | { _id: string; kind: 'sku'; tenantId: string; skuId: string; code: string | null; version: number };

/**
 * Reporting's projections, built from events only. Three durable JetStream consumers (explicit
 * ack) feed one in-memory model per tenant, persisted to reporting's own database as one document
 * per item (`_id = <tenant>:<item>`) and per SKU (`sku:<tenant>:<sku>`), written in batches
 * (one bulk write per fetched batch, then the acks). Idempotent under redelivery: a snapshot at or
 * below an item's applied version, a SKU event at or below the SKU's version, a reservation id or a
 * refused-order line already recorded changes nothing. Loaded once at boot (one read of the whole
 * collection); queries are answered from memory.
 */
@Injectable()
export class ReportingProjections implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReportingProjections.name);
  private readonly tenants = new Map<string, TenantState>();
  private readonly dirtyItems = new Set<ItemProjection>();
  private readonly dirtyDocs = new Map<string, StoredDoc>();
  private running = false;
  private loops: Promise<void>[] = [];
  private applied = 0;
  /** `REPORTING_IDEMPOTENCY=off` only to show the tests catch double counting. */
  private readonly idempotent: boolean;

  private readonly sources: Source[] = [
    { durable: 'reporting-inventory', stream: eventStream('inventory'), filter: eventSubject('inventory.>') },
    {
      durable: 'reporting-orders',
      stream: eventStream('orders'),
      filter: eventSubject(ReportingInputEvents.orderRefused),
    },
    {
      durable: 'reporting-availability',
      stream: eventStream('availability'),
      filter: eventSubject(`${ReportingInputEvents.reservationPrefix}.>`),
    },
  ];

  constructor(
    private readonly nats: NatsConnectionService,
    @InjectConnection() private readonly db: Connection,
    env: ServiceEnv,
  ) {
    this.idempotent = env.REPORTING_IDEMPOTENCY !== 'off';
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.load();
    await this.startConsumers();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    await Promise.allSettled(this.loops);
  }

  tenant(tenantId: string): TenantState {
    let t = this.tenants.get(tenantId);
    if (!t) {
      t = {
        items: new Map(),
        skuCodes: new Map(),
        skuVersions: new Map(),
        demand: new Map(),
        revision: 0,
        itemRevs: new Map(),
      };
      this.tenants.set(tenantId, t);
    }
    return t;
  }

  /** Events not yet applied, per consumer (0 everywhere = the projections are up to date). */
  async status(): Promise<{ applied: number; pending: Record<string, number> }> {
    const pending: Record<string, number> = {};
    for (const s of this.sources) {
      const info = await this.nats.jsm.consumers.info(s.stream.name, s.durable).catch(() => null);
      pending[s.durable] = info ? info.num_pending + info.num_ack_pending : -1;
    }
    return { applied: this.applied, pending };
  }

  /** Drops the projections and their consumers, then replays every stream from its start. */
  async rebuild(): Promise<{ applied: number }> {
    this.running = false;
    await Promise.allSettled(this.loops);
    this.loops = [];
    for (const s of this.sources) await this.nats.jsm.consumers.delete(s.stream.name, s.durable).catch(() => undefined);
    await this.db.collection(COLLECTION).deleteMany({});
    this.tenants.clear();
    this.dirtyItems.clear();
    this.dirtyDocs.clear();
    this.applied = 0;
    await this.startConsumers();
    await this.caughtUp(120_000);
    return { applied: this.applied };
  }

  async caughtUp(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const { pending } = await this.status();
      if (Object.values(pending).every((n) => n <= 0)) return;
      if (Date.now() > until) throw new Error('projections did not catch up in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async load(): Promise<void> {
    const docs = (await this.db.collection(COLLECTION).find({}).toArray()) as unknown as StoredDoc[];
    for (const d of docs) {
      if (d.kind === 'item') {
        const p = JSON.parse(d.json) as ItemProjection;
        this.tenant(p.tenantId).items.set(p.id, p);
      } else if (d.kind === 'demand') this.tenant(d.tenantId).demand.set(d.itemId, JSON.parse(d.json) as Demand);
      else if (d.kind === 'sku') {
        const t = this.tenant(d.tenantId);
        if (d.code) t.skuCodes.set(d.skuId, d.code);
        t.skuVersions.set(d.skuId, d.version);
      }
    }
    for (const t of this.tenants.values()) {
      for (const [itemId, d] of t.demand) {
        const p = t.items.get(itemId);
        if (p) Object.assign(p, d);
      }
    }
    this.logger.log(`projections loaded: ${docs.length} documents, ${this.tenants.size} tenants`);
  }

  private async startConsumers(): Promise<void> {
    this.running = true;
    for (const s of this.sources) {
      await ensureStream(this.nats.jsm, s.stream);
      await this.nats.jsm.consumers
        .add(s.stream.name, {
          durable_name: s.durable,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          filter_subject: s.filter,
          ack_wait: nanos(60_000),
          max_ack_pending: 10_000,
        })
        .catch(async (err: unknown) => {
          if (!/exists|already in use/i.test(String(err))) throw err;
        });
      const consumer = await this.nats.js.consumers.get(s.stream.name, s.durable);
      this.loops.push(this.loop(s, consumer));
      watchConsumer(this.nats.jsm, s.stream.name, s.durable); // lag on /metrics
    }
  }

  /**
   * Messages flow in continuously (`consume`); every ~20 ms whatever has arrived (up to BATCH) is
   * applied, written in one bulk write and acked, so a fact is visible within tens of milliseconds.
   */
  private async loop(source: Source, consumer: Consumer): Promise<void> {
    const messages = await consumer.consume({ max_messages: 2 * BATCH });
    const buffer: JsMsg[] = [];
    const reading = (async () => {
      for await (const m of messages) buffer.push(m);
    })().catch((err: unknown) => this.logger.error(`consumer ${source.durable} stopped: ${String(err)}`));
    while (this.running) {
      if (!buffer.length) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const batch = buffer.splice(0, BATCH);
      try {
        for (const m of batch) this.applyMessage(m);
        await this.flush();
        for (const m of batch) m.ack();
      } catch (err) {
        this.logger.error(`consumer ${source.durable}: ${String(err)}; reloading from storage`);
        // Memory may be ahead of storage: reload it, the unacked events come again.
        for (const m of [...batch, ...buffer.splice(0)]) m.nak(1000);
        this.tenants.clear();
        this.dirtyItems.clear();
        this.dirtyDocs.clear();
        await this.load().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    await Promise.resolve(messages.close()).catch(() => undefined);
    for (const m of buffer.splice(0)) m.nak();
    await reading;
  }

  private applyMessage(m: JsMsg): void {
    recordRedelivery(m.info.consumer, m.info.redeliveryCount);
    let event: EventEnvelope;
    try {
      event = codec.decode(m.data);
    } catch {
      this.logger.warn(`undecodable event ${m.subject} #${m.seq} skipped`);
      return;
    }
    try {
      if (this.apply(event)) this.applied++;
    } catch (err) {
      this.logger.warn(`event ${event.id} (${event.type}) skipped: ${String(err)}`);
    }
  }

  /** Applies one fact; false when it changed nothing (already applied, or not ours). */
  apply(event: EventEnvelope): boolean {
    const t = this.tenant(event.tenantId);
    const at = Date.parse(event.occurredAt);
    switch (event.type) {
      case InventoryEvents.stockItemRegistered:
      case InventoryEvents.stockItemChanged: {
        const data = event.data as StockItemEvent;
        const next = applySnapshot(
          t.items.get(data.item.id),
          { tenantId: event.tenantId, at, item: data.item, changes: data.changes ?? [], ledgerEntry: data.ledgerEntry },
          { idempotent: this.idempotent },
        );
        if (!next) return false;
        if (!t.items.has(next.id)) {
          const d = t.demand.get(next.id);
          if (d) Object.assign(next, d);
        }
        t.items.set(next.id, next);
        if (next.skuId && next.skuCode && !t.skuCodes.has(next.skuId)) t.skuCodes.set(next.skuId, next.skuCode);
        this.touch(t, next);
        return true;
      }
      case InventoryEvents.skuCreated:
      case InventoryEvents.skuUpdated:
      case InventoryEvents.skuDeleted: {
        const { sku } = event.data as SkuEvent;
        if ((t.skuVersions.get(sku.id) ?? 0) >= event.aggregateVersion && this.idempotent) return false;
        t.skuVersions.set(sku.id, event.aggregateVersion);
        t.skuCodes.set(sku.id, sku.code); // a deleted SKU keeps its code for its history
        this.dirtyDocs.set(`sku:${event.tenantId}:${sku.id}`, {
          _id: `sku:${event.tenantId}:${sku.id}`,
          kind: 'sku',
          tenantId: event.tenantId,
          skuId: sku.id,
          code: sku.code,
          version: event.aggregateVersion,
        });
        t.revision++;
        return true;
      }
      case ReportingInputEvents.orderRefused: {
        const data = event.data as OrderRefusedEvent;
        let changed = false;
        for (const line of data.lines ?? []) {
          const start = line.start ? Date.parse(line.start) : Date.parse(data.at);
          const end = line.end ? Date.parse(line.end) : start + 86_400_000;
          for (const s of line.shortfalls ?? []) {
            const d = this.demandOf(t, s.stockItemId);
            const missing = Math.max(0, s.requested - s.free);
            const key = `${data.orderId}:${line.index}`;
            if (!missing || (this.idempotent && key in d.shortfalls)) continue;
            d.shortfalls[this.idempotent ? key : `${key}:${Object.keys(d.shortfalls).length}`] = [start, end, missing];
            this.touchDemand(t, event.tenantId, s.stockItemId);
            changed = true;
          }
        }
        return changed;
      }
      default: {
        if (!event.type.startsWith(`${ReportingInputEvents.reservationPrefix}.`)) return false;
        const data = event.data as ReservationFact;
        let changed = false;
        const gone = /released|expired/.test(data.type ?? event.type);
        if (gone) {
          for (const id of data.removed ?? []) {
            for (const [itemId, d] of t.demand) {
              if (id in d.reservations) {
                delete d.reservations[id];
                this.touchDemand(t, event.tenantId, itemId);
                changed = true;
              }
            }
          }
        }
        for (const a of data.allocations ?? []) {
          if (gone) continue;
          const d = this.demandOf(t, a.stockItemId);
          const prev = d.reservations[a.reservationId];
          if (prev && prev[0] === a.start && prev[1] === a.end && prev[2] === a.quantity) continue;
          d.reservations[a.reservationId] = [a.start, a.end, a.quantity];
          this.touchDemand(t, event.tenantId, a.stockItemId);
          changed = true;
        }
        return changed;
      }
    }
  }

  /** The item's demand record, shared by reference with its projection once both exist. */
  private demandOf(t: TenantState, itemId: string): Demand {
    let d = t.demand.get(itemId);
    if (!d) {
      const p = t.items.get(itemId);
      d = p ? { reservations: p.reservations, shortfalls: p.shortfalls } : { reservations: {}, shortfalls: {} };
      t.demand.set(itemId, d);
    }
    return d;
  }

  private touchDemand(t: TenantState, tenantId: string, itemId: string): void {
    t.revision++;
    t.itemRevs.set(itemId, t.revision);
    const d = t.demand.get(itemId) as Demand;
    this.dirtyDocs.set(`demand:${tenantId}:${itemId}`, {
      _id: `demand:${tenantId}:${itemId}`,
      kind: 'demand',
      tenantId,
      itemId,
      json: JSON.stringify(d),
    });
    const p = t.items.get(itemId);
    if (p) this.dirtyItems.add(p);
  }

  private touch(t: TenantState, p: ItemProjection): void {
    t.revision++;
    t.itemRevs.set(p.id, t.revision);
    this.dirtyItems.add(p);
  }

  private async flush(): Promise<void> {
    const ops: AnyBulkWriteOperation<StoredRow>[] = [];
    for (const p of this.dirtyItems) {
      const _id = `${p.tenantId}:${p.id}`;
      ops.push({
        replaceOne: { filter: { _id }, replacement: { kind: 'item', json: JSON.stringify(p) }, upsert: true },
      });
    }
    for (const [_id, doc] of this.dirtyDocs) {
      const { _id: _, ...rest } = doc;
      void _;
      ops.push({ replaceOne: { filter: { _id }, replacement: rest, upsert: true } });
    }
    this.dirtyItems.clear();
    this.dirtyDocs.clear();
    for (let i = 0; i < ops.length; i += 500) {
      await this.db.collection<StoredRow>(COLLECTION).bulkWrite(ops.slice(i, i + 500), { ordered: false });
    }
  }
}
