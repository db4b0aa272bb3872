import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { childEnv } from './child-env';
import type { Log } from './servers';
import { waitFor } from './servers';

export const APPS = ['inventory', 'catalog', 'availability', 'orders', 'reporting', 'gateway'] as const;
/**
 * Apps that run once whatever `replicas` says: the gateway (one port here), and reporting, whose
 * projections live in one process's memory (two would split its consumers' events between them).
 */
export const SINGLE_APPS: ReadonlySet<string> = new Set(['gateway', 'reporting']);
export type AppName = (typeof APPS)[number];
/** One running process: an app's first replica is its name, further ones `inventory#2`, … */
export type Instance = AppName | `${AppName}#${number}`;

export interface StackOptions {
  repoRoot: string;
  natsUrl: string;
  mongoUrl: string;
  namespace: string;
  apiKeys: string;
  port: number;
  logDir: string;
  /** Extra environment for every app (e.g. RPC_TIMEOUT_MS in tests). */
  env?: Record<string, string>;
  /** Replicas of every domain service (the gateway runs once); default 1. */
  replicas?: number;
  /** HEALTH_PORT of service instances (probes and /metrics); an instance without one serves none. */
  probePorts?: Partial<Record<Instance, number>>;
  log: Log;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** The six apps as child processes of this one, each logging to `<logDir>/<app>.log`. */
export class AppProcesses {
  private readonly children = new Map<Instance, ChildProcess>();

  constructor(readonly options: StackOptions) {
    mkdirSync(options.logDir, { recursive: true });
  }

  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  /**
   * Starts one app; `env` adds to (or overrides) the stack's environment for this start only.
   * `replica` > 1 starts a further replica beside the first (services only: they share queue
   * groups, so NATS spreads requests over them; the gateway has one port).
   */
  start(app: AppName, env: Record<string, string> = {}, replica = 1): Instance {
    if (replica > 1 && app === 'gateway') throw new Error('the gateway runs as one replica here');
    const key: Instance = replica > 1 ? `${app}#${replica}` : app;
    if (this.children.has(key)) throw new Error(`${key} is already running`);
    const o = this.options;
    const out = openSync(join(o.logDir, `${key.replace('#', '-')}.log`), 'a');
    const child = spawn(process.execPath, [join(o.repoRoot, 'dist', 'apps', app, 'main.js')], {
      cwd: o.repoRoot,
      stdio: ['ignore', out, out],
      env: childEnv({
        NODE_ENV: 'production',
        NATS_URL: o.natsUrl,
        MONGO_URL: o.mongoUrl,
        CIRCULATE_NS: o.namespace,
        API_KEYS: o.apiKeys,
        PORT: String(o.port),
        ...(o.probePorts?.[key] ? { HEALTH_PORT: String(o.probePorts[key]) } : {}),
        ...(o.env ?? {}),
        ...env,
      }),
    });
    child.once('exit', (code, signal) => {
      if (this.children.get(key) === child) {
        this.children.delete(key);
        if (code !== 0 && signal !== 'SIGTERM')
          o.log(`${key} exited (${signal ?? code}); see ${join(o.logDir, `${key.replace('#', '-')}.log`)}`);
      }
    });
    this.children.set(key, child);
    return key;
  }

  /**
   * Every app: `replicas` of each domain service (they share queue groups), one gateway and one
   * reporting (its projections live in one process; see SINGLE_APPS).
   */
  startAll(): void {
    const replicas = this.options.replicas ?? 1;
    for (const app of APPS) {
      const count = SINGLE_APPS.has(app) ? 1 : replicas;
      for (let replica = 1; replica <= count; replica++) this.start(app, {}, replica);
    }
  }

  /** Where a service instance serves /health/* and /metrics (startTestStack({ probes: true })). */
  probeUrl(instance: Instance): string {
    const port = this.options.probePorts?.[instance];
    if (!port) throw new Error(`${instance} has no probe port (start the stack with probes: true)`);
    return `http://127.0.0.1:${port}`;
  }

  /** The running processes, e.g. `inventory`, `inventory#2`, …, `gateway`. */
  instances(): Instance[] {
    return [...this.children.keys()];
  }

  async stop(app: Instance): Promise<void> {
    const child = this.children.get(app);
    if (!child) return;
    this.children.delete(app);
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children.keys()].map((a) => this.stop(a)));
  }

  /** Sends a signal to one running process (tests: SIGKILL a replica, SIGSTOP / SIGCONT it). */
  signal(app: Instance, signal: NodeJS.Signals): void {
    const child = this.children.get(app);
    if (!child) throw new Error(`${app} is not running`);
    child.kill(signal);
  }

  /** Resolves when the process has exited (after a SIGKILL, say); at once when it is not running. */
  async exited(app: Instance): Promise<void> {
    const child = this.children.get(app);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => child.once('exit', () => resolve()));
  }

  pid(app: Instance): number | undefined {
    return this.children.get(app)?.pid;
  }

  running(app: Instance): boolean {
    return this.children.has(app);
  }

  async waitReady(timeoutMs = 60_000): Promise<void> {
    await waitFor(
      'the gateway (/health/ready)',
      async () => {
        try {
          const res = await fetch(`${this.gatewayUrl}/health/ready`);
          return res.status === 200;
        } catch {
          return false;
        }
      },
      timeoutMs,
      250,
    );
  }
}
