/** The booting and calling that the end-to-end benchmarks share. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { buildApps, findRepoRoot, startTestStack, TestStack } from '../libs/platform/stack/src';
import { round } from './stats';

/**
 * Builds the apps (unless BENCH_SKIP_BUILD) and boots a fresh stack with `env`; the services
 * log at `logLevel` unless BENCH_LOG_LEVEL says otherwise; `replicas` of every domain service.
 */
export async function bootBenchStack(
  log: (line: string) => void,
  env: Record<string, string> = {},
  logLevel = 'warn',
  replicas = 1,
): Promise<TestStack> {
  if (!process.env['BENCH_SKIP_BUILD']) {
    log('Building the apps…');
    await buildApps(findRepoRoot(__dirname), 'ignore');
  }
  log('Booting the stack…');
  return startTestStack({ replicas, env: { LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? logLevel, ...env } });
}

/** A call that must succeed: its body, or an error naming the call and its answer. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function ok(stack: TestStack, method: string, path: string, body?: unknown): Promise<any> {
  const res = await stack.http(method, path, { body });
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body;
}

/** Writes a benchmark's figures to bench/results/<name>.json, where `npm run bench` sums them up. */
export function writeResult(name: string, results: unknown): void {
  const dir = join(findRepoRoot(__dirname), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
}

export const wrkInstalled = (): boolean => !spawnSync('wrk', ['--version']).error;

export interface WrkRun {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  load1: number;
  /** What wrk printed. */
  output: string;
}

/** wrk's `--latency` percentiles are printed as `50%  1.23ms` (or us, s). */
function wrkLatency(out: string, pct: string): number {
  const m = new RegExp(`^\\s*${pct}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(out);
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

/**
 * One wrk run against `url` (`--latency`, up to 2 threads), with the 1-minute load average at its
 * start; `script` is a wrk Lua script and the environment it reads.
 */
export function wrk(
  url: string,
  connections: number,
  seconds: number,
  key?: string,
  script?: { path: string; env: Record<string, string> },
  threads = Math.min(2, connections),
): WrkRun {
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--latency'];
  if (key) args.push('-H', `Authorization: Bearer ${key}`);
  if (script) args.push('-s', script.path);
  const load1 = round(loadavg()[0], 2);
  const out = execFileSync('wrk', [...args, url], {
    encoding: 'utf8',
    env: { ...process.env, ...(script?.env ?? {}) },
  });
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
  return {
    requestsPerSecond: rps ? Number(rps[1]) : NaN,
    p50Ms: round(wrkLatency(out, '50'), 2),
    p99Ms: round(wrkLatency(out, '99'), 2),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    load1,
    output: out,
  };
}
