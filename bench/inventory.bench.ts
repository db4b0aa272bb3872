/*
 * Inventory benchmark, through the real stack (gateway → NATS → inventory → FerretDB).
 *   TS_NODE_PROJECT=bench/tsconfig.json node -r ts-node/register/transpile-only bench/inventory.bench.ts
 *
 * Builds the apps (Nx caches what is fresh), boots a test stack on a fresh namespace, then:
 *  - batch registration of 1,000 serialized items in one call (median of 3 runs);
 *  - registration of 10,000 items in total (batches of 1,000);
 *  - code lookup (GET /stock-items/lookup?code=) p50/p99 over 1,000 lookups with 10,000 items,
 *    as deployed (read caches on), then again with inventory restarted with its caches off.
 * Progress goes to stderr; the table to stdout; figures to bench/results/inventory.json.
 */
import { bootBenchStack, ok, writeResult } from './stack';
import { median, pct, prng, round, runBench } from './stats';

const BATCH = Number(process.env['BENCH_BATCH'] ?? 1000);
const TOTAL = Number(process.env['BENCH_TOTAL'] ?? 10_000);
const LOOKUPS = 1000;
const CHANGES = 200;
/** Lookups before measuring, so the JIT has compiled the lookup path (a running server has). */
const WARMUP = 1000;

const log = (line: string) => process.stderr.write(`${line}\n`);

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error('the restarted service did not answer in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<void> {
  // The services' own defaults (outbox sweep every 30 s, read caches on), as deployed.
  const stack = await bootBenchStack(log);
  try {
    const locationId = (await ok(stack, 'POST', '/locations', { name: 'Bench shop' })).id;
    const skuId = (
      await ok(stack, 'POST', '/skus', { code: 'BENCH-BIKE', name: 'Bench bike', attributes: { size: 'M' } })
    ).id;
    const codeOf = (n: number) => `BENCH-${String(n).padStart(6, '0')}`;
    let next = 0;
    const batch = async (): Promise<number> => {
      const codes = Array.from({ length: BATCH }, () => codeOf(next++));
      const t0 = process.hrtime.bigint();
      const body = await ok(stack, 'POST', '/stock-items/batch', {
        skuId,
        locationId,
        count: BATCH,
        tracking: 'serialized',
        codes,
      });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (body.items.length !== BATCH) throw new Error(`batch registered ${body.items.length} items`);
      return ms;
    };

    log(`Batch registration of ${BATCH} serialized items, 3 runs…`);
    const batchRuns: number[] = [];
    for (let i = 0; i < 3; i++) {
      batchRuns.push(await batch());
      log(`  run ${i + 1}: ${round(batchRuns[i], 0)} ms`);
    }

    log(`Registering up to ${TOTAL} items…`);
    const totalStart = Date.now();
    const allRuns = [...batchRuns];
    while (next < TOTAL) {
      allRuns.push(await batch());
      log(`  ${next} / ${TOTAL}`);
    }
    const totalMs = allRuns.reduce((a, b) => a + b, 0);
    log(`  (${Date.now() - totalStart} ms after the first 3 batches)`);

    const rnd = prng(42);
    const pick = () => codeOf(Math.floor(rnd() * TOTAL));
    const lookups = async (label: string): Promise<number[]> => {
      log(`Code lookups through the gateway (${label}): ${WARMUP} warm-up, ${LOOKUPS} measured…`);
      for (let i = 0; i < WARMUP; i++) await ok(stack, 'GET', `/stock-items/lookup?code=${pick()}`);
      const samples: number[] = [];
      for (let i = 0; i < LOOKUPS; i++) {
        const code = pick();
        const t0 = process.hrtime.bigint();
        const item = await ok(stack, 'GET', `/stock-items/lookup?code=${code}`);
        samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (!item.codes.includes(code)) throw new Error(`lookup of ${code} found the wrong item`);
        if ((i + 1) % 250 === 0) log(`  ${i + 1} / ${LOOKUPS}`);
      }
      return samples.sort((a, b) => a - b);
    };
    // As deployed: the inventory replica that registered the items has them in its read caches.
    const samples = await lookups('read caches on');

    // One change of one item: its lease, read, write (fields, timeline and event in one document
    // write), cache invalidation broadcast and event publish.
    log(`Stock item changes (PATCH condition): ${CHANGES} measured…`);
    const changes: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const { id } = await ok(stack, 'GET', `/stock-items/lookup?code=${pick()}`);
      const t0 = process.hrtime.bigint();
      await ok(stack, 'PATCH', `/stock-items/${id}`, { condition: i % 2 ? 'good' : 'worn' });
      changes.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    changes.sort((a, b) => a - b);

    // Every lookup from the database: the inventory service restarted with its caches off.
    log('Restarting inventory with READ_CACHE_TTL_MS=0…');
    await stack.apps.stop('inventory');
    stack.apps.start('inventory', { READ_CACHE_TTL_MS: '0' });
    await stack.apps.waitReady();
    await waitUntil(async () => (await stack.http('GET', `/stock-items/lookup?code=${codeOf(0)}`)).status === 200);
    const cold = await lookups('read caches off');

    /** Lookup latencies (sorted ms) as the results report them. */
    const lookupFigures = (xs: number[]) => ({
      count: LOOKUPS,
      items: TOTAL,
      p50: round(pct(xs, 50)),
      p99: round(pct(xs, 99)),
      max: round(xs[xs.length - 1]),
    });
    const results = {
      at: new Date().toISOString(),
      machine: { cpus: require('node:os').cpus().length, node: process.version },
      batchRegistration1000Ms: { median: round(median(batchRuns), 1), runs: batchRuns.map((x) => round(x, 1)) },
      registration10000Ms: {
        total: round(totalMs, 0),
        batches: allRuns.length,
        itemsPerSecond: round((TOTAL / totalMs) * 1000, 0),
      },
      lookupMs: { ...lookupFigures(samples), targetP50: 3 },
      itemChangeMs: { count: CHANGES, p50: round(pct(changes, 50)), p99: round(pct(changes, 99)) },
      lookupCachesOffMs: lookupFigures(cold),
    };
    const rows: [string, string][] = [
      [`batch registration, ${BATCH} serialized items (median of 3)`, `${results.batchRegistration1000Ms.median} ms`],
      [
        `registration of ${TOTAL} items (${allRuns.length} batches)`,
        `${results.registration10000Ms.total} ms (${results.registration10000Ms.itemsPerSecond} items/s)`,
      ],
      [`code lookup p50 (${LOOKUPS} lookups, ${TOTAL} items)`, `${results.lookupMs.p50} ms (target ≤ 3 ms)`],
      [`code lookup p99`, `${results.lookupMs.p99} ms`],
      [`code lookup p50, read caches off (every lookup reads the database)`, `${results.lookupCachesOffMs.p50} ms`],
      [`code lookup p99, read caches off`, `${results.lookupCachesOffMs.p99} ms`],
      [
        `stock item change (PATCH condition) p50 / p99 (${CHANGES} changes)`,
        `${results.itemChangeMs.p50} / ${results.itemChangeMs.p99} ms`,
      ],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log('\nInventory benchmark (gateway → NATS → inventory → FerretDB)');
    for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
    writeResult('inventory', results);
    log('Wrote bench/results/inventory.json');
  } catch (err) {
    log(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  } finally {
    log('Stopping the stack…');
    await stack.stop();
  }
}

runBench(main);
