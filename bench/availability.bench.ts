/*
 * Availability benchmark, through the real stack (gateway → NATS → availability's in-memory read model).
 *   TS_NODE_PROJECT=bench/tsconfig.json node -r ts-node/register/transpile-only bench/availability.bench.ts
 *
 * A tenant of 10,000 stock items (8,000 serialized over 200 SKUs, 2,000 pools) and 200 listings,
 * then: availability p50 from one keep-alive connection; requests/s at 64 connections (wrk);
 * 90-day calendar p50; event-to-visibility p99 (a status change answered → availability
 * reflects it); rebuild of the read model from the streams (admin command and a restart).
 * Progress goes to stderr; figures to bench/results/availability.json.
 */
import { cpus } from 'node:os';
import type { TestStack } from '../libs/platform/stack/src';
import { bootBenchStack, ok, wrk, wrkInstalled, WrkRun, writeResult } from './stack';
import { pct, round } from './stats';

const SKUS = Number(process.env['BENCH_SKUS'] ?? 200);
const PER_SKU = Number(process.env['BENCH_PER_SKU'] ?? 40);
const POOLS = Number(process.env['BENCH_POOLS'] ?? 2000);
const SAMPLES = 1000;
const VISIBILITY = 100;
const START = '2027-06-01T10:00:00Z';
const END = '2027-06-04T10:00:00Z';

const log = (line: string) => process.stderr.write(`${line}\n`);

async function timed(stack: TestStack, path: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await ok(stack, 'GET', path);
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out.sort((a, b) => a - b);
}

/** wrk at 64 connections for 10 s, or null (and why) when wrk is missing or fails. */
function wrkOrNull(url: string, key: string): WrkRun | null {
  if (!wrkInstalled()) {
    log('wrk is missing: apt-get install -y wrk');
    return null;
  }
  try {
    return wrk(url, 64, 10, key);
  } catch (err) {
    log(`wrk failed (${String(err)})`);
    return null;
  }
}

