/*
 * Availability engine benchmark.
 *   TS_NODE_PROJECT=bench/tsconfig.json node -r ts-node/register/transpile-only bench/engine.bench.ts
 *
 * A synthetic tenant: 10,000 stock items (8,000 serialized units over 200 SKUs, 2,000 pools
 * over 200 pool SKUs) and 100,000 reservations over one year, from a seeded PRNG. Then the same
 * items with 1,000,000 reservations (ten times denser) for the growth ratio. Writes
 * bench/results/engine.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AvailabilityIndex,
  allocate,
  calendar,
  checkAvailability,
  parseDate,
  startOfDay,
  type AvailabilityRequest,
  type EngineListing,
  type EngineReservation,
  type EngineStockItem,
} from '../libs/availability/engine/src';
import { pct, prng, round } from './stats';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const YEAR_START = Date.UTC(2025, 0, 1);
const YEAR = 365 * DAY;
const SKU_COUNT = 200;
const UNITS_PER_SKU = 40;
const POOL_SKU_COUNT = 200;
const POOLS_PER_SKU = 10;
const LOCATIONS = ['loc_hel', 'loc_tku', 'loc_tmp', 'loc_oul'];

const sku = (i: number): string => `BIK-${String(i).padStart(3, '0')}`;
const poolSku = (i: number): string => `HLM-${String(i).padStart(3, '0')}`;

function progress(label: string, done: number, total: number): void {
  if (done === total || (done < total && done % Math.max(1, Math.floor(total / 20)) === 0)) {
    process.stderr.write(`\r  ${label}: ${Math.round((done / total) * 100)}%   `);
    if (done === total) process.stderr.write('\n');
  }
}

function buildItems(): EngineStockItem[] {
  const rnd = prng(1);
  const items: EngineStockItem[] = [];
  for (let s = 0; s < SKU_COUNT; s++) {
    for (let u = 0; u < UNITS_PER_SKU; u++) {
      items.push({
        id: `ski_u${s}_${u}`,
        tracking: 'serialized',
        quantity: 1,
        status: rnd() < 0.03 ? 'out_of_use' : 'in_use',
        locationId: LOCATIONS[Math.floor(rnd() * LOCATIONS.length)],
        skuCode: sku(s),
        attributes: { size: ['S', 'M', 'L'][s % 3], brand: `brand${s % 7}`, ebike: s % 5 === 0 },
      });
    }
  }
  for (let s = 0; s < POOL_SKU_COUNT; s++) {
    for (let p = 0; p < POOLS_PER_SKU; p++) {
      items.push({
        id: `ski_p${s}_${p}`,
        tracking: 'pooled',
        quantity: 5 + Math.floor(rnd() * 46),
        status: 'in_use',
        locationId: LOCATIONS[p % LOCATIONS.length],
        skuCode: poolSku(s),
        attributes: { kind: 'helmet', size: ['S', 'M', 'L'][p % 3] },
      });
    }
  }
  return items;
}

/**
 * `perUnit` bookings per serialized unit (non-overlapping: one per slot of the year) and
 * `perPool` holds per pool (random, overlapping, 1..quantity/4 units each).
 */
function buildIndex(
  items: readonly EngineStockItem[],
  perUnit: number,
  perPool: number,
  label: string,
): AvailabilityIndex {
  const rnd = prng(perUnit * 1000 + perPool);
  const index = new AvailabilityIndex();
  for (const item of items) index.upsertItem(item);
  const slot = YEAR / perUnit;
  const maxUnitLen = Math.min(7 * DAY, slot * 0.7);
  const total = items.reduce((n, it) => n + (it.tracking === 'serialized' ? perUnit : perPool), 0);
  let n = 0;
  let seq = 0;
  for (const item of items) {
    if (item.tracking === 'serialized') {
      for (let k = 0; k < perUnit; k++) {
        const len = HOUR + Math.floor(rnd() * (maxUnitLen - HOUR));
        const start = YEAR_START + Math.floor(k * slot + rnd() * (slot - len));
        index.addReservation({ id: `res_${++seq}`, stockItemId: item.id, quantity: 1, start, end: start + len });
        if (++n % 10_000 === 0 && n < total) progress(label, n, total);
      }
    } else {
      const maxLen = perPool > 50 ? 2 * DAY : 7 * DAY;
      for (let k = 0; k < perPool; k++) {
        const len = HOUR + Math.floor(rnd() * maxLen);
        const start = YEAR_START + Math.floor(rnd() * (YEAR - len));
        const r: EngineReservation = {
          id: `res_${++seq}`,
          stockItemId: item.id,
          quantity: 1 + Math.floor(rnd() * Math.max(1, item.quantity / 4)),
          start,
          end: start + len,
        };
        index.addReservation(r);
        if (++n % 10_000 === 0 && n < total) progress(label, n, total);
      }
    }
  }
  progress(label, total, total);
  return index;
}

