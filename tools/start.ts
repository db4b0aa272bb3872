/**
 * `npm start`: the whole of Circulate on one machine, in the foreground.
 * Uses NATS_URL / MONGO_URL when they answer, otherwise starts nats-server (JetStream) and a
 * MongoDB-compatible server (mongod on the PATH, else FerretDB built once) with data under
 * .data/; builds what is stale; starts the six apps; waits for /health/ready; prints the URL
 * and, when API_KEYS is unset, a generated admin key for tenant `demo`. Ctrl-C stops it all.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APPS,
  AppProcesses,
  buildApps,
  ensureMongo,
  ensureNats,
  findRepoRoot,
  replicasFromEnv,
  SINGLE_APPS,
  StartedServer,
} from '../libs/platform/stack/src';

const log = (line: string) => process.stdout.write(`[circulate] ${line}\n`);

async function main(): Promise<void> {
  const root = findRepoRoot(__dirname);
  const data = join(root, '.data');
  mkdirSync(data, { recursive: true });
  const servers: StartedServer[] = [];
  let apps: AppProcesses | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping…`);
    await apps?.stopAll();
    for (const s of servers.reverse()) await s.stop();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const replicas = replicasFromEnv();
  const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
  const mongoUrl = process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017';
  log('1/4 NATS');
  servers.push(await ensureNats(natsUrl, join(data, 'nats'), log));
  log('2/4 MongoDB-compatible server');
  servers.push(await ensureMongo(mongoUrl, join(data, 'ferretdb'), root, log));
  log('3/4 building the apps (cached when nothing changed)');
  await buildApps(root);

  let apiKeys = process.env['API_KEYS'] ?? '';
  let demoKey: string | undefined;
  if (!apiKeys) {
    // Keep the demo key across restarts so a second start reuses data and key.
    const keyFile = join(data, 'demo-admin-key');
    demoKey = existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : `demo_${randomBytes(18).toString('hex')}`;
    writeFileSync(keyFile, `${demoKey}\n`, { mode: 0o600 });
    apiKeys = `demo:admin:${demoKey}`;
  }
  log(
    replicas > 1
      ? `4/4 starting ${replicas} replicas each of ${APPS.filter((a) => !SINGLE_APPS.has(a)).join(', ')}; one each of ${[...SINGLE_APPS].join(', ')}`
      : `4/4 starting ${APPS.join(', ')}`,
  );
  apps = new AppProcesses({
    repoRoot: root,
    natsUrl,
    mongoUrl,
    namespace: process.env['CIRCULATE_NS'] ?? 'circulate',
    apiKeys,
    port: Number(process.env['PORT'] ?? 3000),
    logDir: join(data, 'logs'),
    replicas,
    log,
  });
  apps.startAll();
  await apps.waitReady(120_000);
  log(`ready: ${apps.gatewayUrl}/api/v1  (OpenAPI: ${apps.gatewayUrl}/api/docs, logs: .data/logs/)`);
  if (demoKey) log(`demo tenant admin key: ${demoKey}`);
  log(`try: curl -H "Authorization: Bearer ${demoKey ?? '<your key>'}" ${apps.gatewayUrl}/api/v1/locations`);
}

main().catch((err: unknown) => {
  process.stderr.write(`[circulate] ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