async function main(): Promise<void> {
  const stack = await bootBenchStack(log, { RATE_LIMIT_PER_SECOND: '1000000', RPC_TIMEOUT_MS: '10000' });
  try {
    const locationId = (await ok(stack, 'POST', '/locations', { name: 'Bench shop', timeZone: 'Europe/Berlin' })).id;
    const base = { status: 'published', channels: { onlineStore: true, admin: true, checkIn: true }, priceTables: [] };
    const t0 = Date.now();
    log(`Registering ${SKUS * PER_SKU} serialized items over ${SKUS} SKUs and ${POOLS} pools…`);
    const firstItems: string[] = [];
    let listing = '';
    for (let s = 0; s < SKUS; s++) {
      const code = `BN-${String(s).padStart(3, '0')}`;
      const sku = await ok(stack, 'POST', '/skus', { code, name: `Bench ${s}`, attributes: { family: `f${s % 10}` } });
      const batch = await ok(stack, 'POST', '/stock-items/batch', {
        skuId: sku.id,
        locationId,
        count: PER_SKU,
        tracking: 'serialized',
      });
      firstItems.push(batch.items[0].id);
      const l = await ok(stack, 'POST', '/listings', {
        ...base,
        name: `Bench listing ${s}`,
        locationIds: [locationId],
        fulfillmentRules: [{ quantity: 1, match: { skuCodes: [code] } }],
      });
      if (s === 0) listing = l.id;
      if ((s + 1) % 20 === 0) log(`  ${(s + 1) * PER_SKU} serialized (${Math.round((Date.now() - t0) / 1000)} s)`);
    }
    const poolSku = await ok(stack, 'POST', '/skus', { code: 'BN-POOL', name: 'Bench pool' });
    let made = 0;
    const worker = async () => {
      while (made < POOLS) {
        made++;
        // A slow FerretDB write may time out under load: retry (a pool is one fresh document).
        for (let attempt = 0; ; attempt++) {
          const res = await stack.http('POST', '/stock-items', {
            body: { tracking: 'pooled', quantity: 20, skuId: poolSku.id, locationId },
          });
          if (res.status === 201) break;
          if (res.status !== 503 || attempt >= 3) throw new Error(`pool: ${res.status} ${JSON.stringify(res.body)}`);
        }
        if (made % 250 === 0) log(`  ${made} pools (${Math.round((Date.now() - t0) / 1000)} s)`);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    const registrationMs = Date.now() - t0;
    const poolListing = (
      await ok(stack, 'POST', '/listings', {
        ...base,
        name: 'Bench pool listing',
        fulfillmentRules: [{ quantity: 3, match: { skuCodes: ['BN-POOL'] } }],
      })
    ).id;
    const availPath = `/listings/${listing}/availability?start=${START}&end=${END}`;
    const poolPath = `/listings/${poolListing}/availability?start=${START}&end=${END}`;
    const calPath = `/listings/${listing}/calendar?from=2027-06-01&to=2027-08-30`;
    // Wait until the read model has every item (events are asynchronous).
    for (;;) {
      const r = await stack.http('GET', poolPath);
      if (r.status === 200 && r.body.quantity >= Math.floor((POOLS * 20) / 3)) break;
      await new Promise((res) => setTimeout(res, 200));
    }

    log('Availability from one connection: 1,000 warm-up, 1,000 measured…');
    await timed(stack, availPath, SAMPLES);
    const avail = await timed(stack, availPath, SAMPLES);
    const poolAvail = await timed(stack, poolPath, SAMPLES);
    log('90-day calendar from one connection…');
    await timed(stack, calPath, 200);
    const cal = await timed(stack, calPath, 500);

    log('wrk, 64 connections, 10 s: availability, then /health/live…');
    const load = wrkOrNull(`${stack.url}/api/v1${availPath}`, stack.keys.admin);
    if (load) log(load.output);
    log(`Event to visibility: ${VISIBILITY} status changes of one unit…`);
    const visibility: number[] = [];
    for (let i = 0; i < VISIBILITY; i++) {
      const to = i % 2 === 0 ? 'out_of_use' : 'in_use';
      await ok(stack, 'PATCH', `/stock-items/${firstItems[0]}`, { status: to });
      const t = process.hrtime.bigint();
      const want = to === 'out_of_use' ? PER_SKU - 1 : PER_SKU;
      while ((await ok(stack, 'GET', availPath)).quantity !== want) {
        // poll until the read model shows the change
      }
      visibility.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    visibility.sort((a, b) => a - b);

    log('Rebuild from the streams (admin command)…');
    const rebuild = await ok(stack, 'POST', '/admin/availability/rebuild', {});
    log(`  ${JSON.stringify(rebuild)}`);
    log('Rebuild by restart (boot waits for the replay)…');
    const r0 = Date.now();
    await stack.apps.stop('availability');
    stack.apps.start('availability');
    for (;;) {
      const r = await stack.http('GET', poolPath).catch(() => ({ status: 0, body: null as any }));
      if (r.status === 200 && r.body.quantity >= Math.floor((POOLS * 20) / 3)) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const restartMs = Date.now() - r0;

    const results = {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version },
      tenant: {
        stockItems: SKUS * PER_SKU + POOLS,
        serialized: SKUS * PER_SKU,
        skus: SKUS,
        pools: POOLS,
        listings: SKUS + 1,
        registrationMs,
      },
      availabilityMs: { count: SAMPLES, p50: round(pct(avail, 50)), p99: round(pct(avail, 99)), targetP50: 2 },
      poolAvailabilityMs: { count: SAMPLES, p50: round(pct(poolAvail, 50)), p99: round(pct(poolAvail, 99)) },
      availability64Connections: load
        ? { requestsPerSecond: load.requestsPerSecond, non2xx: load.non2xx, targetRequestsPerSecond: 3000 }
        : 'wrk missing',
      calendar90DaysMs: { count: 500, p50: round(pct(cal, 50)), p99: round(pct(cal, 99)), targetP50: 10 },
      eventToVisibilityMs: {
        count: VISIBILITY,
        p50: round(pct(visibility, 50)),
        p99: round(pct(visibility, 99)),
        targetP99: 1000,
      },
      rebuildMs: {
        command: rebuild.ms,
        events: rebuild.events,
        items: rebuild.items,
        restartToAnswer: restartMs,
        target: 10_000,
      },
    };
    writeResult('availability', results);
    console.table({
      'availability p50 (ms)': results.availabilityMs.p50,
      'availability req/s @64': load?.requestsPerSecond ?? 'n/a',
      'calendar 90 d p50 (ms)': results.calendar90DaysMs.p50,
      'event → visibility p99 (ms)': results.eventToVisibilityMs.p99,
      'rebuild (ms)': rebuild.ms,
      'restart to answer (ms)': restartMs,
    });
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