/** One rule naming 5 SKUs: ~200 serialized units. */
const fiveSkuListing: EngineListing = {
  rules: [{ id: 'rule_bike', quantity: 1, match: { skuCodes: [sku(0), sku(1), sku(2), sku(3), sku(4)] } }],
  locationIds: [],
};

/** A bundle whose rules share units (max-flow path): 2 bikes of two SKUs, 1 of an overlapping pair, 4 helmets. */
const bundleListing: EngineListing = {
  rules: [
    { id: 'rule_a', quantity: 2, match: { skuCodes: [sku(10), sku(11)] }, bufferAfter: 'PT2H' },
    { id: 'rule_b', quantity: 1, match: { skuCodes: [sku(11), sku(12)] }, bufferAfter: 'PT2H' },
    { id: 'rule_helmets', quantity: 4, match: { skuCodes: [poolSku(0), poolSku(1)] } },
  ],
  locationIds: [],
};

function requests(count: number, seed: number, lengthDays: number): AvailabilityRequest[] {
  const rnd = prng(seed);
  return Array.from({ length: count }, () => {
    const start = YEAR_START + Math.floor((rnd() * (YEAR - lengthDays * DAY)) / HOUR) * HOUR;
    return { start, end: start + lengthDays * DAY, quantity: 1 };
  });
}

/** Times `fn` per call (µs); returns sorted samples after `warmup` untimed calls. */
function measure(iterations: number, warmup: number, fn: (i: number) => unknown): number[] {
  let sink = 0;
  for (let i = 0; i < warmup; i++) if (fn(i)) sink++;
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    if (fn(i)) sink++;
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  if (sink < 0) console.log(sink);
  return Array.from(samples).sort((a, b) => a - b);
}

