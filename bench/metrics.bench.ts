/*
 * What metrics cost on the gateway's hot path: the gateway benchmark's two runs (GET /health/live
 * and a cached stock-item lookup, 64 connections) with metrics on and with METRICS=off, in
 * alternating rounds on one stack (gateway and inventory restarted between modes), so that both
 * modes see the same machine. Besides req/s (noisy on a shared machine) it reports CPU time per
 * request of the gateway and the inventory service (process_cpu_seconds_total, read from their
 * /metrics around each run), which load from other processes disturbs far less.
 *   BENCH_ONLY=metrics npm run bench        (BENCH_SECONDS=10, BENCH_ROUNDS=3)
 * Figures to bench/results/metrics.json.
 */
import { recordHttp, recordRpc, startTimer } from '@circulate/platform/messaging';
import { buildApps, findRepoRoot, startTestStack, TestStack } from '@circulate/platform/stack';
import { loadavg } from 'node:os';
import { ok, wrk, wrkInstalled, writeResult } from './stack';
import { runBench } from './stats';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const CONNECTIONS = 64;
const log = (line: string) => process.stderr.write(`${line}\n`);

type Mode = 'on' | 'off';
interface Sample {
  /** 2xx answers a second. */
  rps: number;
  non2xx: number;
  cpuUsPerRequest: number;
  load1: number;
}

async function cpuSeconds(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = /^process_cpu_seconds_total(?:\{[^}]*\})? ([\d.e+-]+)$/m.exec(text);
  if (!m) throw new Error(`no process_cpu_seconds_total at ${url}/metrics`);
  return Number(m[1]);
}

async function restart(stack: TestStack, mode: Mode): Promise<void> {
  const env = { METRICS: mode };
  await Promise.all([stack.apps.stop('gateway'), stack.apps.stop('inventory')]);
  stack.apps.start('inventory', env);
  stack.apps.start('gateway', env);
  await stack.apps.waitReady(60_000);
}

async function measure(stack: TestStack, url: string, key?: string): Promise<Sample> {
  wrk(url, CONNECTIONS, 3, key); // warm-up: the JIT compiles the path
  const inventory = stack.apps.probeUrl('inventory');
  const before = (await cpuSeconds(stack.url)) + (await cpuSeconds(inventory));
  const run = wrk(url, CONNECTIONS, SECONDS, key);
  const after = (await cpuSeconds(stack.url)) + (await cpuSeconds(inventory));
  const requests = Number(/(\d+) requests in/.exec(run.output)?.[1] ?? NaN);
  // Answers that were not 2xx (timeouts on an overloaded machine) are reported, not counted as served.
  return {
    rps: Math.round(run.requestsPerSecond * (1 - run.non2xx / requests)),
    cpuUsPerRequest: ((after - before) * 1e6) / requests,
    load1: run.load1,
    non2xx: run.non2xx,
  };
}

/**
 * What recording costs one cached lookup, in this process: the gateway's HTTP observe and its RPC
 * client timer, the service's RPC server timer (two hrtime reads each), over a few label sets as
 * in production. CPU time, so it holds under load better than req/s does.
 */
