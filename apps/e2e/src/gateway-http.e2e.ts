import { defineRpc, DomainError, ErrorCode, tenantId } from '@circulate/contracts';
import { NatsConnectionService, RpcClient } from '@circulate/platform/messaging';
import { startTestStack, TestStack } from '@circulate/platform/stack';
import { connect as netConnect } from 'node:net';
import { connect as natsConnect, NatsConnection } from 'nats';

/** What came back on a raw socket: for requests a client library would not send as they are. */
interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: any;
}

function rawHttp(url: string, request: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = netConnect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const finish = () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const bodyText = rest.join('\r\n\r\n');
      let body: unknown = bodyText;
      try {
        body = JSON.parse(bodyText);
      } catch {
        /* keep the text */
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    };
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      // One answer is enough: stop at its end (keep-alive would hold the socket open).
      const text = Buffer.concat(chunks).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      const len = /content-length:\s*(\d+)/i.exec(text.slice(0, end));
      if (end >= 0 && len && Buffer.byteLength(text.slice(end + 4)) >= Number(len[1])) socket.destroy();
    });
    socket.on('close', finish);
    socket.on('error', (err) => (chunks.length ? finish() : reject(err)));
    socket.write(request);
  });
}

describe('gateway HTTP layer: body size, content types, URL size', () => {
  let stack: TestStack;
  let skuId: string;

  beforeAll(async () => {
    stack = await startTestStack();
    skuId = (await stack.http('POST', '/skus', { body: { code: 'HTTP-SKU', name: 'Original name' } })).body.id;
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const skuName = async () => (await stack.http('GET', `/skus/${skuId}`)).body.name;
  const locationCount = async () => (await stack.http('GET', '/locations?limit=500')).body.items.length;
  /** POST /locations with a raw body sent as the given content type. */
  const postLocation = (rawBody: string, contentType: string) =>
    stack.http('POST', '/locations', { rawBody, headers: { 'content-type': contentType } });

  const expectProblem = (res: { status: number; body: any }, status: number) => {
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({
      status,
      type: expect.any(String),
      title: expect.any(String),
      detail: expect.any(String),
    });
  };

  describe('body size (the gateway accepts only what fits one NATS message)', () => {
    const LIMIT = 960 * 1024; // the default BODY_LIMIT

    it('a body just under the limit is accepted (here: JSON padded with whitespace) and creates the location', async () => {
      const before = await locationCount();
      const json = JSON.stringify({ name: 'Padded shop' });
      const rawBody = `${json.slice(0, -1)}${' '.repeat(LIMIT - json.length)}}`;
      expect(Buffer.byteLength(rawBody)).toBe(LIMIT);
      const res = await stack.http('POST', '/locations', { rawBody });
      expect(res.status).toBe(201);
      expect(await locationCount()).toBe(before + 1);
    });

    it('a body just under the limit that is invalid is a 400, not a 5xx', async () => {
      const before = await locationCount();
      const rawBody = JSON.stringify({ name: 'x'.repeat(LIMIT - 20) });
      expect(Buffer.byteLength(rawBody)).toBeLessThanOrEqual(LIMIT);
      const res = await stack.http('POST', '/locations', { rawBody });
      expectProblem(res, 400);
      expect(await locationCount()).toBe(before);
    });

    it('one byte over the limit → 413 problem+json, nothing created', async () => {
      const before = await locationCount();
      const json = JSON.stringify({ name: 'Too big' });
      const rawBody = `${json.slice(0, -1)}${' '.repeat(LIMIT - json.length + 1)}}`;
      expect(Buffer.byteLength(rawBody)).toBe(LIMIT + 1);
      const res = await stack.http('POST', '/locations', { rawBody });
      expectProblem(res, 413);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await locationCount()).toBe(before);
    });

    it('the RPC client answers 413 for a message over the NATS server max_payload instead of failing', async () => {
      const nc: NatsConnection = await natsConnect({ servers: stack.apps.options.natsUrl });
      try {
        const rpc = new RpcClient({ nc } as unknown as NatsConnectionService, 2000);
        const max = nc.info?.max_payload ?? 1024 * 1024;
        const oversized = defineRpc<{ name: string }, unknown>('inventory.getSku');
        const err = await rpc
          .call(oversized, { tenantId: tenantId('acme'), role: 'admin' }, { name: 'x'.repeat(max) })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(err).toBeInstanceOf(DomainError);
        expect((err as DomainError).code).toBe(ErrorCode.PAYLOAD_TOO_LARGE);
      } finally {
        await nc.close();
      }
    });
  });

  describe('content types: a body the gateway does not read → 415, nothing changes', () => {
    it.each([
      ['text/plain', 'name=Changed'],
      ['application/xml', '<sku><name>Changed</name></sku>'],
      ['application/x-www-form-urlencoded', 'name=Changed'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nChanged\r\n--x--'],
      ['application/json; charset=latin1', '{"name":"Changed"}'],
    ])('PATCH with %s → 415', async (contentType, rawBody) => {
      const res = await stack.http('PATCH', `/skus/${skuId}`, { rawBody, headers: { 'content-type': contentType } });
      expectProblem(res, 415);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await skuName()).toBe('Original name');
    });

    it('PATCH with a body and no content type → 415', async () => {
      const body = '{"name":"Changed"}';
      const res = await rawHttp(
        stack.url,
        `PATCH /api/v1/skus/${skuId} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${stack.keys.admin}\r\n` +
          `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      );
      expectProblem(res, 415);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(await skuName()).toBe('Original name');
    });

    it('POST with text/plain → 415 and creates nothing', async () => {
      const before = await locationCount();
      const res = await postLocation('{"name":"Plain"}', 'text/plain');
      expectProblem(res, 415);
      expect(await locationCount()).toBe(before);
    });

    it('application/merge-patch+json is read as JSON on PATCH and applied', async () => {
      const res = await stack.http('PATCH', `/skus/${skuId}`, {
        rawBody: '{"name":"Merged name"}',
        headers: { 'content-type': 'application/merge-patch+json' },
      });
      expect(res.status).toBe(200);
      expect(res.body.name).toBe('Merged name');
      expect(await skuName()).toBe('Merged name');
      await stack.http('PATCH', `/skus/${skuId}`, { body: { name: 'Original name' } });
    });

    it('application/merge-patch+json on POST → 415', async () => {
      const before = await locationCount();
      const res = await postLocation('{"name":"Merge"}', 'application/merge-patch+json');
      expectProblem(res, 415);
      expect(await locationCount()).toBe(before);
    });

    it('a POST without a body needs no content type (it reaches the route: here a 400 naming the field)', async () => {
      const res = await rawHttp(
        stack.url,
        `POST /api/v1/locations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${stack.keys.admin}\r\n` +
          `Content-Length: 0\r\nConnection: close\r\n\r\n`,
      );
      expectProblem(res, 400);
      expect(res.body.detail).toMatch(/name/);
    });
  });

  describe('URL and header size (Node refuses them before any route)', () => {
    it('a URL over 16 KB → 414 problem+json', async () => {
      const before = await locationCount();
      const res = await rawHttp(
        stack.url,
        `GET /api/v1/locations?q=${'a'.repeat(17 * 1024)} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${stack.keys.admin}\r\n\r\n`,
      );
      expectProblem(res, 414);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(await locationCount()).toBe(before);
    });

    it('headers over 16 KB → 431 problem+json', async () => {
      const res = await rawHttp(
        stack.url,
        `GET /api/v1/locations HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(17 * 1024)}\r\n\r\n`,
      );
      expectProblem(res, 431);
      expect(res.headers['content-type']).toBe('application/problem+json');
    });

    it('the gateway still answers afterwards', async () => {
      expect((await stack.http('GET', '/health/live', { key: null })).status).toBe(200);
    });
  });

  describe('rate limit (last: restarts the gateway with a low limit)', () => {
    it('answers 429 problem+json with Retry-After past the limit per key per second, and creates nothing', async () => {
      await stack.apps.stop('gateway');
      stack.apps.start('gateway', { RATE_LIMIT_PER_SECOND: '5' });
      await stack.apps.waitReady(60_000);
      const before = await locationCount();
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => stack.http('POST', '/locations', { body: { name: 'Burst' } })),
      );
      const limited = answers.filter((a) => a.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(limited[0].headers.get('content-type')).toContain('application/problem+json');
      expect(limited[0].headers.get('retry-after')).toBe('1');
      expect(limited[0].body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      await new Promise((r) => setTimeout(r, 1100));
      const created = answers.filter((a) => a.status === 201).length;
      expect(created).toBeLessThanOrEqual(5 + 5); // a burst may straddle two one-second windows
      expect(await locationCount()).toBe(before + created);
    }, 90_000);
  });
});
