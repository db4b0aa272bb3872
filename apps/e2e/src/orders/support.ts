import type { TestStack } from '@circulate/platform/stack';
import { connect, JSONCodec } from 'nats';

/* eslint-disable @typescript-eslint/no-explicit-any */

export const START = '2031-06-01T09:00:00Z';
export const END = '2031-06-04T09:00:00Z';

/** Polls `probe` until `accept` holds or `timeoutMs` passes; returns the last answer. */
export async function until<T>(probe: () => Promise<T>, accept: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  let value = await probe();
  while (!accept(value) && Date.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 50));
    value = await probe();
  }
  return value;
}

export interface Shop {
  location: string;
  bikes: any[];
  helmets: any;
  /** Bike daily rental (4000/day, 18000/week), one BIK unit per copy. */
  bike: string;
  /** Helmet rental: one helmet of the pool of 10 per copy. */
  helmet: string;
  /** The same bikes for sale (39900). */
  bikeSale: string;
  /** Admin channel only (not on the online store). */
  inStore: string;
  /** Size S/M: the variant picks the SKU. */
  sized: string;
}

/** Shops opened once for the describe, after its stack is up: one per prefix, in order. */
export function useShops(stack: TestStack, ...prefixes: string[]): Shop[] {
  const shops = prefixes.map(() => ({}) as Shop);
  beforeAll(async () => {
    for (const [i, prefix] of prefixes.entries()) Object.assign(shops[i], await openShop(stack, prefix));
  }, 180_000);
  return shops;
}

/**
 * One shop: four serialized bikes (codes BIK-0…3 and a serial each), a pool of 10 helmets,
 * two sized bikes, and listings over them; waits until availability's read model has them.
 */
