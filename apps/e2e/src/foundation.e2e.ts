import { findRepoRoot } from '@circulate/platform/stack';
import { useTestStack } from './support/stack';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { connect, JSONCodec } from 'nats';

describe('foundation: gateway → NATS → inventory → its database', () => {
  const stack = useTestStack();

  it('is live and ready when NATS, MongoDB and every service answer', async () => {
    expect((await stack.http('GET', '/health/live', { key: null })).status).toBe(200);
    const ready = await stack.http('GET', '/health/ready', { key: null });
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({
      nats: 'up',
      mongo: 'up',
      inventory: 'up',
      catalog: 'up',
      availability: 'up',
      orders: 'up',
      reporting: 'up',
    });
  });

  it('creates and lists a location, scoped to the tenant', async () => {
    const created = await stack.http('POST', '/locations', { body: { name: 'Harbour shop', code: 'HARBOUR' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Harbour shop', code: 'HARBOUR', timeZone: 'UTC' });
    expect(created.body.id).toMatch(/^loc_[0-9A-Z]{26}$/);

    const mine = await stack.http('GET', '/locations');
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((l: { id: string }) => l.id)).toContain(created.body.id);
    expect(mine.body).toHaveProperty('nextCursor');

    const theirs = await stack.http('GET', '/locations', { key: stack.keys.otherAdmin });
    expect(theirs.status).toBe(200);
    expect(theirs.body.items).toEqual([]);
    const direct = await stack.http('GET', `/locations/${created.body.id}`, { key: stack.keys.otherAdmin });
    expect(direct.status).toBe(404);
    expect(direct.headers.get('content-type')).toContain('application/problem+json');
  });

  it('publishes a location-created fact on JetStream after storing it', async () => {
    const created = await stack.http('POST', '/locations', { body: { name: 'Event hall' } });
    const nc = await connect({ servers: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' });
    try {
      const jsm = await nc.jetstreamManager();
      const stream = `${stack.namespace}_inventory_events`;
      const info = await jsm.streams.info(stream);
      const facts = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
        const msg = await jsm.streams.getMessage(stream, { seq });
        facts.push(JSONCodec<{ type: string; aggregateId: string; tenantId: string }>().decode(msg.data));
      }
      expect(facts).toContainEqual(
        expect.objectContaining({
          type: 'inventory.location.created.v1',
          aggregateId: created.body.id,
          tenantId: 'acme',
        }),
      );
    } finally {
      await nc.close();
    }
    // …and the outbox entry that carried it is gone from the stored document.
    const mongo = new MongoClient(process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017');
    try {
      const doc = await mongo
        .db(`${stack.namespace}_inventory`)
        .collection('locations')
        .findOne({ _id: created.body.id });
      expect(doc?.['_outbox']).toEqual([]);
      expect(doc?.['tenantId']).toBe('acme');
    } finally {
      await mongo.close();
    }
  });

  it("answers every response with a request id, keeping the caller's", async () => {
    const res = await stack.http('GET', '/locations', { headers: { 'x-request-id': 'trace-me-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-me-123');
    const fresh = await stack.http('GET', '/locations');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('pages through a list with a cursor', async () => {
    for (let i = 0; i < 3; i++)
      await stack.http('POST', '/locations', { body: { name: `Page ${i}` }, key: stack.keys.otherAdmin });
    const first = await stack.http('GET', '/locations?limit=2', { key: stack.keys.otherAdmin });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await stack.http('GET', `/locations?limit=2&cursor=${first.body.nextCursor}`, {
      key: stack.keys.otherAdmin,
    });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    expect((await stack.http('GET', '/locations?limit=501')).status).toBe(400);
  });

  describe('bad input answers 4xx problem+json and changes nothing', () => {
    const count = async () => (await stack.http('GET', '/locations?limit=500')).body.items.length;

    it.each([
      ['an unknown field', { name: 'X', colour: 'red' }],
      ['a wrong type', { name: 42 }],
      ['a missing field', {}],
      ['a $-operator key', { name: 'X', $where: '1' }],
      ['a prototype key', JSON.parse('{"name":"X","__proto__":{"admin":true}}')],
      ['an unknown time zone', { name: 'X', timeZone: 'Mars/Base' }],
    ])('%s → 400', async (_what, body) => {
      const before = await count();
      const res = await stack.http('POST', '/locations', { rawBody: JSON.stringify(body) });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({
        status: 400,
        title: 'Bad Request',
        type: expect.any(String),
        detail: expect.any(String),
      });
      expect(await count()).toBe(before);
    });

    it('malformed JSON → 400', async () => {
      const res = await stack.http('POST', '/locations', { rawBody: '{"name":' });
      expect(res.status).toBe(400);
      expect(res.body.detail).toMatch(/not valid JSON/);
    });

    it('an oversized body → 413', async () => {
      const res = await stack.http('POST', '/locations', { rawBody: JSON.stringify({ name: 'x'.repeat(2_000_000) }) });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    });

    it('no key or an unknown key → 401; a role without the right → 403', async () => {
      expect((await stack.http('GET', '/locations', { key: null })).status).toBe(401);
      expect((await stack.http('GET', '/locations', { key: 'not-a-key-at-all' })).status).toBe(401);
      const forbidden = await stack.http('POST', '/locations', { body: { name: 'Nope' }, key: stack.keys.storefront });
      expect(forbidden.status).toBe(403);
    });

    it('a duplicate location code → 409', async () => {
      await stack.http('POST', '/locations', { body: { name: 'A', code: 'DUP' } });
      const again = await stack.http('POST', '/locations', { body: { name: 'B', code: 'DUP' } });
      expect(again.status).toBe(409);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first answer for the same key and body, and refuses another body', async () => {
      const headers = { 'idempotency-key': `k-${Date.now()}` };
      const first = await stack.http('POST', '/locations', { body: { name: 'Once', code: 'ONCE' }, headers });
      const replay = await stack.http('POST', '/locations', { body: { code: 'ONCE', name: 'Once' }, headers });
      expect(first.status).toBe(201);
      expect(replay.status).toBe(201);
      expect(replay.body).toEqual(first.body);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      const other = await stack.http('POST', '/locations', { body: { name: 'Twice' }, headers });
      expect(other.status).toBe(409);
    });

    it('lets concurrent requests with one key create exactly one resource', async () => {
      const headers = { 'idempotency-key': `race-${Date.now()}` };
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => stack.http('POST', '/locations', { body: { name: 'Racer' }, headers })),
      );
      const created = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.id));
      expect(created.size).toBe(1);
      for (const a of answers) expect([201, 409]).toContain(a.status);
    });
  });

  it('serves the OpenAPI document', async () => {
    const doc = await stack.http('GET', '/api/openapi.json', { key: null });
    expect(doc.status).toBe(200);
    expect(doc.body.paths).toHaveProperty('/api/v1/locations');
  });
});

describe('configuration is validated at boot', () => {
  it.each([
    ['inventory', { NATS_URL: 'http://not-nats' }, 'NATS_URL'],
    ['catalog', { MONGO_URL: 'postgres://nope' }, 'MONGO_URL'],
    ['gateway', { PORT: 'eighty' }, 'PORT'],
    ['gateway', { API_KEYS: 'acme:root:short' }, 'API_KEYS'],
  ])('%s exits with a message naming the bad variable (%j)', (app, env, variable) => {
    const main = join(findRepoRoot(__dirname), 'dist', 'apps', app, 'main.js');
    const run = spawnSync(process.execPath, [main], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(variable);
  });
});

describe('faults: a service goes away and comes back', () => {
  const stack = useTestStack({ env: { RPC_TIMEOUT_MS: '1500' } });

  it('answers 503 within the request timeout while inventory is down, and recovers without restarting the gateway', async () => {
    await stack.apps.stop('inventory');
    const ready = await stack.http('GET', '/health/ready', { key: null });
    expect(ready.status).toBe(503);
    expect(ready.body.checks.inventory).toBe('down');

    const started = Date.now();
    const call = await stack.http('POST', '/locations', { body: { name: 'While down' } });
    expect(call.status).toBe(503);
    expect(call.headers.get('content-type')).toContain('application/problem+json');
    expect(Date.now() - started).toBeLessThan(5000);

    stack.apps.start('inventory');
    await stack.apps.waitReady(30_000);
    const after = await stack.http('POST', '/locations', { body: { name: 'After restart' } });
    expect(after.status).toBe(201);
  });
});
