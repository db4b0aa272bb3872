/** The booting and calling that the end-to-end benchmarks share. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApps, findRepoRoot, startTestStack, TestStack } from '../libs/platform/stack/src';

/**
 * Builds the apps (unless BENCH_SKIP_BUILD) and boots a fresh stack with `env`; the services
 * log at `logLevel` unless BENCH_LOG_LEVEL says otherwise.
 */
export async function bootBenchStack(
  log: (line: string) => void,
  env: Record<string, string> = {},
  logLevel = 'warn',
): Promise<TestStack> {
  if (!process.env['BENCH_SKIP_BUILD']) {
    log('Building the apps…');
    await buildApps(findRepoRoot(__dirname), 'ignore');
  }
  log('Booting the stack…');
  return startTestStack({ env: { LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? logLevel, ...env } });
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
