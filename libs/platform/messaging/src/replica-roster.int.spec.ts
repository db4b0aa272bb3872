/**
 * The outbox sweep runs when a replica dies, not on a timer (real NATS and MongoDB-compatible
 * server): a replica that stops beating is found by another, which sweeps what it left behind;
 * one that leaves cleanly makes nobody sweep; a failed flush is retried by `_id`, not by a scan.
 */
import { randomBytes } from 'node:crypto';
import { eventStream, eventSubject, rosterBucket, tenantId } from '@circulate/contracts';
import mongoose, { Connection, Model, Schema } from 'mongoose';
import {
  EventPublisher,
  KeyedMutex,
  NatsConnectionService,
  OutboxRelay,
  ReplicaRoster,
  ensureStream,
  outboxEvent,
} from './index';
import { waitUntil } from './testing/wait-until';

const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const mongoUrl = process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017';
const TIMINGS = { beatMs: 100, staleMs: 700 };

interface Thing {
  _id: string;
  _outbox: unknown[];
}

describe('replica roster: the outbox is swept after a replica that died, and only then', () => {
  const ns = `r${randomBytes(4).toString('hex')}`;
  let previousNs: string | undefined;
  let nats: NatsConnectionService;
  let db: Connection;
  let things: Model<Thing>;
  let publisher: EventPublisher;
  const running: { roster: ReplicaRoster; relay: OutboxRelay }[] = [];

  /** One replica of a service: its roster (joined) and its outbox relay over `things`. */
  const replica = async () => {
    const roster = new ReplicaRoster(nats, 'inventory', TIMINGS);
    const relay = new OutboxRelay(publisher, new KeyedMutex(), 0, roster);
    relay.register(things as never);
    await roster.onModuleInit();
    relay.onApplicationBootstrap();
    running.push({ roster, relay });
    return { roster, relay };
  };
  const streamMessages = async () => (await nats.jsm.streams.info(eventStream('inventory').name)).state.messages;
  const pending = async (id: string) => (await things.findById(id).lean<Thing>())?._outbox.length;
  const entries = async () => {
    const kv = await nats.js.views.kv(rosterBucket('inventory'));
    const keys: string[] = [];
    for await (const k of await kv.keys()) keys.push(k);
    return keys;
  };
  /** A document written with its event, as a replica leaves it when it dies before the flush. */
  const leftBehind = async (id: string) => {
    const event = outboxEvent('inventory.thing.created.v1', tenantId('acme'), id, 1, { id });
    await things.create({ _id: id, _outbox: [event] });
  };

  beforeAll(async () => {
    previousNs = process.env['CIRCULATE_NS'];
    process.env['CIRCULATE_NS'] = ns;
    nats = new NatsConnectionService(natsUrl, 'roster-test');
    await nats.connect();
    db = await mongoose.createConnection(mongoUrl, { dbName: `${ns}_test` }).asPromise();
    things = db.model<Thing>(
      'RosterThing',
      new Schema(
        { _id: String, _outbox: { type: [Object], default: [] } },
        { versionKey: false, collection: 'things' },
      ),
    );
    publisher = new EventPublisher(nats);
    await ensureStream(nats.jsm, eventStream('inventory'));
    // The bucket exists before the first replica: none of them sweeps at boot (a new bucket's
    // one sweep), so what gets swept below is the roster's doing.
    await nats.js.views.kv(rosterBucket('inventory'), { history: 1 });
  });

  afterEach(async () => {
    for (const { relay } of running.splice(0)) await relay.onApplicationShutdown(); // leaves the roster
    jest.restoreAllMocks();
  });

  afterAll(async () => {
    for (const s of [eventStream('inventory').name, `KV_${rosterBucket('inventory')}`])
      await nats.jsm.streams.delete(s).catch(() => undefined);
    await db.dropDatabase().catch(() => undefined);
    await db.close();
    await nats.onApplicationShutdown();
    process.env['CIRCULATE_NS'] = previousNs;
  });

  it('a replica that stops beating is found by another, which publishes what it left in the outbox', async () => {
    const dying = await replica();
    const survivor = await replica();
    await survivor.roster.tick();
    const before = await streamMessages();
    await leftBehind('t_dead');
    dying.roster.halt(); // kill -9: no leave, no more beats
    await waitUntil(async () => (await pending('t_dead')) === 0, 10_000);
    expect(await streamMessages()).toBe(before + 1);
    // The dead replica's entry is gone once recovered; the survivor's stays.
    await waitUntil(async () => !(await entries()).includes(dying.roster.key), 5_000);
    expect(await entries()).toContain(survivor.roster.key);
  });

  it('a replica started after one died finds its stale entry at once', async () => {
    const dying = await replica();
    dying.roster.halt();
    await leftBehind('t_before_restart');
    await new Promise((r) => setTimeout(r, TIMINGS.staleMs + 200));
    const restarted = await replica();
    await restarted.roster.tick(); // the first look already sees the entry as stale
    await waitUntil(async () => (await pending('t_before_restart')) === 0, 5_000);
  });

  it('a replica that leaves cleanly makes nobody sweep', async () => {
    const leaving = await replica();
    const staying = await replica();
    // Earlier tests' dead replicas are recovered and gone: only these two remain.
    await waitUntil(async () => (await entries()).length === 2, 5_000);
    const find = jest.spyOn(things, 'find');
    await leaving.relay.onApplicationShutdown(); // nothing unflushed: it leaves the roster
    running.splice(running.indexOf(leaving), 1);
    await new Promise((r) => setTimeout(r, TIMINGS.staleMs * 3));
    await staying.roster.tick();
    expect(await entries()).not.toContain(leaving.roster.key);
    expect(find).not.toHaveBeenCalled();
  });

  it('a failed flush is retried by _id, without a scan', async () => {
    const { relay } = await replica();
    const find = jest.spyOn(things, 'find');
    // No stream captures `<ns>.evt.roster.>` yet: JetStream refuses the publish.
    const event = outboxEvent('roster.thing.created.v1', tenantId('acme'), 't_retry', 1, {});
    await things.create({ _id: 't_retry', _outbox: [event] });
    await relay.flush(things as never, 't_retry');
    expect(await pending('t_retry')).toBe(1);
    await ensureStream(nats.jsm, { name: `${ns}_roster`, subjects: [eventSubject('roster.>')] });
    try {
      await waitUntil(async () => (await pending('t_retry')) === 0, 10_000);
      expect(find).not.toHaveBeenCalled();
    } finally {
      await nats.jsm.streams.delete(`${ns}_roster`).catch(() => undefined);
    }
  });
});
