/*
 * Reservation core benchmark: the pure decider + the log + one GroupCommitter against the real
 * MongoDB-compatible server (no NATS, no service: the service adds its own costs later).
 *   TS_NODE_PROJECT=bench/tsconfig.json node -r ts-node/register/transpile-only bench/reservations-core.bench.ts
 *
 *  - reserves/s from 64 concurrent callers through one GroupCommitter (10,000 serialized units
 *    in 100 SKUs, random 1-3 day periods over a year), decisions per insert, p50/p99 latency;
 *  - load time of a tenant with 100,000 reservations: snapshot + a tail of entries.
 * Figures go to bench/results/reservations-core.json.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { AvailabilityIndex, type EngineListing, type EngineStockItem } from '../libs/availability/engine/src';
import { decideApplied, ReservationState } from '../libs/availability/reservations/src';
import { checkLog, GroupCommitter, loadTenant, ReservationLog } from '../libs/availability/data-access/src';
import { pct, prng, round } from './stats';

const URL = process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017';
const CALLERS = 64;
const RESERVES = Number(process.env['BENCH_RESERVES'] ?? 6000);
const LOAD_RESERVATIONS = Number(process.env['BENCH_LOAD_RESERVATIONS'] ?? 100_000);
const TAIL_ENTRIES = 200;
const SKUS = 100;
const PER_SKU = 100;
const DAY = 86_400_000;
const T0 = Date.parse('2027-01-01T00:00:00Z');

const log = (line: string) => process.stderr.write(`${line}\n`);

const items: EngineStockItem[] = [];
const listings: Record<string, EngineListing> = {};
for (let s = 0; s < SKUS; s++) {
  listings[`lst_${s}`] = {
    rules: [{ id: `rul_${s}`, quantity: 1, match: { skuCodes: [`SKU${s}`] } }],
    locationIds: [],
  };
  for (let u = 0; u < PER_SKU; u++) {
    items.push({
      id: `ski_${s}_${u}`,
      tracking: 'serialized',
      quantity: 1,
      status: 'in_use',
      locationId: 'loc_main',
      skuCode: `SKU${s}`,
      attributes: {},
    });
  }
}
const freshState = () => new ReservationState(new AvailabilityIndex(items), (id) => listings[id]);

function randomReserve(rand: () => number, orderId: string) {
  const start = T0 + Math.floor(rand() * 365) * DAY;
  return {
    type: 'reserve' as const,
    orderId,
    lines: [{ listingId: `lst_${Math.floor(rand() * SKUS)}`, start, end: start + (1 + Math.floor(rand() * 3)) * DAY }],
  };
}

async function main(): Promise<void> {
  const dbName = `circulate_bench_rsv_${randomUUID().slice(0, 8)}`;
  const conn = await mongoose.createConnection(`${URL}/${dbName}`).asPromise();
  try {
    // 1. Throughput through one GroupCommitter from 64 concurrent callers.
    const rlog = new ReservationLog(conn);
    const committer = await GroupCommitter.open(rlog, 'ten_bench', freshState(), { snapshotEvery: 0 });
    const rand = prng(12);
    let next = 0;
    let accepted = 0;
    const latencies: number[] = [];
    const caller = async () => {
      while (next < RESERVES) {
        const i = next++;
        const t = performance.now();
        const reply = await committer.submit(randomReserve(rand, `ord_${i}`));
        latencies.push(performance.now() - t);
        if (reply.ok) accepted++;
      }
    };
    log(`reserving ${RESERVES} from ${CALLERS} callers…`);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: CALLERS }, caller));
    const elapsed = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const check = await checkLog(rlog, 'ten_bench', items);

    // 2. Load of a tenant with 100,000 reservations: snapshot + tail.
    log(`building a tenant of ${LOAD_RESERVATIONS} reservations…`);
    const big = freshState();
    const brand = prng(7);
    let made = 0;
    for (let i = 0; made < LOAD_RESERVATIONS; i++) {
      const { result } = decideApplied(big, randomReserve(brand, `ord_${i}`), T0);
      if (result.ok && result.decision.changes.length > 0) made++;
    }
    const snapSeq = 10_000;
    const tw = performance.now();
    await rlog.writeSnapshot('ten_big', snapSeq, [...big.records.values()]);
    const snapshotWriteMs = performance.now() - tw;
    const tailWriter = new GroupCommitter(rlog, 'ten_big', big, snapSeq, { snapshotEvery: 0 });
    for (let e = 0; e < TAIL_ENTRIES; e++) {
      await Promise.all(
        Array.from({ length: 5 }, (_, k) => tailWriter.submit(randomReserve(brand, `ord_tail_${e}_${k}`))),
      );
    }
    log(`loading (snapshot at ${snapSeq}, tail of ${tailWriter.seq - snapSeq} entries)…`);
    const conn2 = await mongoose.createConnection(`${URL}/${dbName}`).asPromise();
    const loaded = freshState();
    const tl = performance.now();
    const seq = await loadTenant(new ReservationLog(conn2), 'ten_big', loaded);
    const tenantLoadMs = performance.now() - tl;
    // Where the load time goes (measured again after the load, so the server's caches are warm).
    const log2 = new ReservationLog(conn2);
    const ts = performance.now();
    const snap = await log2.loadSnapshot('ten_big');
    const snapshotReadMs = performance.now() - ts;
    const tt = performance.now();
    await log2.readAfter('ten_big', snap?.seq ?? 0);
    const tailReadMs = performance.now() - tt;
    const tf = performance.now();
    const refold = freshState();
    for (const r of snap?.records ?? []) refold.applyChange({ put: r });
    const snapshotFoldMs = performance.now() - tf;
    await conn2.close();
    if (seq !== tailWriter.seq || loaded.index.reservationCount !== big.index.reservationCount) {
      throw new Error(`load mismatch: seq ${seq} vs ${tailWriter.seq}`);
    }

    const results = {
      callers: CALLERS,
      reserves: RESERVES,
      accepted,
      reservePerSecond64: round(RESERVES / elapsed, 0),
      reserveP50Ms: round(pct(latencies, 50)),
      reserveP99Ms: round(pct(latencies, 99)),
      inserts: committer.stats.appends,
      decisionsPerInsert: round(committer.stats.decisions / Math.max(1, committer.stats.appends), 1),
      overBookings: check.problems.length,
      tenantReservations: loaded.index.reservationCount,
      tenantTailEntries: seq - snapSeq,
      snapshotWriteMs: round(snapshotWriteMs, 0),
      tenantLoadMs: round(tenantLoadMs, 0),
      snapshotReadMs: round(snapshotReadMs, 0),
      snapshotFoldMs: round(snapshotFoldMs, 0),
      tailReadMs: round(tailReadMs, 0),
    };
    console.log('\nReservation core benchmark (decider + log + one GroupCommitter, FerretDB)');
    for (const [k, v] of Object.entries(results)) console.log(`  ${k.padEnd(22)} ${v}`);
    const root = join(__dirname, '..');
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(join(root, 'bench', 'results', 'reservations-core.json'), `${JSON.stringify(results, null, 2)}\n`);
    log('Wrote bench/results/reservations-core.json');
  } finally {
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
