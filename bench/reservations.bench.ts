import 'reflect-metadata';
/*
 * Reservations benchmark through the real stack, two replicas of every service:
 *   npm run bench:reservations
 *
 * A tenant of 10,000 serialized stock items (100 SKUs × 100, one listing each), then:
 *  - reserves over NATS from 64 concurrent callers through the platform's RpcClient, as the orders
 *    service sends them (straight to the tenant owner's subject; the shared subject only when
 *    nobody owns the tenant): reservations/s, p50/p99 latency;
 *  - filling the tenant up to 100,000 reservations (progress on stderr);
 *  - the invariant checker over the whole log (over-bookings must be 0);
 *  - availability through the gateway at 100,000 reservations: p50 from one connection;
 *  - tenant load on a new owner: the owner stops (its lease is released), the next request makes
 *    the other replica load the tenant (its standby copy of the snapshot + the tail); the time of
 *    that request; then the same with a replica started without standby copies (a cold load:
 *    snapshot read from the store + tail);
 *  - failover after kill -9 of the owner: until a reserve is answered again.
 * Figures go to bench/results/reservations.json.
 */
import { checkLog, ReservationLog } from '../libs/availability/data-access/src';
import type { EngineStockItem } from '../libs/availability/engine/src';
import {
  AvailabilityCalls,
  DomainError,
  tenantId,
  tenantOwnerBucket,
  type RequestContext,
  type RpcDef,
} from '../libs/contracts/src';
import { leaseKvKey, NatsConnectionService, RpcClient } from '../libs/platform/messaging/src';
import type { Instance, TestStack } from '../libs/platform/stack/src';
import mongoose from 'mongoose';
import { connect, type NatsConnection } from 'nats';
import { cpus, loadavg } from 'node:os';
import { bootBenchStack, ok, writeResult } from './stack';
import { pct, prng, round } from './stats';

const SKUS = Number(process.env['BENCH_SKUS'] ?? 100);
const PER_SKU = Number(process.env['BENCH_PER_SKU'] ?? 100);
const TOTAL = Number(process.env['BENCH_RESERVATIONS'] ?? 100_000);
const MEASURED = Number(process.env['BENCH_MEASURED'] ?? 6000);
const CALLERS = 64;
const DAY = 86_400_000;
const T0 = Date.parse('2027-01-01T00:00:00Z');
const REPLICAS: Instance[] = ['availability', 'availability#2'];

const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Waits (at most 180 s, with progress) until the consumers of the namespace's streams have caught
 * up with the fill (reporting writes its projections at a few hundred events/s on FerretDB);
 * answers the backlog left.
 */