export async function openShop(stack: TestStack, prefix = 'A'): Promise<Shop> {
  const post = async (path: string, body: unknown) => {
    const res = await stack.http('POST', path, { body });
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const location = (await post('/locations', { name: `Shop ${prefix}` })).id;
  const bikeSku = await post('/skus', { code: `${prefix}-BIK`, name: 'Bike' });
  const bikes = [];
  for (let i = 0; i < 4; i++)
    bikes.push(
      await post('/stock-items', {
        tracking: 'serialized',
        skuId: bikeSku.id,
        locationId: location,
        codes: [`${prefix}-BIK-${i}`, `${prefix}-SER-${i}`],
      }),
    );
  const helmetSku = await post('/skus', { code: `${prefix}-HLM`, name: 'Helmet' });
  const helmets = await post('/stock-items', {
    tracking: 'pooled',
    quantity: 10,
    skuId: helmetSku.id,
    locationId: location,
    codes: [`${prefix}-HLM-POOL`],
  });
  const s = await post('/skus', { code: `${prefix}-SZ-S`, name: 'Sized S' });
  const m = await post('/skus', { code: `${prefix}-SZ-M`, name: 'Sized M' });
  await post('/stock-items', { tracking: 'serialized', skuId: s.id, locationId: location, codes: [`${prefix}-S-0`] });
  await post('/stock-items', { tracking: 'serialized', skuId: m.id, locationId: location, codes: [`${prefix}-M-0`] });
  const all = { onlineStore: true, admin: true, checkIn: true };
  const rates = [
    {
      name: 'Daily',
      currency: 'EUR',
      rates: [
        { unit: 'day', amount: 4000 },
        { unit: 'week', amount: 18000 },
      ],
    },
  ];
  const listing = async (name: string, extra: Record<string, unknown>) =>
    (
      await post('/listings', {
        name,
        status: 'published',
        channels: all,
        locationIds: [location],
        priceTables: rates,
        ...extra,
      })
    ).id as string;
  const bikeRule = { quantity: 1, match: { skuCodes: [`${prefix}-BIK`] } };
  const shop: Shop = {
    location,
    bikes,
    helmets,
    bike: await listing(`${prefix} bike daily`, { fulfillmentRules: [bikeRule] }),
    helmet: await listing(`${prefix} helmet`, {
      priceTables: [{ name: 'Daily', currency: 'EUR', rates: [{ unit: 'day', amount: 500 }] }],
      fulfillmentRules: [{ quantity: 1, match: { skuCodes: [`${prefix}-HLM`] } }],
    }),
    bikeSale: await listing(`${prefix} bike sale`, {
      priceTables: [{ name: 'Sale', currency: 'EUR', salePrice: 39900 }],
      fulfillmentRules: [bikeRule],
    }),
    inStore: await listing(`${prefix} in store`, {
      channels: { onlineStore: false, admin: true, checkIn: true },
      fulfillmentRules: [bikeRule],
    }),
    sized: await listing(`${prefix} sized`, {
      variants: [{ name: 'Size', values: ['S', 'M'] }],
      fulfillmentRules: [
        {
          quantity: 1,
          match: { skuCodeByVariant: { axis: 'Size', map: { S: `${prefix}-SZ-S`, M: `${prefix}-SZ-M` } } },
        },
      ],
    }),
  };
  const ready = async (id: string, q: number, query = '') => {
    const res = await until(
      () => stack.http('GET', `/listings/${id}/availability?start=${START}&end=${END}${query}`),
      (r) => r.status === 200 && r.body.quantity >= q,
      20_000,
    );
    if (res.status !== 200 || res.body.quantity < q)
      throw new Error(`listing ${id}${query} not ready: ${res.status} ${JSON.stringify(res.body)}`);
  };
  await ready(shop.bike, 4);
  await ready(shop.inStore, 4);
  await ready(shop.helmet, 10);
  await ready(shop.sized, 1, '&variant.Size=S');
  await ready(shop.sized, 1, '&variant.Size=M');
  return shop;
}

export function rentalLine(listingId: string, extra: Record<string, unknown> = {}) {
  return { listingId, quantity: 1, start: START, end: END, ...extra };
}

export function orderBody(shop: Shop, lines: unknown[], extra: Record<string, unknown> = {}) {
  return {
    customer: { name: 'Ann Example', email: 'ann@example.com' },
    channel: 'admin',
    locationId: shop.location,
    lines,
    ...extra,
  };
}

const codec = JSONCodec<any>();

/** Every event on a service's stream so far (oldest first). */
export async function streamEvents(stack: TestStack, service: string): Promise<any[]> {
  const nc = await connect({ servers: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' });
  try {
    const jsm = await nc.jetstreamManager();
    const stream = `${stack.namespace}_${service}_events`;
    const info = await jsm.streams.info(stream);
    const out = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const msg = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (msg) out.push({ subject: msg.subject, ...codec.decode(msg.data) });
    }
    return out;
  } finally {
    await nc.close();
  }
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** One message of a service's event stream with its JetStream headers. */
export interface StreamMessage {
  seq: number;
  subject: string;
  msgId: string | undefined;
  event: any;
}

/** Every message on a service's stream so far (oldest first), with its sequence and `Nats-Msg-Id`. */
export async function streamMessages(stack: TestStack, service: string): Promise<StreamMessage[]> {
  const nc = await connect({ servers: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' });
  try {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(`${stack.namespace}_${service}_events`);
    const out: StreamMessage[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const msg = await jsm.streams.getMessage(`${stack.namespace}_${service}_events`, { seq }).catch(() => null);
      if (msg)
        out.push({ seq, subject: msg.subject, msgId: msg.header?.get('Nats-Msg-Id'), event: codec.decode(msg.data) });
    }
    return out;
  } finally {
    await nc.close();
  }
}

/** The orders service's events about one order (oldest first). */
export async function orderEvents(stack: TestStack, orderId: string): Promise<any[]> {
  return (await streamEvents(stack, 'orders')).filter((e) => e.aggregateId === orderId);
}

/** A POST that must succeed (201 for a create, 200 for a call on an order); returns the body. */
export async function must(stack: TestStack, path: string, body?: unknown, key?: string) {
  const res = await stack.http('POST', path, { ...(body === undefined ? {} : { body }), ...(key ? { key } : {}) });
  const want = path.startsWith('/orders/') ? 200 : 201;
  if (res.status !== want) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The unit's codes (first: internal code, second: serial). */
export function codesOf(shop: Shop, stockItemId: string): string[] {
  const bike = shop.bikes.find((b) => b.id === stockItemId);
  if (!bike) throw new Error(`${stockItemId} is not a bike of the shop`);
  return bike.codes;
}
