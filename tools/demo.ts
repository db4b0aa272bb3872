/**
 * `npm run demo`: loads a demo shop into a running Circulate through its public API.
 * Target: GATEWAY_URL (default http://127.0.0.1:$PORT, PORT default 3000) and API_KEY (default
 * the key `npm start` keeps in .data/demo-admin-key). Idempotent: every record has a stable
 * code or slug and is looked up before it is created, so a second run adds nothing. It only
 * ever writes through the key's own tenant.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { priceTable, skuRule } from '../libs/platform/stack/src/bodies';
import { findRepoRoot } from '../libs/platform/stack/src/test-stack';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const root = findRepoRoot(__dirname);
const base = (process.env['GATEWAY_URL'] ?? `http://127.0.0.1:${process.env['PORT'] ?? 3000}`).replace(/\/$/, '');
const api = `${base}/api/v1`;
const keyFile = join(root, '.data', 'demo-admin-key');
const key = process.env['API_KEY'] ?? (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : '');

let step = 0;
const TOTAL_STEPS = 9;
const say = (line: string) => process.stdout.write(`[demo] ${line}\n`);
const progress = (what: string) => say(`${++step}/${TOTAL_STEPS} ${what}`);
const counts = { created: 0, found: 0 };

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} answered ${status}: ${JSON.stringify(body)}`);
  }
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Json = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed };
}

async function must(method: string, path: string, body?: unknown, ok = [200, 201]): Promise<Json> {
  const res = await call(method, path, body);
  if (!ok.includes(res.status)) throw new ApiError(res.status, res.body, `${method} ${path}`);
  return res.body;
}

/** Finds a record with `find` (null when absent) or creates it with `create`. */
async function ensure(find: () => Promise<Json | null>, create: () => Promise<Json>): Promise<Json> {
  const existing = await find();
  if (existing) {
    counts.found++;
    return existing;
  }
  counts.created++;
  return create();
}

