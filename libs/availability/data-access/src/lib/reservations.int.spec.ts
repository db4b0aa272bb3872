import { AvailabilityIndex, type EngineListing, type EngineStockItem } from '@circulate/availability/engine';
import { ReservationState } from '@circulate/availability/reservations';
import type { ReservationReply } from '@circulate/contracts';
import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { GroupCommitter } from './group-committer';
import { loadTenant, STANDBY_MAX_BEHIND, type LoadStats } from './load-tenant';
import { StandbySnapshots } from './standby-snapshots';
import { checkLog } from './log-invariants';
import { ReservationLog } from './reservation-log';

/*
 * Against the real MongoDB-compatible server (FerretDB here), a fresh database per test. Two
 * GroupCommitters on two connections play two replicas that both believe they own the tenant.
 */

const URL = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017';
const TENANT = 'ten_race';
const START = Date.parse('2027-03-01T00:00:00Z');
const END = Date.parse('2027-03-03T00:00:00Z');
jest.setTimeout(120_000);

const unit = (id: string, sku: string): EngineStockItem => ({
  id,
  tracking: 'serialized',
  quantity: 1,
  status: 'in_use',
  locationId: 'loc_main',
  skuCode: sku,
  attributes: {},
});
const pool = (id: string, sku: string, quantity: number): EngineStockItem => ({
  ...unit(id, sku),
  tracking: 'pooled',
  quantity,
});

const LISTINGS: Record<string, EngineListing> = {
  lst_bike: { rules: [{ id: 'rul_bike', quantity: 1, match: { skuCodes: ['BIKE'] } }], locationIds: [] },
  lst_chair: { rules: [{ id: 'rul_chair', quantity: 1, match: { skuCodes: ['CHAIR'] } }], locationIds: [] },
  lst_set: {
    rules: [
      { id: 'rul_table', quantity: 1, match: { skuCodes: ['TABLE'] } },
      { id: 'rul_chairs', quantity: 4, match: { skuCodes: ['CHAIR'] } },
    ],
    locationIds: [],
  },
};

const connections: Connection[] = [];
let dbName: string;

async function connect(): Promise<Connection> {
  const c = await mongoose.createConnection(`${URL}/${dbName}`, { serverSelectionTimeoutMS: 5000 }).asPromise();
  connections.push(c);
  return c;
}

function freshState(items: readonly EngineStockItem[]): ReservationState {
  return new ReservationState(new AvailabilityIndex(items), (id) => LISTINGS[id]);
}

