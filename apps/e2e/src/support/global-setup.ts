import { join } from 'node:path';
// jest loads global setup outside its module mapper, so the path alias cannot be used here.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureTestServers, findRepoRoot } from '../../../../libs/platform/stack/src';

/**
 * Starts NATS and the MongoDB-compatible server once for the whole run when they are not
 * already answering (or, with TEST_SERVERS=containers and a container engine, NATS 2.10 and
 * MongoDB 7 containers), and passes their URLs to the test files through the environment.
 */
export default async function globalSetup(): Promise<void> {
  const root = findRepoRoot(__dirname);
  const log = (line: string) => process.stderr.write(`[e2e] ${line}\n`);
  const [nats, mongo] = await ensureTestServers({
    natsUrl: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222',
    mongoUrl: process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017',
    natsDataDir: join(root, '.data', 'test', 'nats'),
    mongoDataDir: join(root, '.data', 'test', 'ferretdb'),
    repoRoot: root,
    log,
  });
  process.env['NATS_URL'] = nats.url;
  process.env['MONGO_URL'] = mongo.url;
  (globalThis as Record<string, unknown>)['__circulateServers'] = [nats, mongo];
}