async function listAll(path: string): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await must('GET', `${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...(page['items'] as Json[]));
    cursor = page['nextCursor'] as string | null;
  } while (cursor);
  return items;
}

async function lookup(code: string): Promise<Json | null> {
  const res = await call('GET', `/stock-items/lookup?code=${encodeURIComponent(code)}`);
  if (res.status === 404) return null;
  if (res.status !== 200) throw new ApiError(res.status, res.body, `lookup ${code}`);
  return res.body;
}

async function location(code: string, name: string, timeZone: string): Promise<Json> {
  return ensure(
    async () => (await listAll('/locations')).find((l) => l['code'] === code) ?? null,
    () => must('POST', '/locations', { name, code, timeZone }),
  );
}

/** The SKU with this code, created with these fields when there is none. */
async function sku(
  code: string,
  name: string,
  category: string[],
  purchasePrice: Json,
  more: Json = {},
): Promise<Json> {
  const body: Json = { code, name, category, purchasePrice, ...more };
  return ensure(
    async () => {
      const page = await must('GET', `/skus?code=${encodeURIComponent(body['code'])}`);
      return (page['items'] as Json[]).find((s) => s['code'] === body['code']) ?? null;
    },
    () => must('POST', '/skus', body),
  );
}

/** `count` serialized units of a SKU registered in one batch, codes `<SKU>-001`…; all or none. */
async function serializedFleet(skuRecord: Json, locationId: string, count: number): Promise<string[]> {
  const codes = Array.from({ length: count }, (_, i) => `${skuRecord['code']}-${String(i + 1).padStart(3, '0')}`);
  await ensure(
    () => lookup(codes[0]),
    () =>
      must('POST', '/stock-items/batch', { skuId: skuRecord['id'], locationId, count, tracking: 'serialized', codes }),
  );
  return codes;
}

async function pool(code: string, skuRecord: Json, locationId: string, quantity: number): Promise<Json> {
  return ensure(
    () => lookup(code),
    () =>
      must('POST', '/stock-items', { tracking: 'pooled', quantity, skuId: skuRecord['id'], codes: [code], locationId }),
  );
}

async function listing(body: Json): Promise<Json> {
  return ensure(
    async () => {
      const res = await call('GET', `/listings/by-slug/${body['slug']}`);
      return res.status === 200 ? res.body : null;
    },
    () => must('POST', '/listings', body),
  );
}

/** A ledger entry, unless the item already has one with the same reason. */
async function ledger(code: string, entry: Json): Promise<void> {
  const item = await lookup(code);
  if (!item) throw new Error(`stock item ${code} is missing`);
  const existing = await must('GET', `/stock-items/${item['id']}/ledger`);
  if ((existing['items'] as Json[]).some((e) => e['reason'] === entry['reason'])) {
    counts.found++;
    return;
  }
  counts.created++;
  await must('POST', `/stock-items/${item['id']}/ledger`, entry);
}

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const usd = (amount: number) => ({ amount, currency: 'USD' });

async function main(): Promise<void> {
  if (!key) {
    say(`no API key: set API_KEY, or start Circulate with "npm start" (it writes ${keyFile})`);
    process.exit(2);
  }
  try {
    const ready = await fetch(`${base}/health/ready`);
    if (ready.status !== 200) {
      say(
        `Circulate at ${base} is not ready (GET /health/ready answered ${ready.status}); wait for "npm start" to print ready`,
      );
      process.exit(1);
    }
  } catch {
    say(`no Circulate answers at ${base}: start it with "npm start" (or set GATEWAY_URL)`);
    process.exit(1);
  }
  const who = await call('GET', '/locations?limit=1');
  if (who.status === 401 || who.status === 403) {
    say(`the API key was refused (${who.status}): it must be an admin key of the tenant to load the demo into`);
    process.exit(1);
  }

  progress('locations: Harbour shop (Helsinki), Event hall (Helsinki), Camera house (New York)');
  const harbour = await location('HARBOUR', 'Harbour shop', 'Europe/Helsinki');
  const hall = await location('EVENTS', 'Event hall', 'Europe/Helsinki');
  const nyc = await location('NYC', 'Camera house New York', 'America/New_York');

  progress('bike SKUs BIK-S, BIK-M, BIK-L with 20 serialized bikes each (one batch per size)');
  const sizes = [
    { size: 'S', frame: 48, price: 49900 },
    { size: 'M', frame: 53, price: 52900 },
    { size: 'L', frame: 58, price: 55900 },
  ];
  for (const s of sizes) {
    const bike = await sku(`BIK-${s.size}`, `City bike ${s.size}`, ['Bicycles', 'City'], eur(s.price), {
      attributes: { brand: 'Helkama', 'Frame size': s.size, frameCm: s.frame, electric: false },
    });
    await serializedFleet(bike, harbour['id'], 20);
  }

  progress('helmets and locks, pooled (40 helmets, 25 locks)');
  const helmet = await sku('HLM-STD', 'Helmet', ['Bicycles', 'Accessories'], eur(3500));
  const lock = await sku('LCK-U', 'U-lock', ['Bicycles', 'Accessories'], eur(2500));
  await pool('HLM-POOL-HARBOUR', helmet, harbour['id'], 40);
  await pool('LCK-POOL-HARBOUR', lock, harbour['id'], 25);

  progress('one bike fleet behind three listings: daily rental, weekly package, outright sale (check-in only)');
  const anyBike = skuRule(['BIK-S', 'BIK-M', 'BIK-L']);
  await listing({
    name: 'Bike — daily rental',
    slug: 'bike-daily-rental',
    status: 'published',
    channels: { onlineStore: true, admin: true, checkIn: true },
    locationIds: [harbour['id']],
    priceTables: [priceTable('Daily', { day: 4000 })],
    fulfillmentRules: [{ ...anyBike, bufferAfter: 'PT2H' }],
  });
  await listing({
    name: 'Bike — weekly package (bike, helmet, lock)',
    slug: 'bike-weekly-package',
    status: 'published',
    channels: { onlineStore: true, admin: true, checkIn: true },
    locationIds: [harbour['id']],
    priceTables: [priceTable('Weekly', { day: 4000, week: 18000 })],
    fulfillmentRules: [anyBike, skuRule('HLM-STD'), skuRule('LCK-U')],
  });
  await listing({
    name: 'Bike — for sale',
    slug: 'bike-for-sale',
    status: 'published',
    channels: { onlineStore: false, admin: false, checkIn: true },
    locationIds: [harbour['id']],
    priceTables: [{ name: 'Sale', currency: 'EUR', salePrice: 39900 }],
    fulfillmentRules: [anyBike],
  });

  progress('"Bike Rental — any size": a Size variant choosing BIK-S, BIK-M or BIK-L');
  const anySize = await listing({
    name: 'Bike Rental — any size',
    slug: 'bike-rental-any-size',
    status: 'published',
    channels: { onlineStore: true, admin: true, checkIn: true },
    locationIds: [harbour['id']],
    variants: [{ name: 'Size', values: ['S', 'M', 'L'] }],
    priceTables: [priceTable('Daily', { day: 4000, week: 18000 })],
    fulfillmentRules: [
      { quantity: 1, match: { skuCodeByVariant: { axis: 'Size', map: { S: 'BIK-S', M: 'BIK-M', L: 'BIK-L' } } } },
    ],
  });

  progress('event furniture: 6 festival tables (serialized), 60 chairs (pooled)');
  const table = await sku('TBL-FEST', 'Festival table 220 cm', ['Event furniture', 'Tables'], eur(18900), {
    attributes: { lengthCm: 220, seats: 8 },
  });
  const chair = await sku('CHR-FOLD', 'Folding chair', ['Event furniture', 'Chairs'], eur(2900));
  await serializedFleet(table, hall['id'], 6);
  await pool('CHR-POOL-HALL', chair, hall['id'], 60);

  progress('"Party Set for 8" (1 table + 6 chairs) and "Festival table" on its own');
  const afterADay = { bufferAfter: 'P1D' };
  const partySet = await listing({
    name: 'Party Set for 8',
    slug: 'party-set-for-8',
    status: 'published',
    channels: { onlineStore: true, admin: true, checkIn: false },
    locationIds: [hall['id']],
    priceTables: [priceTable('Weekend', { day: 9000, week: 30000 })],
    fulfillmentRules: [skuRule('TBL-FEST', 1, afterADay), skuRule('CHR-FOLD', 6, afterADay)],
  });
  await listing({
    name: 'Festival table',
    slug: 'festival-table',
    status: 'published',
    channels: { onlineStore: true, admin: true, checkIn: false },
    locationIds: [hall['id']],
    priceTables: [priceTable('Daily', { day: 2500 })],
    fulfillmentRules: [skuRule('TBL-FEST', 1, afterADay)],
  });

  progress('camera house: a vintage Leica M3 without a SKU, three codes (internal, serial, barcode)');
  const cameraCodes = ['CAM-0001', 'LEICA-M3-700123', '4006381333931'];
  await ensure(
    () => lookup(cameraCodes[0]),
    () =>
      must('POST', '/stock-items', {
        tracking: 'serialized',
        codes: cameraCodes,
        locationId: nyc['id'],
        condition: 'good',
        overrides: {
          name: 'Leica M3 (1957), chrome',
          category: ['Cameras', 'Rangefinder'],
          attributes: { brand: 'Leica', mount: 'M', film: '35mm' },
          purchasePrice: usd(145000),
        },
      }),
  );

  progress('ledger entries: rental income and repair costs');
  await ledger('BIK-M-001', { type: 'income', amount: eur(4000), reason: 'rental', note: 'demo: a day out' });
  await ledger('BIK-M-001', {
    type: 'cost',
    amount: eur(2500),
    reason: 'repair',
    note: 'demo: puncture and brake pads',
  });
  await ledger('CAM-0001', { type: 'cost', amount: usd(18000), reason: 'service', note: 'demo: shutter CLA' });
  await ledger('CAM-0001', { type: 'income', amount: usd(6500), reason: 'rental', note: 'demo: a weekend shoot' });

  say(`done: ${counts.created} created, ${counts.found} already there`);
  const monday = nextMonday();
  const start = `${monday}T07:00:00Z`; // 09:00 in Helsinki
  const end = `${addDays(monday, 7)}T07:00:00Z`;
  const auth = `-H "Authorization: Bearer ${key}"`;
  say('try:');
  const lines = [
    `curl -s ${auth} "${api}/stock-items/lookup?code=4006381333931"            # the camera, by its barcode`,
    `curl -s ${auth} "${api}/listings/${anySize['id']}/price?start=${start}&end=${end}"   # a week of bike rental`,
    `curl -s ${auth} "${api}/listings/${anySize['id']}/availability?start=${start}&end=${end}&variant.Size=M"`,
    `curl -s ${auth} "${api}/listings/${partySet['id']}/calendar?from=${monday}&to=${addDays(monday, 30)}"`,
    `curl -s ${auth} "${api}/stock-items/lookup?code=BIK-M-001" | head -c 400; curl -s ${auth} "${api}/skus?code=BIK-M"`,
  ];
  for (const line of lines) process.stdout.write(`  ${line}\n`);
}

function nextMonday(): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7 || 7));
  return d.toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

main().catch((err: unknown) => {
  say(`failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
