import { join } from 'node:path';
// jest loads global setup outside its module mapper, so the path alias cannot be used here.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureMongo, ensureNats, findRepoRoot } from '../../../../libs/platform/stack/src';

/**
 * Starts NATS and the MongoDB-compatible server once for the whole run when they are not
 * already answering, and passes their URLs to the test files through the environment.
 */
export default async function globalSetup(): Promise<void> {
  const root = findRepoRoot(__dirname);
  const log = (line: string) => process.stderr.write(`[e2e] ${line}\n`);
  const nats = await ensureNats(
    process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222',
    join(root, '.data', 'test', 'nats'),
    log,
  );
  const mongo = await ensureMongo(
    process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017',
    join(root, '.data', 'test', 'ferretdb'),
    root,
    log,
  );
  process.env['NATS_URL'] = nats.url;
  process.env['MONGO_URL'] = mongo.url;
  (globalThis as Record<string, unknown>)['__circulateServers'] = [nats, mongo];
}
