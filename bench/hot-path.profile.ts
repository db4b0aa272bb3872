/*
 * Where the CPU of one request goes, per process (issue 11 item 4).
 *   TS_NODE_PROJECT=bench/tsconfig.json node -r ts-node/register/transpile-only bench/hot-path.profile.ts
 *
 * Boots the stack with every app profiled (bench/cpu-profile-preload.js: node refuses --cpu-prof
 * in NODE_OPTIONS), sets up one listing over a few units, drives availability (or, with
 * PROFILE_ROUTE=lookup, a stock-item lookup; PROFILE_ROUTE=orders, POST /orders) through the gateway with wrk (64 connections) for
 * BENCH_SECONDS, stops the stack (each app writes its profile on exit) and prints, for the gateway
 * and the service behind the route, CPU time per request and the top self-time functions. Profiles stay in
 * .data/profiles/<ns>/ for Chrome DevTools or speedscope. BENCH_SKIP_BUILD=1 skips the build.
 * PROFILE_CPU_ONLY=1 skips the V8 profiler and prints each process's CPU per request from /proc
 * (FerretDB and nats-server included); PROFILE_REPLICAS=2 adds a replica of orders and
 * availability; PROFILE_STOP_REPORTING=1 stops reporting after the warm-up (what it costs the rest).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPS, findRepoRoot, Instance } from '../libs/platform/stack/src';
import { bootBenchStack, ok, wrk } from './stack';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const TOP = Number(process.env['PROFILE_TOP'] ?? 25);
/**
 * PROFILE_ROUTE=lookup drives a cached stock-item lookup (and profiles inventory) instead of
 * availability; PROFILE_ROUTE=orders drives POST /orders of one rental line (bench/orders.lua,
 * 200 serialized units) and profiles every app.
 */
const ROUTE = process.env['PROFILE_ROUTE'] ?? 'availability';
const log = (line: string) => process.stderr.write(`${line}\n`);
/** PROFILE_CPU_ONLY=1: no V8 profiler, only each process's CPU time (from /proc) over the run. */
const CPU_ONLY = process.env['PROFILE_CPU_ONLY'] === '1';

/** User + system CPU of a process so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

function pidsOf(name: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', name], { encoding: 'utf8' }).trim().split('\n').map(Number);
  } catch {
    return [];
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Self time per function (µs), idle and GC apart, over the samples taken in [from, to] (µs since profile start). */
function selfTimes(p: CpuProfile, from: number, to: number): { total: number; rows: [string, number][] } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let t = 0;
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i];
    if (t < from || t > to) continue;
    const node = byId.get(p.samples[i]);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    const dt = p.timeDeltas[i + 1] ?? 0;
    const file = url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/');
    const key = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
  return { total, rows: [...self.entries()].sort((a, b) => b[1] - a[1]) };
}

