/**
 * The scrape-time and hot-path metrics of the messaging platform against a real NATS (JetStream,
 * key-value) and a real MongoDB-compatible server: outbox backlog, consumer lag and redeliveries,
 * lease waits. Values are read from the registry as Prometheus would scrape them.
 */
import { randomBytes } from 'node:crypto';
import { deadLetterStream, eventStream, eventSubject, lockBucket, tenantId } from '@circulate/contracts';
import mongoose, { Connection, Schema } from 'mongoose';
import {
  ClusterLeases,
  DurableConsumers,
  ensureStream,
  EventPublisher,
  KeyedMutex,
  metricsRegistry,
  NatsConnectionService,
  OutboxRelay,
  outboxEvent,
} from './index';
import { waitUntil } from './testing/wait-until';

const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const mongoUrl = process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017';

/** The value of one series, as scraped (undefined when the series is absent). */
async function value(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = metricsRegistry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const hit = values.find(
    (v) =>
      (v as { metricName?: string }).metricName === undefined &&
      Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
  );
  return hit?.value;
}

async function histogramCount(name: string, labels: Record<string, string>): Promise<number> {
  const { values } = await metricsRegistry.getSingleMetric(name)!.get();
  const count = values.find(
    (v) =>
      (v as { metricName?: string }).metricName === `${name}_count` &&
      Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
  );
  return count?.value ?? 0;
}

