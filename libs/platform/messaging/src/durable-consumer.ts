import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { deadLetterStream, deadLetterSubject, EventEnvelope } from '@circulate/contracts';
import { InjectConnection } from '@nestjs/mongoose';
import { AckPolicy, ConsumerMessages, DeliverPolicy, JSONCodec, JsMsg, nanos } from 'nats';
import type { Connection } from 'mongoose';
import { ensureStream } from './jetstream-setup';
import { watchConsumer } from './messaging-metrics';
import { recordDelivery } from './metrics';
import { NatsConnectionService } from './nats-connection';

/** One handled event of one durable consumer (`<durable>:<event id>`). */
interface Processed {
  _id: string;
  at: Date;
}

export interface ConsumerSpec {
  /** Durable name, unique per service and purpose, e.g. `availability-inventory-projection`. */
  durable: string;
  stream: string;
  filterSubject: string;
  handle: (event: EventEnvelope) => Promise<void>;
  /** Deliveries before the event goes to the dead-letter subject (default 5). */
  maxDeliver?: number;
  /** Delay before each redelivery, by attempt (default 200 ms, 1 s, 5 s, 15 s). */
  backoffMs?: number[];
}

const codec = JSONCodec<EventEnvelope>();
const PROCESSED = 'processed_events';

/**
 * Durable JetStream consumers with explicit ack, retry with back-off, a maximum delivery count
 * and a dead-letter subject. Handling is idempotent: a processed-event record (unique `_id` =
 * consumer + event id) makes a redelivered event a no-op.
 */
@Injectable()
export class DurableConsumers implements OnApplicationShutdown {
  private readonly logger = new Logger(DurableConsumers.name);
  private readonly running: ConsumerMessages[] = [];
  private readonly unwatch: (() => void)[] = [];

  constructor(
    private readonly nats: NatsConnectionService,
    @InjectConnection() private readonly db: Connection,
  ) {}

  async start(spec: ConsumerSpec): Promise<void> {
    await ensureStream(this.nats.jsm, deadLetterStream());
    await this.nats.jsm.consumers
      .add(spec.stream, {
        durable_name: spec.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: spec.filterSubject,
        ack_wait: nanos(30_000),
      })
      .catch(async (err: unknown) => {
        // Exists with another config (e.g. a new filter): update it in place.
        if (!/exists|already in use/i.test(String(err))) throw err;
        await this.nats.jsm.consumers.update(spec.stream, spec.durable, { filter_subject: spec.filterSubject });
      });
    const consumer = await this.nats.js.consumers.get(spec.stream, spec.durable);
    const messages = await consumer.consume({ max_messages: 256 });
    this.running.push(messages);
    this.unwatch.push(watchConsumer(this.nats.jsm, spec.stream, spec.durable));
    void (async () => {
      for await (const msg of messages) await this.deliver(spec, msg);
    })().catch((err: unknown) => this.logger.error(`consumer ${spec.durable} stopped: ${String(err)}`));
    this.logger.log(`consumer ${spec.durable} on ${spec.filterSubject} started`);
  }

  private async deliver(spec: ConsumerSpec, msg: JsMsg): Promise<void> {
    let event: EventEnvelope;
    try {
      event = codec.decode(msg.data);
    } catch {
      await this.deadLetter(spec, msg, 'undecodable payload');
      return;
    }
    const key = `${spec.durable}:${event.id}`;
    try {
      const seen = await this.db.collection<Processed>(PROCESSED).findOne({ _id: key });
      if (!seen) {
        await spec.handle(event);
        await this.db
          .collection<Processed>(PROCESSED)
          .insertOne({ _id: key, at: new Date() })
          .catch((err: { code?: number }) => {
            if (err?.code !== 11000) throw err;
          });
      }
      msg.ack();
      recordDelivery(spec.durable, 'acked', msg.info.redeliveryCount);
    } catch (err) {
      const attempt = msg.info.redeliveryCount; // 1 on the first delivery
      const max = spec.maxDeliver ?? 5;
      if (attempt >= max) {
        await this.deadLetter(spec, msg, String(err));
        return;
      }
      const backoff = spec.backoffMs ?? [200, 1000, 5000, 15000];
      const delay = backoff[Math.min(attempt - 1, backoff.length - 1)];
      this.logger.warn(
        `consumer ${spec.durable}: event ${event.id} failed (attempt ${attempt}/${max}), retry in ${delay} ms: ${String(err)}`,
      );
      msg.nak(delay);
      recordDelivery(spec.durable, 'retried', attempt);
    }
  }

  private async deadLetter(spec: ConsumerSpec, msg: JsMsg, reason: string): Promise<void> {
    try {
      const h = (await import('nats')).headers();
      h.set('x-dead-letter-reason', reason.slice(0, 500));
      h.set('x-original-subject', msg.subject);
      await this.nats.js.publish(deadLetterSubject(spec.durable), msg.data, { headers: h });
      this.logger.error(`consumer ${spec.durable}: ${msg.subject} #${msg.seq} dead-lettered: ${reason}`);
      msg.term();
      recordDelivery(spec.durable, 'dead_lettered', msg.info.redeliveryCount);
    } catch (err) {
      this.logger.error(`dead-lettering failed, will redeliver: ${String(err)}`);
      msg.nak(5000);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    for (const stop of this.unwatch.splice(0)) stop();
    for (const m of this.running) await Promise.resolve(m.close()).catch(() => undefined);
  }
}