async function settle(nc: NatsConnection, namespace: string): Promise<number> {
  const jsm = await nc.jetstreamManager();
  const started = performance.now();
  for (let round = 0; ; round++) {
    const backlog: string[] = [];
    let left = 0;
    for await (const s of jsm.streams.list()) {
      if (!s.config.name.startsWith(namespace)) continue;
      for await (const c of jsm.consumers.list(s.config.name)) {
        const n = c.num_pending + c.num_ack_pending;
        left += n;
        if (n) backlog.push(`${c.name} ${n}`);
      }
    }
    const secs = Math.round((performance.now() - started) / 1000);
    if (left === 0 || secs >= 180) {
      log(left ? `  measuring with a backlog after ${secs} s: ${backlog.join(', ')}` : `  settled after ${secs} s`);
      return left;
    }
    if (round % 10 === 0) log(`  consumers catching up: ${backlog.join(', ')} (load ${loadavg()[0].toFixed(1)})`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
const CTX: RequestContext = { tenantId: tenantId('acme'), role: 'admin' };

/** A reservation call as the orders service makes it; an answered error comes back as `{ ok: false }`. */
async function call<TReq, TRes>(
  rpc: RpcClient,
  def: RpcDef<TReq, TRes>,
  data: TReq,
  timeout = 10_000,
): Promise<{ ok: true; value: TRes } | { ok: false; error: { code: string } }> {
  try {
    return { ok: true, value: await rpc.call(def, CTX, data, timeout) };
  } catch (err) {
    return { ok: false, error: { code: err instanceof DomainError ? err.code : String(err) } };
  }
}

/** Setup calls on a shared, loaded machine: a 5xx (a write that timed out) is retried a few times. */
async function setup(stack: TestStack, method: string, path: string, body?: unknown): Promise<any> {
  // eslint-disable-line @typescript-eslint/no-explicit-any
  for (let attempt = 0; ; attempt++) {
    const res = await stack.http(method, path, { body });
    if (res.status < 300) return res.body;
    if (res.status < 500 || attempt >= 5)
      throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    log(`  ${method} ${path} → ${res.status}, retrying`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function owner(nc: NatsConnection, stack: TestStack): Promise<Instance | undefined> {
  const kv = await nc.jetstream().views.kv(tenantOwnerBucket());
  const e = await kv.get(leaseKvKey('acme'));
  if (!e || e.operation !== 'PUT') return undefined;
  const pid = Number(new TextDecoder().decode(e.value).split('@')[0]);
  return REPLICAS.find((r) => stack.apps.pid(r) === pid);
}

async function main(): Promise<void> {
  const stack = await bootBenchStack(log, { RATE_LIMIT_PER_SECOND: '1000000', RPC_TIMEOUT_MS: '10000' }, 'warn', 2);
  process.env['CIRCULATE_NS'] = stack.namespace;
  const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
  const nc = await connect({ servers: natsUrl });
  const nats = new NatsConnectionService(natsUrl, 'bench-reservations');
  await nats.connect();
  const rpc = new RpcClient(nats, 10_000);
  const db = await mongoose
    .createConnection(`${process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017'}/${stack.namespace}_availability`)
    .asPromise();
  try {
    const locationId = (await setup(stack, 'POST', '/locations', { name: 'Bench shop' })).id;
    const base = { status: 'published', channels: { onlineStore: true, admin: true, checkIn: true }, priceTables: [] };
    const items: EngineStockItem[] = [];
    const listings: string[] = [];
    const t0 = Date.now();
    log(`Registering ${SKUS * PER_SKU} serialized items over ${SKUS} SKUs…`);
    for (let s = 0; s < SKUS; s++) {
      const code = `RS-${String(s).padStart(3, '0')}`;
      const sku = await setup(stack, 'POST', '/skus', { code, name: `Bench ${s}` });
      const batch = await setup(stack, 'POST', '/stock-items/batch', {
        skuId: sku.id,
        locationId,
        count: PER_SKU,
        tracking: 'serialized',
      });
      for (const it of batch.items as { id: string }[]) {
        items.push({
          id: it.id,
          tracking: 'serialized',
          quantity: 1,
          status: 'in_use',
          locationId,
          skuCode: code,
          attributes: {},
        });
      }
      const l = await setup(stack, 'POST', '/listings', {
        ...base,
        name: `Bench listing ${s}`,
        fulfillmentRules: [{ quantity: 1, match: { skuCodes: [code] } }],
      });
      listings.push(l.id);
      if ((s + 1) % 10 === 0) log(`  ${(s + 1) * PER_SKU} items (${Math.round((Date.now() - t0) / 1000)} s)`);
    }
    const lastPath = `/listings/${listings[SKUS - 1]}/availability?start=2027-06-01T10:00:00Z&end=2027-06-02T10:00:00Z`;
    for (;;) {
      const r = await stack.http('GET', lastPath);
      if (r.status === 200 && r.body.quantity === PER_SKU) break;
      await new Promise((res) => setTimeout(res, 200));
    }

    // Random 1–3 day periods over a year on random listings: most fit, a few are refused.
    const rand = prng(42);
    let next = 0;
    let accepted = 0;
    let refused = 0;
    const reserveOnce = async (): Promise<number> => {
      const i = next++;
      const start = T0 + Math.floor(rand() * 365) * DAY;
      const listingId = listings[Math.floor(rand() * SKUS)];
      const command = {
        type: 'reserve' as const,
        orderId: `ord_${i}`,
        lines: [{ listingId, start, end: start + (1 + Math.floor(rand() * 3)) * DAY }],
      };
      const t = performance.now();
      for (let attempt = 0; ; attempt++) {
        const a = await call(rpc, AvailabilityCalls.reservationCommand, { command });
        if (a.ok) accepted++;
        else if (a.error.code === 'UNAVAILABLE') refused++;
        else if (attempt < 5) continue;
        else throw new Error(`reserve failed: ${JSON.stringify(a.error)}`);
        return performance.now() - t;
      }
    };
    const run = async (count: number, progress: boolean): Promise<{ ms: number; latencies: number[] }> => {
      const until = next + count;
      const latencies: number[] = [];
      const started = performance.now();
      let lastLog = Date.now();
      await Promise.all(
        Array.from({ length: CALLERS }, async () => {
          while (next < until && accepted < TOTAL) {
            latencies.push(await reserveOnce());
            if (progress && Date.now() - lastLog > 5000) {
              lastLog = Date.now();
              log(
                `  ${accepted} reservations (${Math.round((Date.now() - t0) / 1000)} s, load ${round(loadavg()[0], 1)})`,
              );
            }
          }
        }),
      );
      return { ms: performance.now() - started, latencies: latencies.sort((a, b) => a - b) };
    };

    log('Warm-up: 1,000 reserves…');
    await run(1000, false);
    log(`Measured: ${MEASURED} reserves from ${CALLERS} callers…`);
    const load1 = round(loadavg()[0], 2);
    const measured = await run(MEASURED, false);
    const perSecond = round((measured.latencies.length / measured.ms) * 1000, 0);
    log(`  ${perSecond}/s, p50 ${round(pct(measured.latencies, 50))} ms, p99 ${round(pct(measured.latencies, 99))} ms`);
    log(`Filling the tenant up to ${TOTAL} reservations…`);
    const fillFrom = { calls: next, at: performance.now() };
    while (accepted < TOTAL) await run(TOTAL, true);
    // Sustained: every reserve of the fill (accepted or refused) over its whole time, as the tenant grows.
    const fillPerSecond = round(((next - fillFrom.calls) / (performance.now() - fillFrom.at)) * 1000, 0);
    log(`  ${fillPerSecond} reserves/s over the fill`);

    log('Invariant checker over the whole log…');
    const check = await checkLog(new ReservationLog(db), 'acme', items);
    log(`  ${check.entries} entries, ${check.held.length} held, ${check.problems.length} problems`);

    // Reads are measured on a settled stack: reporting and the outbox still digest the fill's
    // reservation events for a while, and that backlog is not what a storefront read meets.
    const backlogAtReads = await settle(nc, stack.namespace);
    log('Availability through the gateway at this many reservations: 200 warm-up, 1,000 measured…');
    const availPath = `/listings/${listings[0]}/availability?start=2027-06-01T10:00:00Z&end=2027-06-04T10:00:00Z`;
    const avail: number[] = [];
    for (let i = 0; i < 1200; i++) {
      const t = performance.now();
      await ok(stack, 'GET', availPath);
      if (i >= 200) avail.push(performance.now() - t);
    }
    avail.sort((a, b) => a - b);

    /** The owner stops (its lease is released); the time until the other replica answers. */
    const handover = async (): Promise<{ ms: number; stopped: Instance }> => {
      const current = await owner(nc, stack);
      if (!current) throw new Error('no owner');
      await stack.apps.stop(current);
      const t = performance.now();
      const loaded = await call(rpc, AvailabilityCalls.reservationOf, { orderId: 'ord_0' }, 30_000);
      if (!loaded.ok) throw new Error(`after the handover: ${JSON.stringify(loaded.error)}`);
      return { ms: round(performance.now() - t, 0), stopped: current };
    };
    const replicaOf = (i: Instance) => (i === 'availability' ? 1 : 2);
    log('Tenant load on a new owner (the owner stops; the other replica holds a standby copy)…');
    const warm = await handover();
    const tenantLoadMs = warm.ms;
    log(`  ${tenantLoadMs} ms`);
    log('Tenant load on a new owner without a standby copy (AVAILABILITY_STANDBY_RECORDS=0)…');
    stack.apps.start('availability', { AVAILABILITY_STANDBY_RECORDS: '0' }, replicaOf(warm.stopped));
    await new Promise((res) => setTimeout(res, 5000));
    const cold = await handover();
    const tenantLoadColdMs = cold.ms;
    log(`  ${tenantLoadColdMs} ms`);
    stack.apps.start('availability', {}, replicaOf(cold.stopped));
    await new Promise((res) => setTimeout(res, 8000)); // its first standby copy: pointer settled + a sweep

    log('Failover after kill -9 of the owner…');
    const victim = await owner(nc, stack);
    if (!victim) throw new Error('no owner');
    stack.apps.signal(victim, 'SIGKILL');
    const tf = performance.now();
    await stack.apps.exited(victim);
    for (;;) {
      const a = await call(rpc, AvailabilityCalls.reservationOf, { orderId: 'ord_0' }, 3000).catch(() => ({
        ok: false,
      }));
      if (a.ok) break;
    }
    const failoverMs = round(performance.now() - tf, 0);
    log(`  ${failoverMs} ms`);

    const results = {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, load1AtMeasuredPhase: load1 },
      replicas: 2,
      tenant: { stockItems: items.length, listings: SKUS, reservations: check.held.length, logEntries: check.entries },
      callers: CALLERS,
      reservePerSecond64: perSecond,
      /** Reserves/s over the whole fill to TOTAL (64 callers; the tenant grows meanwhile). */
      fillPerSecond64: fillPerSecond,
      reserveP50Ms: round(pct(measured.latencies, 50)),
      reserveP99Ms: round(pct(measured.latencies, 99)),
      accepted,
      refused,
      overBookings: check.problems.length,
      availabilityAtFullTenantMs: {
        count: avail.length,
        p50: round(pct(avail, 50)),
        p99: round(pct(avail, 99)),
        targetP50: 2,
        /** Events reporting had still to digest when the reads were measured (0: settled). */
        backlogAtReads,
      },
      tenantLoadMs,
      /** The same without the standby copy: the snapshot read from the store. */
      tenantLoadColdMs,
      failoverMs,
      targets: { reservePerSecond64: 1500, failoverMs: 10_000, tenantLoadMs: 2000 },
    };
    writeResult('reservations', results);
    console.table({
      'reserves/s @64': results.reservePerSecond64,
      'reserves/s @64 over the fill': results.fillPerSecond64,
      'reserve p50 (ms)': results.reserveP50Ms,
      'reserve p99 (ms)': results.reserveP99Ms,
      'over-bookings': results.overBookings,
      'availability p50 @100k (ms)': results.availabilityAtFullTenantMs.p50,
      'tenant load (ms)': tenantLoadMs,
      'tenant load, no standby (ms)': tenantLoadColdMs,
      'failover (ms)': failoverMs,
    });
  } finally {
    await nc.close().catch(() => undefined);
    await nats.onApplicationShutdown().catch(() => undefined);
    await db.close().catch(() => undefined);
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
