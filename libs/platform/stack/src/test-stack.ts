import { randomBytes, randomInt } from 'node:crypto';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { dirname, join } from 'node:path';
import { APPS, AppProcesses, freePort, Instance } from './apps';
import { ensureMongo, ensureNats, StartedServer } from './servers';

export function findRepoRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'nx.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (nx.json)');
    dir = up;
  }
  return dir;
}

export interface TestKeys {
  admin: string;
  staff: string;
  storefront: string;
  otherAdmin: string;
}

export interface HttpAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** One booted Circulate (six real apps on real NATS and a real MongoDB-compatible server). */
export class TestStack {
  /** Keep-alive connections to the gateway, as a long-lived client (a POS, a storefront) keeps them. */
  private readonly agent = new Agent({ keepAlive: true });

  constructor(
    readonly apps: AppProcesses,
    readonly keys: TestKeys,
    readonly namespace: string,
    private readonly servers: StartedServer[],
  ) {}

  get url(): string {
    return this.apps.gatewayUrl;
  }

  /** Calls the gateway; `key` defaults to the admin key of tenant `acme`, `null` sends none. */
  async http<T = any>(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; key?: string | null; headers?: Record<string, string> } = {},
  ): Promise<HttpAnswer<T>> {
    const key = options.key === undefined ? this.keys.admin : options.key;
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (key) headers['authorization'] = `Bearer ${key}`;
    let payload: string | undefined;
    if (options.rawBody !== undefined) payload = options.rawBody;
    else if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    // node:http rather than fetch: the same request on the wire at a fraction of the client's
    // CPU, which on a 2-core machine would otherwise show up in every measured latency.
    const url = new URL(`${this.url}${path.startsWith('/health') || path.startsWith('/api/') ? '' : '/api/v1'}${path}`);
    if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
    const { status, text, raw } = await new Promise<{ status: number; text: string; raw: string[] }>(
      (resolve, reject) => {
        const req = httpRequest(
          {
            host: url.hostname,
            port: url.port,
            path: `${url.pathname}${url.search}`,
            method,
            headers,
            agent: this.agent,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                text: Buffer.concat(chunks).toString('utf8'),
                raw: res.rawHeaders,
              }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      },
    );
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    const answerHeaders = new Headers();
    for (let i = 0; i + 1 < raw.length; i += 2) answerHeaders.append(raw[i], raw[i + 1]);
    return { status, body: body as T, headers: answerHeaders };
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await this.apps.stopAll();
    await dropNamespace(this.apps.options.mongoUrl, this.apps.options.natsUrl, this.namespace);
    for (const s of this.servers) await s.stop();
  }
}

/**
 * Removes a finished run's databases and streams so that test data does not pile up. Drops the
 * known database names one by one (FerretDB's listDatabases grows slow with many databases) and
 * gives up after a few seconds: cleaning up must never fail or hang a test run.
 */
