/**
 * Integration tests of the messaging platform against a real NATS (JetStream) and a real
 * MongoDB-compatible server: outbox recovery, de-duplication, idempotent durable consumers and
 * dead-lettering.
 */
import { randomBytes } from 'node:crypto';
import { EventEnvelope, deadLetterStream, eventStream, eventSubject, tenantId } from '@circulate/contracts';
import {
  DurableConsumers,
  EventPublisher,
  KeyedMutex,
  NatsConnectionService,
  OutboxRelay,
  ensureStream,
  outboxEvent,
} from './index';
import mongoose, { Connection, Schema } from 'mongoose';
import { waitUntil } from './testing/wait-until';

const ACME = tenantId('acme');
const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const mongoUrl = process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017';

describe('messaging platform (real NATS + MongoDB-compatible server)', () => {
  const ns = `m${randomBytes(4).toString('hex')}`;
  let previousNs: string | undefined;
  let nats: NatsConnectionService;
  let db: Connection;
  let publisher: EventPublisher;
  let consumers: DurableConsumers;

  const Thing = () =>
    db.models['Thing'] ??
    db.model(
      'Thing',
      new Schema(
        { _id: String, tenantId: String, name: String, _outbox: { type: [Object], default: [] } },
        { versionKey: false },
      ),
    );

  const streamMessages = async (stream: string) => (await nats.jsm.streams.info(stream)).state.messages;

  beforeAll(async () => {
    previousNs = process.env['CIRCULATE_NS'];
    process.env['CIRCULATE_NS'] = ns;
    nats = new NatsConnectionService(natsUrl, 'messaging-test');
    await nats.connect();
    db = await mongoose.createConnection(mongoUrl, { dbName: `${ns}_test` }).asPromise();
    publisher = new EventPublisher(nats);
    consumers = new DurableConsumers(nats, db);
    await ensureStream(nats.jsm, eventStream('inventory'));
  });

  afterAll(async () => {
    await consumers.onApplicationShutdown();
    for (const s of [eventStream('inventory').name, deadLetterStream().name])
      await nats.jsm.streams.delete(s).catch(() => undefined);
    await db.dropDatabase().catch(() => undefined);
    await db.close();
    await nats.onApplicationShutdown();
    process.env['CIRCULATE_NS'] = previousNs;
  });

  it('an event left in the outbox by a crash between write and publish is published by the sweeper', async () => {
    const before = await streamMessages(eventStream('inventory').name);
    const event = outboxEvent('inventory.thing.created.v1', ACME, 'thing_1', 1, { name: 'left behind' });
    // The write happened (state + event in one document), then the process "died" before flushing.
    await Thing().create({ _id: 'thing_1', tenantId: 'acme', name: 'left behind', _outbox: [event] });
    const relay = new OutboxRelay(publisher, new KeyedMutex());
    relay.register(Thing() as never);
    expect(await relay.sweep()).toBe(1);
    expect(await streamMessages(eventStream('inventory').name)).toBe(before + 1);
    const stored = await Thing().findById('thing_1').lean<{ _outbox: unknown[] }>();
    expect(stored?._outbox).toEqual([]);
    expect(await relay.sweep()).toBe(0);
  });

  it('publishing the same event twice stores it once (Nats-Msg-Id de-duplication)', async () => {
    const before = await streamMessages(eventStream('inventory').name);
    const event = outboxEvent('inventory.thing.updated.v1', ACME, 'thing_2', 2, {});
    await publisher.publish(event);
    await publisher.publish(event);
    expect(await streamMessages(eventStream('inventory').name)).toBe(before + 1);
  });

  it('a durable consumer handles a redelivered event once', async () => {
    const seen: string[] = [];
    await consumers.start({
      durable: `${ns}-once`,
      stream: eventStream('inventory').name,
      filterSubject: eventSubject('inventory.once.>'),
      handle: async (e: EventEnvelope) => {
        seen.push(e.id);
      },
    });
    const event = outboxEvent('inventory.once.happened.v1', ACME, 'x', 1, {});
    await publisher.publish(event);
    // The same fact arriving again under another message id (e.g. re-sent after the window).
    await nats.js.publish(eventSubject(event.type), new TextEncoder().encode(JSON.stringify(event)), {
      msgID: `${event.id}-again`,
    });
    await waitUntil(async () => (await processed(db, `${ns}-once`)) >= 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(seen).toEqual([event.id]);
  });

  it('an event that keeps failing is retried with back-off, then dead-lettered', async () => {
    let attempts = 0;
    await consumers.start({
      durable: `${ns}-poison`,
      stream: eventStream('inventory').name,
      filterSubject: eventSubject('inventory.poison.>'),
      maxDeliver: 3,
      backoffMs: [20, 40],
      handle: async () => {
        attempts++;
        throw new Error('cannot handle this');
      },
    });
    await publisher.publish(outboxEvent('inventory.poison.pill.v1', ACME, 'p', 1, {}));
    await waitUntil(async () => {
      try {
        return (await streamMessages(deadLetterStream().name)) >= 1;
      } catch {
        return false;
      }
    });
    expect(attempts).toBe(3);
  });
});

async function processed(db: Connection, durable: string): Promise<number> {
  return db.collection('processed_events').countDocuments({ _id: { $regex: `^${durable}:` } } as never);
}
