import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { EventEnvelope, eventStream, eventSubject, ReportingInputEvents } from '@circulate/contracts';
import { ensureStream, NatsConnectionService, recordRedelivery, watchConsumer } from '@circulate/platform/messaging';
import { ServiceEnv } from '@circulate/platform/nest';
import type { Connection } from 'mongoose';
import { AckPolicy, Consumer, DeliverPolicy, JSONCodec, JsMsg, nanos } from 'nats';
import { applyFact } from './apply-fact';
import { ProjectionStore, TenantState } from './projection-store';

export type { TenantState } from './projection-store';

const codec = JSONCodec<EventEnvelope>();
const BATCH = 1000;

interface Source {
  durable: string;
  stream: { name: string; subjects: string[] };
  filter: string;
}

/**
 * Reporting's projections, built from events only. Three durable JetStream consumers (explicit
 * ack) feed one in-memory model per tenant (`ProjectionStore`), each fact applied by `applyFact`
 * and written in batches (one bulk write per fetched batch, then the acks). Queries are answered
 * from memory.
 */
@Injectable()
export class ReportingProjections implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReportingProjections.name);
  private readonly store: ProjectionStore;
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
    @InjectConnection() db: Connection,
    env: ServiceEnv,
  ) {
    this.store = new ProjectionStore(db, { minIntervalMs: env.REPORTING_FLUSH_MS });
    this.idempotent = env.REPORTING_IDEMPOTENCY !== 'off';
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.store.load();
    await this.startConsumers();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    await Promise.allSettled(this.loops);
  }

  tenant(tenantId: string): TenantState {
    return this.store.tenant(tenantId);
  }

  /** Applies one fact; false when it changed nothing (already applied, or not ours). */
  apply(event: EventEnvelope): boolean {
    return applyFact(this.store, event, this.idempotent);
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
    await this.store.drop();
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
   * applied, written as one journal entry and acked. Writes start at least REPORTING_FLUSH_MS
   * apart (the store's `minIntervalMs`), so a fact is visible within about that much plus ~20 ms.
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
      for (const m of batch) this.applyMessage(m);
      if (await this.stored(source, batch)) for (const m of batch) m.ack();
    }
    await Promise.resolve(messages.close()).catch(() => undefined);
    for (const m of buffer.splice(0)) m.nak();
    await reading;
  }

  /**
   * Flushes until the store takes the batch's changes (memory stays ahead of storage meanwhile,
   * and the batch unacked). Retrying rather than reloading and redelivering keeps the events in
   * their order: a redelivered `reserved` after its `released` would count a released booking.
   * False when the service stops first (then the batch comes again after a restart, in order).
   */
  private async stored(source: Source, batch: JsMsg[]): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.store.flush();
        return true;
      } catch (err) {
        if (attempt % 10 === 0) this.logger.warn(`consumer ${source.durable}: ${String(err)}; writing again`);
        if (!this.running) {
          for (const m of batch) m.nak();
          return false;
        }
        for (const m of batch) m.working(); // not redelivered while the write is retried
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * (attempt + 1))));
      }
    }
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
}