function main(): void {
  const t0 = Date.now();
  process.stderr.write('Building synthetic tenant (seeded)…\n');
  const items = buildItems();
  const index = buildIndex(items, 10, 10, '100k reservations');
  const matched = checkAvailability(index, fiveSkuListing, { start: YEAR_START, end: YEAR_START + 1 }).rules[0].free;
  process.stderr.write(
    `  ${index.itemCount} items, ${index.reservationCount} reservations; the 5-SKU rule matches ${matched} units\n`,
  );

  const checkReqs = requests(4096, 7, 3);
  const mask = checkReqs.length - 1;
  process.stderr.write('Measuring check…\n');
  const check = measure(50_000, 5_000, (i) => checkAvailability(index, fiveSkuListing, checkReqs[i & mask]).available);
  process.stderr.write('Measuring allocate…\n');
  const alloc = measure(20_000, 2_000, (i) => allocate(index, fiveSkuListing, checkReqs[i & mask]).ok);
  process.stderr.write('Measuring bundle check…\n');
  const bundle = measure(20_000, 2_000, (i) => checkAvailability(index, bundleListing, checkReqs[i & mask]).available);
  process.stderr.write('Measuring 90-day calendar…\n');
  const calRnd = prng(11);
  const calFrom = Array.from({ length: 64 }, () => {
    const d = new Date(YEAR_START + Math.floor(calRnd() * 270) * DAY);
    const to = new Date(d.getTime() + 90 * DAY);
    return { from: d.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
  });
  // Days the process has not seen yet: their local midnights still need Intl (the zone's
  // formatter itself is created once per process, outside the timing).
  startOfDay(parseDate('2000-01-01'), 'Australia/Sydney');
  const uncachedStart = process.hrtime.bigint();
  calendar(index, fiveSkuListing, { from: '2025-10-01', to: '2025-12-30', timeZone: 'Australia/Sydney' });
  const calendarUncachedMs = Number(process.hrtime.bigint() - uncachedStart) / 1e6;
  const cal = measure(
    1_000,
    100,
    (i) => calendar(index, fiveSkuListing, { ...calFrom[i & 63], timeZone: 'Europe/Helsinki' }).days.length,
  );
  const calBundle = measure(
    300,
    30,
    (i) => calendar(index, bundleListing, { ...calFrom[i & 63], timeZone: 'Europe/Helsinki' }).days.length,
  );

  process.stderr.write('Building 10× reservations on the same items…\n');
  const big = buildIndex(items, 100, 100, '1M reservations');
  process.stderr.write(`  ${big.itemCount} items, ${big.reservationCount} reservations\n`);
  process.stderr.write('Measuring check at 1M…\n');
  // Re-measure the base index right before, so both medians see the same process state.
  const checkBase = measure(
    50_000,
    5_000,
    (i) => checkAvailability(index, fiveSkuListing, checkReqs[i & mask]).available,
  );
  const checkBig = measure(50_000, 5_000, (i) => checkAvailability(big, fiveSkuListing, checkReqs[i & mask]).available);

  const result = {
    items: index.itemCount,
    reservations: index.reservationCount,
    matchedUnits: matched,
    checkMedianUs: round(pct(check, 50), 2),
    checkP99Us: round(pct(check, 99), 2),
    allocateMedianUs: round(pct(alloc, 50), 2),
    bundleCheckMedianUs: round(pct(bundle, 50), 2),
    calendar90dMedianMs: round(pct(cal, 50) / 1000, 3),
    bundleCalendar90dMedianMs: round(pct(calBundle, 50) / 1000, 3),
    calendar90dUncachedDaysMs: round(calendarUncachedMs, 3),
    checkMedianUsAt1M: round(pct(checkBig, 50), 2),
    growth10x: round(pct(checkBig, 50) / pct(checkBase, 50), 2),
    totalSeconds: round((Date.now() - t0) / 1000, 1),
  };

  const rows = [
    {
      metric: 'check, 1 rule × ~200 units (median)',
      value: `${result.checkMedianUs} µs`,
      target: '≤ 50 µs',
      ok: result.checkMedianUs <= 50,
    },
    { metric: 'check p99', value: `${result.checkP99Us} µs`, target: '', ok: true },
    { metric: 'allocate, best fit (median)', value: `${result.allocateMedianUs} µs`, target: '', ok: true },
    {
      metric: 'bundle check, shared units + pools (median)',
      value: `${result.bundleCheckMedianUs} µs`,
      target: '',
      ok: true,
    },
    {
      metric: 'calendar 90 days, Europe/Helsinki (median)',
      value: `${result.calendar90dMedianMs} ms`,
      target: '≤ 5 ms',
      ok: result.calendar90dMedianMs <= 5,
    },
    {
      metric: 'calendar 90 days, first call, days not seen before',
      value: `${result.calendar90dUncachedDaysMs} ms`,
      target: '',
      ok: true,
    },
    {
      metric: 'bundle calendar 90 days (median)',
      value: `${result.bundleCalendar90dMedianMs} ms`,
      target: '',
      ok: true,
    },
    {
      metric: 'check at 1,000,000 reservations (median)',
      value: `${result.checkMedianUsAt1M} µs`,
      target: '',
      ok: true,
    },
    { metric: 'growth 10× reservations', value: `${result.growth10x}×`, target: '≤ 2', ok: result.growth10x <= 2 },
  ];
  console.log(
    `\nAvailability engine — ${result.items} items, ${result.reservations} reservations (${matched} units matched)`,
  );
  console.table(rows);

  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'engine.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${join('bench', 'results', 'engine.json')} in ${result.totalSeconds} s`);
}

main();
