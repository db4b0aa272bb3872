import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { childEnv } from './child-env';

const run = promisify(execFile);

export interface StartedServer {
  url: string;
  /** Set when this process started the server (and so must stop it). */
  process?: ChildProcess;
  stop(): Promise<void>;
}

export type Log = (line: string) => void;

export function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  const u = new URL(url.split(',')[0]);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || defaultPort) };
}

/** True when something accepts TCP connections at host:port within the timeout. */
export function tcpAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`${what} did not come up within ${Math.round(timeoutMs / 1000)} s`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/**
 * NATS with JetStream: the one at `url` when it answers, else a `nats-server` started here
 * with its store under `dataDir`.
 */
export async function ensureNats(url: string, dataDir: string, log: Log): Promise<StartedServer> {
  const { host, port } = hostPort(url, 4222);
  if (await tcpAnswers(host, port)) {
    log(`NATS answers at ${url}`);
    return { url, stop: async () => undefined };
  }
  const bin = process.env['NATS_SERVER_BIN'] ?? 'nats-server';
  mkdirSync(dataDir, { recursive: true });
  log(`starting ${bin} with JetStream on ${host}:${port} (data in ${dataDir})`);
  const out = openSync(join(dataDir, 'nats-server.log'), 'a');
  const child = spawn(bin, ['-a', host, '-p', String(port), '-js', '-sd', dataDir], {
    stdio: ['ignore', out, out],
    env: childEnv(),
  });
  child.once('error', (err) =>
    log(`nats-server failed to start: ${err.message} (install nats-server or set NATS_URL)`),
  );
  await waitFor('nats-server', () => tcpAnswers(host, port), 15_000);
  return { url, process: child, stop: stopper(child) };
}

async function which(cmd: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('sh', ['-c', `command -v ${cmd}`]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A MongoDB-compatible server: the one at `url` when it answers; else `mongod` when on the
 * PATH; else FerretDB v1 with its SQLite backend (built once by tools/ferretdb.sh).
 */
export async function ensureMongo(url: string, dataDir: string, repoRoot: string, log: Log): Promise<StartedServer> {
  const { host, port } = hostPort(url, 27017);
  if (await tcpAnswers(host, port)) {
    log(`MongoDB-compatible server answers at ${url}`);
    return { url, stop: async () => undefined };
  }
  mkdirSync(dataDir, { recursive: true });
  const out = openSync(join(dataDir, 'server.log'), 'a');
  let child: ChildProcess;
  const mongod = await which('mongod');
  if (mongod) {
    log(`starting mongod on ${host}:${port} (data in ${dataDir})`);
    child = spawn(mongod, ['--dbpath', dataDir, '--bind_ip', host, '--port', String(port)], {
      stdio: ['ignore', out, out],
      env: childEnv(),
    });
  } else {
    const script = join(repoRoot, 'tools', 'ferretdb.sh');
    if (!existsSync(script)) throw new Error(`no MongoDB at ${url} and no ${script} to build FerretDB`);
    log('no mongod on the PATH: using FerretDB v1.24.2 with its SQLite backend (built once, then cached)');
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
      const build = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], env: childEnv() });
      let text = '';
      build.stdout.on('data', (d: Buffer) => (text += d.toString()));
      build.once('exit', (code) =>
        code === 0 ? resolve({ stdout: text }) : reject(new Error(`tools/ferretdb.sh exited ${code}`)),
      );
    });
    const bin = stdout.trim().split('\n').pop() as string;
    log(`starting FerretDB on ${host}:${port} (data in ${dataDir})`);
    child = spawn(
      bin,
      [
        '--handler=sqlite',
        `--sqlite-url=file:${dataDir}/`,
        `--listen-addr=${host}:${port}`,
        '--telemetry=disable',
        '--log-level=warn',
        '--state-dir=' + dataDir,
        '--debug-addr=127.0.0.1:0',
      ],
      { stdio: ['ignore', out, out], env: childEnv() },
    );
  }
  await waitFor('the MongoDB-compatible server', () => tcpAnswers(host, port), 30_000);
  return { url, process: child, stop: stopper(child) };
}