async function replicas(items: readonly EngineStockItem[], n = 2, snapshotEvery = 0): Promise<GroupCommitter[]> {
  const out: GroupCommitter[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      await GroupCommitter.open(new ReservationLog(await connect()), TENANT, freshState(items), { snapshotEvery }),
    );
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every order goes to every replica (a client retrying elsewhere), each after a random delay. */
async function race(
  writers: GroupCommitter[],
  orders: { orderId: string; listingId: string; quantity: number }[],
): Promise<Map<string, ReservationReply[]>> {
  const replies = new Map<string, ReservationReply[]>();
  await Promise.all(
    orders.flatMap((o) =>
      writers.map(async (w) => {
        await sleep(Math.random() * 30);
        const r = await w.submit({
          type: 'reserve',
          orderId: o.orderId,
          lines: [{ listingId: o.listingId, start: START, end: END, quantity: o.quantity }],
        });
        replies.set(o.orderId, [...(replies.get(o.orderId) ?? []), r]);
      }),
    ),
  );
  return replies;
}

function accepted(replies: Map<string, ReservationReply[]>): string[] {
  const out: string[] = [];
  for (const [orderId, rs] of replies) if (rs[0].ok) out.push(orderId);
  return out;
}

/** Both replicas gave the same answer for one order id. */
function expectSameAnswers(replies: Map<string, ReservationReply[]>): void {
  for (const rs of replies.values()) expect(rs[1]).toEqual(rs[0]);
}

beforeEach(() => {
  dbName = `circulate_int_rsv_${randomUUID().slice(0, 8)}`;
});

afterEach(async () => {
  const c = connections[0];
  if (c) await c.dropDatabase().catch(() => undefined);
  await Promise.all(connections.splice(0).map((x) => x.close()));
});

/**
 * Two writers race `orders` over `items`; then the log holds no problem and both writers gave
 * every order the same answer.
 */
async function raceTwoWriters(
  items: EngineStockItem[],
  orders: { orderId: string; listingId: string; quantity: number }[],
) {
  const writers = await replicas(items);
  const replies = await race(writers, orders);
  const won = accepted(replies);
  const check = await checkLog(new ReservationLog(await connect()), TENANT, items);
  expect(check.problems).toEqual([]);
  expectSameAnswers(replies);
  return { writers, won, check };
}

describe('reservations through the log, two writers', () => {
  it('accepts exactly 20 of 40 concurrent reserves for 20 serialized units, no unit twice', async () => {
    const items = Array.from({ length: 20 }, (_, i) => unit(`ski_bike${i}`, 'BIKE'));
    const orders = Array.from({ length: 40 }, (_, i) => ({ orderId: `ord_${i}`, listingId: 'lst_bike', quantity: 1 }));
    const { writers, won, check } = await raceTwoWriters(items, orders);
    expect(won).toHaveLength(20);
    expect(new Set(check.held.map((r) => r.stockItemId)).size).toBe(20);
    expect(new Set(check.held.map((r) => r.orderId))).toEqual(new Set(won));
    expect(writers[0].stats.collisions + writers[1].stats.collisions).toBeGreaterThan(0);
  });

  it('accepts exactly 25 of 30 reserves of 2 on a pool of 50', async () => {
    const items = [pool('ski_chairs', 'CHAIR', 50)];
    const orders = Array.from({ length: 30 }, (_, i) => ({ orderId: `ord_${i}`, listingId: 'lst_chair', quantity: 2 }));
    const { won, check } = await raceTwoWriters(items, orders);
    expect(won).toHaveLength(25);
    expect(check.held.reduce((n, r) => n + r.quantity, 0)).toBe(50);
  });

  it('never leaves half a bundle in a bundle race', async () => {
    // 5 tables and 13 chairs: chairs allow 3 sets of (1 table + 4 chairs).
    const items = [
      ...Array.from({ length: 5 }, (_, i) => unit(`ski_table${i}`, 'TABLE')),
      pool('ski_chairs', 'CHAIR', 13),
    ];
    const orders = Array.from({ length: 12 }, (_, i) => ({ orderId: `ord_${i}`, listingId: 'lst_set', quantity: 1 }));
    const { won, check } = await raceTwoWriters(items, orders);
    expect(won).toHaveLength(3);
    for (const orderId of new Set(check.held.map((r) => r.orderId))) {
      const mine = check.held.filter((r) => r.orderId === orderId);
      expect(mine.filter((r) => r.ruleId === 'rul_table').reduce((n, r) => n + r.quantity, 0)).toBe(1);
      expect(mine.filter((r) => r.ruleId === 'rul_chairs').reduce((n, r) => n + r.quantity, 0)).toBe(4);
    }
  });

  it('reloads the same state from snapshot + tail after a crash, and carries on', async () => {
    const items = Array.from({ length: 50 }, (_, i) => unit(`ski_bike${i}`, 'BIKE'));
    const [w] = await replicas(items, 1, 5);
    for (let i = 0; i < 40; i++) {
      // Sequential, so every command is its own entry: 48 entries, a snapshot every 5.
      await w.submit({
        type: 'reserve',
        orderId: `ord_${i}`,
        lines: [{ listingId: 'lst_bike', start: START + i * 3_600_000, end: END, quantity: 1 }],
        holdUntil: START,
      });
      if (i % 7 === 0) await w.submit({ type: 'release', orderId: `ord_${i}` });
    }
    await w.submit({ type: 'confirm', orderId: 'ord_1' });
    await w.submit({ type: 'release', orderId: 'ord_2' });
    // "Crash": forget w; a new replica on a new connection loads snapshot + tail.
    const log = new ReservationLog(await connect());
    // Snapshots are written in the background, one at a time (one due while another is in flight
    // is written after it, of the state then): wait (bounded) until the last one has landed.
    let snap = await log.loadSnapshot(TENANT);
    for (let i = 0; i < 100 && (snap?.seq ?? 0) < 45; i++) {
      await sleep(100);
      snap = await log.loadSnapshot(TENANT);
    }
    expect(snap).not.toBeNull();
    expect(snap?.seq).toBeGreaterThanOrEqual(45);
    expect(snap?.seq).toBeLessThanOrEqual(48);
    expect(w.seq).toBe(48);
    const reloaded = freshState(items);
    const seq = await loadTenant(log, TENANT, reloaded);
    expect(seq).toBe(w.seq);
    const dump = (s: ReservationState) => [...s.records.entries()].sort(([a], [b]) => a.localeCompare(b));
    expect(dump(reloaded)).toEqual(dump(w.state));
    expect(reloaded.index.reservationCount).toBe(w.state.index.reservationCount);
    const next = new GroupCommitter(log, TENANT, reloaded, seq);
    const r = await next.submit({
      type: 'reserve',
      orderId: 'ord_new',
      lines: [{ listingId: 'lst_bike', start: START, end: END }],
    });
    expect(r.ok).toBe(true);
    expect(next.seq).toBe(seq + 1);
    // The old instance, paused past its ownership, cannot write over it: its append collides.
    const stale = await w.submit({
      type: 'reserve',
      orderId: 'ord_stale',
      lines: [{ listingId: 'lst_bike', start: START, end: END }],
    });
    expect(stale.ok).toBe(true);
    expect(w.stats.collisions).toBeGreaterThan(0);
    const check = await checkLog(log, TENANT, items);
    expect(check.problems).toEqual([]);
    expect(check.entries).toBe(w.seq);
  });

  it('writes a snapshot of the head once the tenant is idle, so a new owner reads no tail', async () => {
    const items = Array.from({ length: 10 }, (_, i) => unit(`ski_idle${i}`, 'BIKE'));
    const reserveAll = async (w: GroupCommitter, prefix: string) => {
      for (let i = 0; i < 3; i++)
        await w.submit({
          type: 'reserve',
          orderId: `${prefix}_${i}`,
          lines: [{ listingId: 'lst_bike', start: START + i * 3_600_000, end: END }],
        });
    };
    const log = new ReservationLog(await connect());
    // Without it: no snapshot (3 entries are far from snapshotEvery).
    const quiet = await GroupCommitter.open(log, TENANT, freshState(items), { snapshotEvery: 1000 });
    await reserveAll(quiet, 'ord_quiet');
    await sleep(600);
    expect(await log.loadSnapshot(TENANT)).toBeNull();
    // With it: the head, once nothing has been committed for idleSnapshotMs.
    const w = await GroupCommitter.open(log, TENANT, freshState(items), { snapshotEvery: 1000, idleSnapshotMs: 100 });
    await reserveAll(w, 'ord_idle');
    expect(w.seq).toBe(6);
    let snap = await log.loadSnapshot(TENANT);
    for (let i = 0; i < 50 && snap?.seq !== 6; i++) {
      await sleep(100);
      snap = await log.loadSnapshot(TENANT);
    }
    expect(snap?.seq).toBe(6);
    const stats = {} as LoadStats;
    expect(await loadTenant(log, TENANT, freshState(items), stats)).toBe(6);
    expect(stats).toMatchObject({ snapshotSeq: 6, tailEntries: 0 });
    w.stop();
  });

  it('a standby copy of the snapshot is folded on takeover: only the log after it is read, to the same state', async () => {
    const items = Array.from({ length: 20 }, (_, i) => unit(`ski_sb${i}`, 'BIKE'));
    const reserve = (w: GroupCommitter, orderId: string, i: number) =>
      w.submit({
        type: 'reserve',
        orderId,
        lines: [{ listingId: 'lst_bike', start: START + i * 3_600_000, end: END }],
      });
    const log = new ReservationLog(await connect());
    const owner = await GroupCommitter.open(log, TENANT, freshState(items), { snapshotEvery: 4 });
    for (let i = 0; i < 8; i++) await reserve(owner, `ord_sb${i}`, i);
    for (let i = 0; i < 50 && (await log.snapshotSeq(TENANT)) !== 8; i++) await sleep(100);
    // The standby replica reads the snapshot once its pointer has settled (here at once).
    const standby = new StandbySnapshots(new ReservationLog(await connect()), { settleMs: 0, maxRecords: 1000 });
    expect(await standby.refresh(TENANT)).toBe(true);
    expect(standby.seqOf(TENANT)).toBe(8);
    expect(await standby.refresh(TENANT)).toBe(false); // nothing newer
    // The owner goes on (2 entries past the copy), then the standby takes the tenant over.
    for (let i = 8; i < 10; i++) await reserve(owner, `ord_sb${i}`, i);
    const copy = await standby.take(TENANT);
    expect(standby.seqOf(TENANT)).toBeUndefined();
    const stats = {} as LoadStats;
    const warm = freshState(items);
    expect(await loadTenant(log, TENANT, warm, stats, copy)).toBe(10);
    expect(stats).toMatchObject({ fromStandby: true, snapshotSeq: 8, tailEntries: 2 });
    // The same state as a load from the store.
    const cold = freshState(items);
    expect(await loadTenant(log, TENANT, cold)).toBe(10);
    expect([...warm.records.entries()].sort()).toEqual([...cold.records.entries()].sort());
    expect(warm.index.reservationCount).toBe(10);
    // A copy too far behind the latest snapshot is not used.
    const stale = { seq: 8 - STANDBY_MAX_BEHIND - 1, records: [] };
    await loadTenant(log, TENANT, freshState(items), stats, stale);
    expect(stats.fromStandby).toBe(false);
  });
});