describe('messaging metrics (real NATS + MongoDB-compatible server)', () => {
  const ns = `x${randomBytes(4).toString('hex')}`;
  let previousNs: string | undefined;
  let previousSweep: string | undefined;
  let nats: NatsConnectionService;
  let db: Connection;
  let consumers: DurableConsumers;

  beforeAll(async () => {
    previousNs = process.env['CIRCULATE_NS'];
    previousSweep = process.env['OUTBOX_SWEEP_MS'];
    process.env['CIRCULATE_NS'] = ns;
    process.env['OUTBOX_SWEEP_MS'] = '0'; // the test sweeps by hand
    nats = new NatsConnectionService(natsUrl, 'metrics-test');
    await nats.connect();
    db = await mongoose.createConnection(mongoUrl, { dbName: `${ns}_test` }).asPromise();
    consumers = new DurableConsumers(nats, db);
    await ensureStream(nats.jsm, eventStream('inventory'));
  });

  afterAll(async () => {
    await consumers.onApplicationShutdown();
    for (const s of [
      eventStream('inventory').name,
      deadLetterStream().name,
      `${ns}_late`,
      `KV_${lockBucket('inventory')}`,
    ])
      await nats.jsm.streams.delete(s).catch(() => undefined);
    await db.dropDatabase().catch(() => undefined);
    await db.close();
    await nats.onApplicationShutdown();
    process.env['CIRCULATE_NS'] = previousNs;
    process.env['OUTBOX_SWEEP_MS'] = previousSweep;
  });

  it('outbox backlog: a document whose events cannot be published counts until a sweep publishes them', async () => {
    const Widget = db.model(
      'Widget',
      new Schema(
        { _id: String, _outbox: { type: [Object], default: [] } },
        { versionKey: false, collection: 'widgets' },
      ),
    );
    const relay = new OutboxRelay(new EventPublisher(nats), new KeyedMutex());
    relay.register(Widget as never);
    relay.onApplicationBootstrap();
    try {
      expect(await value('circulate_outbox_backlog_documents', { collection: 'widgets' })).toBe(0);
      const failuresBefore = (await value('circulate_outbox_flush_failures_total')) ?? 0;
      // No stream captures `<ns>.evt.late.>` yet: JetStream refuses the publish.
      const event = outboxEvent('late.widget.created.v1', tenantId('acme'), 'w1', 1, {});
      await Widget.create({ _id: 'w1', _outbox: [event] });
      await relay.flush(Widget as never, 'w1');
      expect(await value('circulate_outbox_backlog_documents', { collection: 'widgets' })).toBe(1);
      expect(await value('circulate_outbox_flush_failures_total')).toBe(failuresBefore + 1);

      await ensureStream(nats.jsm, { name: `${ns}_late`, subjects: [eventSubject('late.>')] });
      const publishedBefore = (await value('circulate_outbox_events_published_total')) ?? 0;
      expect(await relay.sweep()).toBe(1);
      expect(await value('circulate_outbox_backlog_documents', { collection: 'widgets' })).toBe(0);
      expect(await value('circulate_outbox_events_published_total')).toBe(publishedBefore + 1);
    } finally {
      await relay.onApplicationShutdown();
    }
  });

  it('consumer lag, redeliveries and outcomes of a durable consumer', async () => {
    const durable = `${ns}-slow`;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let failedOnce = false;
    await consumers.start({
      durable,
      stream: eventStream('inventory').name,
      filterSubject: eventSubject('inventory.slow.>'),
      backoffMs: [20],
      handle: async () => {
        await gate;
        if (!failedOnce) {
          failedOnce = true;
          throw new Error('first delivery fails');
        }
      },
    });
    const publisher = new EventPublisher(nats);
    for (let i = 0; i < 4; i++)
      await publisher.publish(outboxEvent('inventory.slow.thing.v1', tenantId('acme'), `s${i}`, 1, {}));
    const lag = { stream: eventStream('inventory').name, consumer: durable };
    // The handler is stuck on the first event: the four are delivered (or pending), none acked.
    await waitUntil(async () => {
      await new Promise((r) => setTimeout(r, 1100)); // one consumer-info round per second at most
      const pending = (await value('circulate_jetstream_consumer_pending', lag)) ?? 0;
      const ackPending = (await value('circulate_jetstream_consumer_ack_pending', lag)) ?? 0;
      return pending + ackPending === 4;
    });
    release();
    await waitUntil(
      async () => (await value('circulate_jetstream_deliveries_total', { consumer: durable, outcome: 'acked' })) === 4,
    );
    expect(await value('circulate_jetstream_deliveries_total', { consumer: durable, outcome: 'retried' })).toBe(1);
    expect(await value('circulate_jetstream_redeliveries_total', { consumer: durable })).toBe(1);
    await waitUntil(async () => {
      await new Promise((r) => setTimeout(r, 1100));
      return (
        (await value('circulate_jetstream_consumer_pending', lag)) === 0 &&
        (await value('circulate_jetstream_consumer_ack_pending', lag)) === 0
      );
    });
  });

  it('lease waits: a writer that waits for another holder is timed and counted as contended', async () => {
    const leases = new ClusterLeases(nats, 'inventory');
    try {
      const acquiredBefore = await histogramCount('circulate_lease_wait_seconds', { outcome: 'acquired' });
      const contendedBefore = (await value('circulate_lease_contended_total')) ?? 0;
      const first = await leases.acquire('things:t1');
      const started = Date.now();
      const second = leases.acquire('things:t1');
      await new Promise((r) => setTimeout(r, 300));
      await first();
      await (
        await second
      )();
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(await histogramCount('circulate_lease_wait_seconds', { outcome: 'acquired' })).toBe(acquiredBefore + 2);
      expect(await value('circulate_lease_contended_total')).toBe(contendedBefore + 1);
      const { values } = await metricsRegistry.getSingleMetric('circulate_lease_wait_seconds')!.get();
      const bucket = (le: number | string) =>
        values.find((v) => v.labels['le'] === le && v.labels['outcome'] === 'acquired')?.value ?? 0;
      // The waiting writer's ≥ 300 ms lies above the 0.25 s bucket.
      expect(bucket('+Inf') - bucket(0.25)).toBeGreaterThanOrEqual(1);
    } finally {
      leases.onApplicationShutdown();
    }
  });
});