async function dropNamespace(mongoUrl: string, natsUrl: string, ns: string): Promise<void> {
  const work = async () => {
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 2000 });
    try {
      for (const service of SERVICES)
        await client
          .db(`${ns}_${service}`)
          .dropDatabase()
          .catch(() => undefined);
    } finally {
      await client.close().catch(() => undefined);
    }
    const { connect } = await import('nats');
    const nc = await connect({ servers: natsUrl.split(','), timeout: 2000 });
    try {
      const jsm = await nc.jetstreamManager();
      // Every stream of the namespace, key-value buckets (KV_<ns>_…) included, whatever
      // services and buckets exist by now: a finished run leaves nothing behind in NATS.
      const ours: string[] = [];
      for await (const info of jsm.streams.list())
        if (info.config.name.startsWith(`${ns}_`) || info.config.name.startsWith(`KV_${ns}_`))
          ours.push(info.config.name);
      for (const name of ours) await jsm.streams.delete(name).catch(() => undefined);
    } finally {
      await nc.close().catch(() => undefined);
    }
  };
  await Promise.race([work().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
}

const SERVICES = ['gateway', 'inventory', 'catalog', 'availability', 'orders', 'reporting'] as const;

export interface TestStackOptions {
  /** Extra environment for every app. */
  env?: Record<string, string>;
  /** Replicas of every domain service (default 1); `apps.start(app, env, n)` adds more later. */
  replicas?: number;
  /** Give every service instance a HEALTH_PORT (probes, /metrics): `stack.apps.probeUrl('inventory')`. */
  probes?: boolean;
}

/**
 * Probe ports below Linux's ephemeral range (32768+): a port from there, free when chosen, was
 * taken by some outgoing connection on a busy machine before the service bound it.
 */
async function allocateProbePorts(replicas: number): Promise<Partial<Record<Instance, number>>> {
  const ports: Partial<Record<Instance, number>> = {};
  const taken = new Set<number>();
  for (const app of APPS.filter((a) => a !== 'gateway'))
    for (let r = 1; r <= replicas; r++) {
      let port: number;
      do port = 20_000 + randomInt(12_000);
      while (taken.has(port) || !(await portFree(port)));
      taken.add(port);
      ports[r > 1 ? (`${app}#${r}` as Instance) : app] = port;
    }
  return ports;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, () => srv.close(() => resolve(true)));
  });
}

/** REPLICAS=N: how many replicas of each domain service to run (1–8). */
export function replicasFromEnv(value = process.env['REPLICAS']): number {
  if (value === undefined || value === '') return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 8)
    throw new Error(`REPLICAS must be a whole number from 1 to 8 (got "${value}")`);
  return n;
}

/**
 * Boots the whole system for a test file: uses NATS_URL / MONGO_URL when they answer (or the
 * defaults on 127.0.0.1), otherwise starts nats-server and FerretDB itself; then starts the six
 * built apps under a fresh namespace (fresh databases and streams) and waits for readiness.
 */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const repoRoot = findRepoRoot();
  for (const app of ['gateway', 'inventory']) {
    if (!existsSync(join(repoRoot, 'dist', 'apps', app, 'main.js'))) {
      throw new Error(`dist/apps/${app}/main.js is missing: run "npx nx run-many -t build" first`);
    }
  }
  const log = (line: string) => process.env['STACK_VERBOSE'] && process.stderr.write(`[stack] ${line}\n`);
  const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
  const mongoUrl = process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017';
  const servers = [
    await ensureNats(natsUrl, join(repoRoot, '.data', 'test', 'nats'), log),
    await ensureMongo(mongoUrl, join(repoRoot, '.data', 'test', 'ferretdb'), repoRoot, log),
  ];
  const namespace = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const secret = () => randomBytes(12).toString('hex');
  const keys: TestKeys = { admin: secret(), staff: secret(), storefront: secret(), otherAdmin: secret() };
  const apiKeys = [
    `acme:admin:${keys.admin}`,
    `acme:staff:${keys.staff}`,
    `acme:storefront:${keys.storefront}`,
    `other:admin:${keys.otherAdmin}`,
  ].join(',');
  const apps = new AppProcesses({
    repoRoot,
    natsUrl,
    mongoUrl,
    namespace,
    apiKeys,
    port: await freePort(),
    logDir: join(repoRoot, '.data', 'test', 'logs', namespace),
    replicas: options.replicas ?? 1,
    probePorts: options.probes ? await allocateProbePorts(options.replicas ?? 1) : undefined,
    env: {
      LOG_LEVEL: 'warn',
      RPC_TIMEOUT_MS: '3000',
      READY_TIMEOUT_MS: '1000',
      RATE_LIMIT_PER_SECOND: '100000',
      ...(options.env ?? {}),
    },
    log,
  });
  apps.startAll();
  const stack = new TestStack(apps, keys, namespace, servers);
  try {
    await apps.waitReady(90_000);
  } catch (err) {
    await stack.stop();
    throw err;
  }
  return stack;
}
