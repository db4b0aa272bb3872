/**
 * `npm run bench`: every benchmark, one after another, then one summary table of the figures
 * they wrote to bench/results/*.json. Each benchmark also prints its own detailed table.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const benches = [
  { name: 'engine', file: 'bench/engine.bench.ts', result: 'bench/results/engine.json' },
  { name: 'inventory', file: 'bench/inventory.bench.ts', result: 'bench/results/inventory.json' },
  { name: 'gateway', file: 'bench/gateway.bench.ts', result: 'bench/results/gateway.json' },
  { name: 'metrics', file: 'bench/metrics.bench.ts', result: 'bench/results/metrics.json' },
  { name: 'availability', file: 'bench/availability.bench.ts', result: 'bench/results/availability.json' },
  {
    name: 'reservations-core',
    file: 'bench/reservations-core.bench.ts',
    result: 'bench/results/reservations-core.json',
  },
  { name: 'reporting', file: 'bench/reporting.bench.ts', result: 'bench/results/reporting.json' },
];

// BENCH_ONLY=gateway,availability runs some phases; the summary still shows every result file.
const only = process.env['BENCH_ONLY']?.split(',').map((s) => s.trim());
let failed = false;
for (const b of benches) {
  if (!existsSync(join(root, b.file)) || (only && !only.includes(b.name))) continue;
  process.stderr.write(`\n=== bench: ${b.name} (${b.file})\n`);
  const run = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', b.file],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, TS_NODE_PROJECT: 'bench/tsconfig.json' },
    },
  );
  if (run.status !== 0) {
    failed = true;
    process.stderr.write(`bench ${b.name} failed (exit ${run.status})\n`);
  }
}

const rows: { bench: string; figure: string; value: string }[] = [];
for (const b of benches) {
  const path = join(root, b.result);
  if (!existsSync(path)) continue;
  const data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const add = (prefix: string, obj: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(obj)) {
      const figure = prefix ? `${prefix}.${key}` : key;
      if (typeof value === 'number' || typeof value === 'string')
        rows.push({ bench: b.name, figure, value: String(value) });
      else if (value && typeof value === 'object' && !Array.isArray(value))
        add(figure, value as Record<string, unknown>);
    }
  };
  add('', data);
}
console.log('\nSummary (bench/results/*.json)');
console.table(rows);
process.exit(failed ? 1 : 0);