async function main(): Promise<void> {
  const dir = join(findRepoRoot(__dirname), '.data', 'profiles', `p${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  const stack = await bootBenchStack(
    log,
    {
      RATE_LIMIT_PER_SECOND: '1000000',
      ...(CPU_ONLY
        ? {}
        : { NODE_OPTIONS: `--require ${join(__dirname, 'cpu-profile-preload.js')}`, CPU_PROFILE_DIR: dir }),
    },
    process.env['BENCH_LOG_LEVEL'] ?? 'info',
  );
  /** PROFILE_REPLICAS=2: a second replica of orders and availability (as the orders bench runs). */
  const replicas = Number(process.env['PROFILE_REPLICAS'] ?? 1);
  const instances: Instance[] = [...APPS];
  for (let r = 2; r <= replicas; r++) {
    for (const app of ['orders', 'availability'] as const) {
      stack.apps.start(app, {}, r);
      instances.push(`${app}#${r}`);
    }
  }
  if (replicas > 1) await stack.apps.waitReady(60_000);
  let requests = 0;
  // V8 profile timestamps and process.hrtime are both the machine's monotonic clock (µs / ns).
  const nowUs = () => Number(process.hrtime.bigint() / 1000n);
  let windowStart = 0;
  let windowEnd = 0;
  try {
    const locationId = (await ok(stack, 'POST', '/locations', { name: 'Profile shop' })).id;
    const sku = await ok(stack, 'POST', '/skus', { code: 'PR-BIKE', name: 'Profile bike', attributes: {} });
    const units = ROUTE === 'orders' ? 200 : 20;
    for (let n = 0; n < units; n += 100)
      await ok(stack, 'POST', '/stock-items/batch', {
        skuId: sku.id,
        locationId,
        count: Math.min(100, units - n),
        tracking: 'serialized',
      });
    const listing = await ok(stack, 'POST', '/listings', {
      name: 'Profile listing',
      status: 'published',
      channels: { onlineStore: true, admin: true, checkIn: true },
      priceTables:
        ROUTE === 'orders' ? [{ name: 'Daily', currency: 'EUR', rates: [{ unit: 'day', amount: 4000 }] }] : [],
      locationIds: [locationId],
      fulfillmentRules: [{ quantity: 1, match: { skuCodes: ['PR-BIKE'] } }],
    });
    const items = await ok(stack, 'GET', `/stock-items?limit=1`);
    const code = items.items[0].codes[0];
    const path =
      ROUTE === 'lookup'
        ? `/stock-items/lookup?code=${encodeURIComponent(code)}`
        : `/listings/${listing.id}/availability?start=2027-06-01T10:00:00Z&end=2027-06-04T10:00:00Z`;
    const deadline = Date.now() + 20_000;
    while ((await ok(stack, 'GET', path)).quantity < units && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    const orders = {
      path: join(__dirname, 'orders.lua'),
      env: { ORDERS_LOCATION: locationId, ORDERS_LISTING: listing.id, ORDERS_KEY: stack.keys.admin },
    };
    const url = ROUTE === 'orders' ? `${stack.url}/api/v1/orders` : `${stack.url}/api/v1${path}`;
    const drive = (seconds: number, seed: number) =>
      ROUTE === 'orders'
        ? wrk(url, 64, seconds, undefined, { ...orders, env: { ...orders.env, ORDERS_SEED: String(seed) } })
        : wrk(url, 64, seconds, stack.keys.admin);
    drive(3, 1);
    if (process.env['PROFILE_STOP_REPORTING'] === '1') await stack.apps.stop('reporting');
    const processes: [string, number][] = [
      ...instances.map((app): [string, number] => [app, stack.apps.pid(app) ?? NaN]),
      ...pidsOf('ferretdb').map((pid): [string, number] => [`ferretdb ${pid}`, pid]),
      ...pidsOf('nats-server').map((pid): [string, number] => [`nats-server ${pid}`, pid]),
    ];
    const before = processes.map(([, pid]) => cpuMs(pid));
    windowStart = nowUs();
    const run = drive(SECONDS, 2);
    windowEnd = nowUs();
    const cpu = processes.map(([name, pid], i) => [name, cpuMs(pid) - before[i]] as const);
    requests = Math.round(run.requestsPerSecond * SECONDS);
    log('CPU per request, per process (from /proc):');
    for (const [name, ms] of cpu) log(`  ${name.padEnd(22)} ${((ms / requests) * 1000).toFixed(0).padStart(6)} µs`);
    const sum = cpu.reduce((n, [, ms]) => n + (Number.isNaN(ms) ? 0 : ms), 0);
    log(`  ${'all'.padEnd(22)} ${((sum / requests) * 1000).toFixed(0).padStart(6)} µs`);
    log(
      `${ROUTE}, 64 connections: ${run.requestsPerSecond} req/s, p50 ${run.p50Ms} ms (load ${run.load1}, non-2xx ${run.non2xx})`,
    );
  } finally {
    await stack.stop();
  }
  await new Promise((r) => setTimeout(r, 1000));
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const app = /dist\/apps\/([a-z]+)\/main\.js/.exec(p.nodes.map((n) => n.callFrame.url).join(' '))?.[1] ?? file;
    const service = ROUTE === 'lookup' ? 'inventory' : 'availability';
    if (!['gateway', service].includes(app) && !process.env['PROFILE_ALL'] && ROUTE !== 'orders') continue;
    const { total, rows } = selfTimes(p, windowStart - p.startTime, windowEnd - p.startTime);
    const perRequest = requests ? ((total / requests) * 1).toFixed(0) : '?';
    log(`\n${app}: ${(total / 1000).toFixed(0)} ms CPU in the measured run, ${perRequest} µs per request`);
    for (const [name, us] of rows.slice(0, TOP)) log(`  ${(us / 1000).toFixed(1).padStart(8)} ms  ${name}`);
  }
  log(
    `\nrequests in the measured run: ${requests} (window ${Math.round((windowEnd - windowStart) / 1000)} ms); profiles in ${dir}`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
