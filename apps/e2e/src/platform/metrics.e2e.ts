import { startTestStack, TestStack } from '@circulate/platform/stack';
import { useTestStack } from '../support/stack';
import { connect } from 'nats';
import { Family, parsePrometheusText, samples } from '../support/prom-text';

const SERVICES = ['inventory', 'catalog', 'availability', 'orders', 'reporting'] as const;
/** Any id the API hands out (`loc_…`, `sku_…`, `ski_…`): never a label value. */
const ID = /[a-z]{2,4}_[0-9A-HJKMNP-TV-Z]{26}/;

async function scrape(url: string, headers: Record<string, string> = {}): Promise<Map<string, Family>> {
  const res = await fetch(`${url}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return parsePrometheusText(await res.text());
}

function labelValues(families: Map<string, Family>): string[] {
  return [...families.values()].flatMap((f) => f.samples.flatMap((s) => Object.values(s.labels)));
}

/** The one sample of `name` with `labels`; fails naming what was there instead. */
function one(families: Map<string, Family>, name: string, labels: Record<string, string>): number {
  const found = samples(families, name, labels);
  if (found.length !== 1) {
    const there = samples(families, name).map((s) => JSON.stringify(s.labels));
    throw new Error(`${name} ${JSON.stringify(labels)}: ${found.length} series; there are: ${there.join(' ')}`);
  }
  return found[0].value;
}

describe('metrics: /metrics on the gateway and every service, after some traffic', () => {
  let stack: TestStack;
  const ids: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ probes: true });
    const loc = await stack.http('POST', '/locations', { body: { name: 'Metrics shop' } });
    const sku = await stack.http('POST', '/skus', { body: { code: 'MET-1', name: 'Metered bike' } });
    expect([loc.status, sku.status]).toEqual([201, 201]);
    const item = await stack.http('POST', '/stock-items', {
      body: { tracking: 'serialized', skuId: sku.body.id, locationId: loc.body.id },
    });
    expect(item.status).toBe(201);
    ids.push(loc.body.id, sku.body.id, item.body.id);
    // Cached look-ups of one stock item (the first may fill the cache, the rest hit it).
    for (let i = 0; i < 5; i++) expect((await stack.http('GET', `/stock-items/${item.body.id}`)).status).toBe(200);
    expect((await stack.http('GET', '/stock-items/ski_01ARZ3NDEKTSV4RRFFQ69G5FAV')).status).toBe(404);
    expect((await stack.http('GET', '/no/such/route/ski_01ARZ3NDEKTSV4RRFFQ69G5FAW')).status).toBe(404);
    expect((await stack.http('POST', '/locations', { body: { name: 42 } })).status).toBe(400);
    ids.push('ski_01ARZ3NDEKTSV4RRFFQ69G5FAV', 'ski_01ARZ3NDEKTSV4RRFFQ69G5FAW');
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('the gateway: HTTP by route template and status, RPC by name and outcome, process metrics', async () => {
    const m = await scrape(stack.url);
    const route = '/api/v1/stock-items/:id';
    expect(one(m, 'circulate_http_requests_total', { method: 'GET', route, status: '200' })).toBe(5);
    expect(one(m, 'circulate_http_requests_total', { method: 'GET', route, status: '404' })).toBe(1);
    expect(one(m, 'circulate_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(one(m, 'circulate_http_requests_total', { method: 'POST', route: '/api/v1/locations', status: '400' })).toBe(
      1,
    );
    expect(one(m, 'circulate_http_request_duration_seconds_count', { method: 'GET', route, status: '200' })).toBe(5);
    const buckets = samples(m, 'circulate_http_request_duration_seconds_bucket', { route, status: '200' });
    expect(buckets.length).toBeGreaterThan(5);
    expect(buckets.find((b) => b.labels['le'] === '+Inf')?.value).toBe(5);

    const rpc = samples(m, 'circulate_rpc_duration_seconds_count', { side: 'client' });
    expect(rpc.map((s) => s.labels['outcome'])).toEqual(expect.arrayContaining(['ok', 'NOT_FOUND']));
    expect(rpc.map((s) => s.labels['subject'])).toEqual(expect.arrayContaining(['inventory.health.v1']));
    for (const s of rpc) expect(s.labels['subject']).toMatch(/^[a-z]+\.[a-z0-9.-]+$/);

    expect(one(m, 'process_cpu_seconds_total', { service: 'gateway' })).toBeGreaterThan(0);
    expect(samples(m, 'nodejs_eventloop_lag_seconds', { service: 'gateway' })).toHaveLength(1);
    expect(samples(m, 'nodejs_heap_size_used_bytes', { service: 'gateway' })).toHaveLength(1);

    for (const value of labelValues(m)) {
      expect(value).not.toMatch(ID);
      for (const id of ids) expect(value).not.toContain(id);
    }
  });

  it('the gateway serves /metrics without a key, never rate-limited, and keeps it out of the OpenAPI document', async () => {
    await scrape(stack.url, { authorization: 'Bearer not-a-key' });
    const openApi = await stack.http('GET', '/api/openapi.json', { key: null });
    expect(openApi.status).toBe(200);
    expect(Object.keys(openApi.body.paths).some((p) => p.includes('metrics'))).toBe(false);
  });

  it('every service: server-side RPC, process metrics, and the series of the parts it runs', async () => {
    const scraped = Object.fromEntries(
      await Promise.all(SERVICES.map(async (s) => [s, await scrape(stack.apps.probeUrl(s))] as const)),
    );
    for (const service of SERVICES) {
      const m = scraped[service];
      // The gateway's readiness asked each service for its health.
      expect(
        one(m, 'circulate_rpc_duration_seconds_count', {
          side: 'server',
          subject: `${service}.health.v1`,
          outcome: 'ok',
          service,
        }),
      ).toBeGreaterThan(0);
      expect(one(m, 'process_cpu_seconds_total', { service })).toBeGreaterThan(0);
      expect(samples(m, 'nodejs_eventloop_lag_seconds', { service })).toHaveLength(1);
      for (const value of labelValues(m)) {
        expect(value).not.toMatch(ID);
        for (const id of ids) expect(value).not.toContain(id);
      }
    }

    const inv = scraped.inventory;
    expect(
      one(inv, 'circulate_rpc_duration_seconds_count', {
        side: 'server',
        subject: 'inventory.stock-item.get.v1',
        outcome: 'ok',
      }),
    ).toBe(5);
    expect(one(inv, 'circulate_lease_wait_seconds_count', { outcome: 'acquired' })).toBeGreaterThanOrEqual(3);
    expect(one(inv, 'circulate_outbox_events_published_total', {})).toBeGreaterThanOrEqual(3);
    for (const collection of ['locations', 'skus', 'stock_items'])
      expect(samples(inv, 'circulate_outbox_backlog_documents', { collection })).toHaveLength(1);
    expect(one(inv, 'circulate_read_cache_requests_total', { cache: 'stock-items', result: 'hit' })).toBeGreaterThan(0);
    const ratio = one(inv, 'circulate_read_cache_hit_ratio', { cache: 'stock-items' });
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThanOrEqual(1);
    expect(
      one(inv, 'circulate_jetstream_consumer_pending', {
        stream: `${stack.namespace}_inventory_events`,
        consumer: 'inventory-sku-fanout',
      }),
    ).toBeGreaterThanOrEqual(0);
    expect(samples(inv, 'circulate_jetstream_consumer_ack_pending', { consumer: 'inventory-sku-fanout' })).toHaveLength(
      1,
    );
    expect(samples(inv, 'circulate_jetstream_consumer_redelivered', { consumer: 'inventory-sku-fanout' })).toHaveLength(
      1,
    );
    expect(samples(inv, 'circulate_jetstream_redeliveries_total')).toEqual([]); // nothing failed, nothing came twice

    // Reporting's projections read inventory's stream through durable consumers of their own.
    const lag = samples(scraped.reporting, 'circulate_jetstream_consumer_pending');
    expect(lag.length).toBeGreaterThan(0);
    for (const s of lag) expect(s.labels['stream']).toMatch(new RegExp(`^${stack.namespace}_[a-z]+_events$`));
  });
});

describe('readiness that means it', () => {
  const stack = useTestStack({ probes: true });

  it('a service stopped: the gateway is not ready and names it, and is still live', async () => {
    await stack.apps.stop('catalog');
    const ready = await stack.http('GET', '/health/ready', { key: null });
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('error');
    expect(ready.body.error.catalog).toEqual({ status: 'down', message: expect.stringMatching(/no answer/) });
    expect(ready.body.checks).toMatchObject({ catalog: 'down', inventory: 'up', nats: 'up', mongo: 'up' });
    expect(ready.body.info.inventory.status).toBe('up');
    expect((await stack.http('GET', '/health/live', { key: null })).status).toBe(200);

    stack.apps.start('catalog');
    await stack.apps.waitReady(60_000);
  }, 90_000);

  it("a service's event stream gone: its probe and the gateway say so; liveness does not care", async () => {
    const orders = stack.apps.probeUrl('orders');
    expect((await fetch(`${orders}/health/ready`)).status).toBe(200);
    const nc = await connect({ servers: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' });
    try {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.delete(`${stack.namespace}_orders_events`);
      const res = await fetch(`${orders}/health/ready`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as any;
      expect(body.error.stream).toMatchObject({ status: 'down', stream: `${stack.namespace}_orders_events` });
      expect(body.error.stream.message).toMatch(/does not exist/);
      expect(body.checks).toEqual({ nats: 'up', mongo: 'up', stream: 'down' });
      expect((await fetch(`${orders}/health/live`)).status).toBe(200);

      const gateway = await stack.http('GET', '/health/ready', { key: null });
      expect(gateway.status).toBe(503);
      expect(gateway.body.error.orders.message).toMatch(/stream: JetStream stream .* does not exist/);
    } finally {
      await nc.close();
    }
    // A restart provisions the stream again.
    await stack.apps.stop('orders');
    stack.apps.start('orders');
    await stack.apps.waitReady(60_000);
  }, 90_000);
});
