/*
 * Gateway benchmark, through the real stack (wrk → gateway → NATS → inventory).
 *   TS_NODE_PROJECT=bench/tsconfig.json node -r ts-node/register/transpile-only bench/gateway.bench.ts
 *
 * Needs `wrk` on PATH. Builds the apps (Nx caches what is fresh), boots a test stack at the
 * deployed log level (info), registers one stock item, then measures with wrk:
 *  - GET /health/live: req/s at 64 connections (the gateway's own floor: no NATS, no auth);
 *  - GET /api/v1/stock-items/lookup?code=: req/s at 64 connections (a cached read through
 *    auth, rate limit, NATS and the inventory service), and p50/p99 from one connection.
 * Each run is preceded by a warm-up run, so the JIT has compiled the path. The machine's load
 * average is printed with the figures: on a shared 2-core machine it explains a bad run.
 * Progress goes to stderr; the table to stdout; figures to bench/results/gateway.json.
 */
import { bootBenchStack, ok, wrk, wrkInstalled, WrkRun, writeResult } from './stack';
import { runBench } from './stats';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = 64;

const log = (line: string) => process.stderr.write(`${line}\n`);
/** The gateway's figures are whole requests a second. */
const whole = (run: WrkRun): WrkRun => ({ ...run, requestsPerSecond: Math.round(run.requestsPerSecond) });

async function main(): Promise<void> {
  if (!wrkInstalled()) throw new Error('wrk is not installed (apt-get install -y wrk)');
  // As deployed: the default log level (info), so that request logging costs what it costs.
  const stack = await bootBenchStack(log, { RATE_LIMIT_PER_SECOND: '1000000' }, 'info');
  try {
    const locationId = (await ok(stack, 'POST', '/locations', { name: 'Bench shop' })).id;
    const skuId = (await ok(stack, 'POST', '/skus', { code: 'GW-BIKE', name: 'Bench bike', attributes: {} })).id;
    await ok(stack, 'POST', '/stock-items', { skuId, locationId, tracking: 'serialized', codes: ['GW-000001'] });
    const live = `${stack.url}/health/live`;
    const lookup = `${stack.url}/api/v1/stock-items/lookup?code=GW-000001`;
    const key = stack.keys.admin;

    log(`GET /health/live, ${CONNECTIONS} connections, ${SECONDS} s (after a warm-up)…`);
    wrk(live, CONNECTIONS, 3);
    const liveRun = whole(wrk(live, CONNECTIONS, SECONDS));
    log(`  ${liveRun.requestsPerSecond} req/s (load ${liveRun.load1})`);

    log(`GET lookup (cached), ${CONNECTIONS} connections, ${SECONDS} s (after a warm-up)…`);
    wrk(lookup, CONNECTIONS, 3, key);
    const lookupRun = whole(wrk(lookup, CONNECTIONS, SECONDS, key));
    log(`  ${lookupRun.requestsPerSecond} req/s (load ${lookupRun.load1})`);

    log(`GET lookup (cached), 1 connection, ${SECONDS} s…`);
    const oneRun = whole(wrk(lookup, 1, SECONDS, key));
    log(`  p50 ${oneRun.p50Ms} ms, p99 ${oneRun.p99Ms} ms (load ${oneRun.load1})`);

    for (const [name, run] of [
      ['health/live', liveRun],
      ['lookup', lookupRun],
      ['lookup (1 connection)', oneRun],
    ] as const) {
      if (run.non2xx > 0) throw new Error(`${name}: ${run.non2xx} answers were not 2xx`);
    }

    const results = {
      healthLive64: { requestsPerSecond: liveRun.requestsPerSecond, load1: liveRun.load1 },
      lookup64: { requestsPerSecond: lookupRun.requestsPerSecond, load1: lookupRun.load1 },
      lookup1: { p50Ms: oneRun.p50Ms, p99Ms: oneRun.p99Ms, load1: oneRun.load1 },
    };
    const table = [
      [`GET /health/live, ${CONNECTIONS} connections`, `${liveRun.requestsPerSecond} req/s (target ≥ 5,000)`],
      [`cached lookup, ${CONNECTIONS} connections`, `${lookupRun.requestsPerSecond} req/s (target ≥ 3,000)`],
      [`cached lookup p50, 1 connection`, `${oneRun.p50Ms} ms (target ≤ 2 ms)`],
      [`cached lookup p99, 1 connection`, `${oneRun.p99Ms} ms`],
      [`load average (1 min) at the three runs`, `${liveRun.load1} / ${lookupRun.load1} / ${oneRun.load1}`],
    ];
    console.log('\nGateway benchmark (2 shared cores)');
    console.table(Object.fromEntries(table.map(([k, v]) => [k, { value: v }])));
    writeResult('gateway', results);
  } finally {
    await stack.stop();
  }
}

runBench(main);