function hotPathNsPerRequest(n = 500_000): number {
  const routes = ['/api/v1/stock-items/:id', '/api/v1/stock-items/lookup', '/health/live', '/api/v1/skus/:id'];
  const started = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const route = routes[i & 3];
    const client = startTimer();
    const server = startTimer();
    recordRpc('server', 'inventory.stock-item.lookup.v1', 'ok', server());
    recordRpc('client', 'inventory.stock-item.lookup.v1', 'ok', client());
    recordHttp('GET', route, i % 50 === 0 ? 404 : 200, 0.0012);
  }
  const used = process.cpuUsage(started);
  return ((used.user + used.system) * 1000) / n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round1 = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  if (!wrkInstalled()) throw new Error('wrk is not installed (apt-get install -y wrk)');
  hotPathNsPerRequest(100_000); // warm-up
  const hotPathNs = Math.round(median([hotPathNsPerRequest(), hotPathNsPerRequest(), hotPathNsPerRequest()]));
  log(`metrics recording per cached lookup: ${hotPathNs} ns CPU`);
  if (!process.env['BENCH_SKIP_BUILD']) await buildApps(findRepoRoot(__dirname), 'ignore');
  const stack = await startTestStack({
    probes: true,
    env: { LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'info', RATE_LIMIT_PER_SECOND: '1000000' },
  });
  try {
    const locationId = (await ok(stack, 'POST', '/locations', { name: 'Bench shop' })).id;
    const skuId = (await ok(stack, 'POST', '/skus', { code: 'MX-BIKE', name: 'Bench bike', attributes: {} })).id;
    await ok(stack, 'POST', '/stock-items', { skuId, locationId, tracking: 'serialized', codes: ['MX-000001'] });
    const runs = {
      live: { url: `${stack.url}/health/live`, key: undefined as string | undefined },
      lookup: { url: `${stack.url}/api/v1/stock-items/lookup?code=MX-000001`, key: stack.keys.admin },
    };
    const samples: Record<keyof typeof runs, Record<Mode, Sample[]>> = {
      live: { on: [], off: [] },
      lookup: { on: [], off: [] },
    };
    for (let round = 0; round < ROUNDS; round++) {
      const order: Mode[] = round % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
      for (const mode of order) {
        await restart(stack, mode);
        for (const [name, r] of Object.entries(runs) as [keyof typeof runs, (typeof runs)['live']][]) {
          const s = await measure(stack, r.url, r.key);
          samples[name][mode].push(s);
          log(
            `round ${round + 1} metrics ${mode} ${name}: ${s.rps} req/s, ${round1(s.cpuUsPerRequest)} µs CPU/request, ${s.non2xx} non-2xx (load ${s.load1})`,
          );
        }
      }
    }
    const results: Record<string, unknown> = {
      rounds: ROUNDS,
      seconds: SECONDS,
      load1AtEnd: Math.round(loadavg()[0] * 100) / 100,
    };
    const table: Record<string, { value: string }> = {};
    for (const name of Object.keys(runs) as (keyof typeof runs)[]) {
      const of = (mode: Mode, f: keyof Sample) => median(samples[name][mode].map((s) => s[f]));
      const rpsChange = of('on', 'rps') / of('off', 'rps') - 1;
      const cpuChange = of('on', 'cpuUsPerRequest') / of('off', 'cpuUsPerRequest') - 1;
      results[name] = {
        rpsOn: of('on', 'rps'),
        rpsOff: of('off', 'rps'),
        rpsChangePct: round1(rpsChange * 100),
        cpuUsPerRequestOn: round1(of('on', 'cpuUsPerRequest')),
        cpuUsPerRequestOff: round1(of('off', 'cpuUsPerRequest')),
        cpuChangePct: round1(cpuChange * 100),
      };
      table[`${name}: req/s, metrics on / off (median of ${ROUNDS})`] = {
        value: `${of('on', 'rps')} / ${of('off', 'rps')} (${round1(rpsChange * 100)}%; target ≥ −5%)`,
      };
      table[`${name}: CPU µs/request, gateway + inventory, on / off`] = {
        value: `${round1(of('on', 'cpuUsPerRequest'))} / ${round1(of('off', 'cpuUsPerRequest'))} (${round1(cpuChange * 100)}%)`,
      };
    }
    table['metrics recording per cached lookup (gateway HTTP + RPC client, service RPC server), CPU'] = {
      value: `${hotPathNs} ns`,
    };
    console.log('\nMetrics overhead on the gateway benchmark (2 shared cores)');
    console.table(table);
    writeResult('metrics', results);
  } finally {
    await stack.stop();
  }
}

runBench(main);
