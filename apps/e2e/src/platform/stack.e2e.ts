import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestStack } from '@circulate/platform/stack';
import { connect } from 'nats';

describe('test stack clean-up', () => {
  it('a finished run leaves none of its streams or key-value buckets in NATS', async () => {
    const stack = await startTestStack();
    const ns = stack.namespace;
    // A write takes a lease, which creates the service's key-value bucket.
    expect((await stack.http('POST', '/skus', { body: { code: 'CLEAN-1', name: 'Clean' } })).status).toBe(201);
    const nc = await connect({ servers: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' });
    try {
      const jsm = await nc.jetstreamManager();
      const ours = async () => {
        const names: string[] = [];
        for await (const info of jsm.streams.list())
          if (info.config.name.startsWith(`${ns}_`) || info.config.name.startsWith(`KV_${ns}_`))
            names.push(info.config.name);
        return names.sort();
      };
      expect(await ours()).toEqual(expect.arrayContaining([`${ns}_inventory_events`, `KV_${ns}_inventory_locks`]));
      await stack.stop();
      expect(await ours()).toEqual([]);
    } finally {
      await nc.close();
    }
  }, 120_000);
});

describe('replicas', () => {
  it('a stack started with two replicas of every replicated domain service serves requests from both', async () => {
    const stack = await startTestStack({ replicas: 2, env: { LOG_LEVEL: 'debug' } });
    try {
      expect(stack.apps.instances().sort()).toEqual(
        [
          'availability',
          'availability#2',
          'catalog',
          'catalog#2',
          'gateway',
          'inventory',
          'inventory#2',
          'orders',
          'orders#2',
          'reporting', // one: its projections live in one process (SINGLE_APPS)
        ].sort(),
      );
      expect((await stack.http('POST', '/skus', { body: { code: 'REP-1', name: 'Replicated' } })).status).toBe(201);
      const handled = (file: string) => {
        const path = join(stack.apps.options.logDir, file);
        if (!existsSync(path)) return 0;
        return readFileSync(path, 'utf8')
          .split('\n')
          .filter((l) => l.includes('"handled"')).length;
      };
      // NATS spreads a queue group's requests at random: 40 reads reach both replicas.
      for (let i = 0; i < 40; i++) expect((await stack.http('GET', '/skus?code=REP-1')).status).toBe(200);
      expect(handled('inventory.log')).toBeGreaterThan(0);
      expect(handled('inventory-2.log')).toBeGreaterThan(0);
    } finally {
      await stack.stop();
    }
  }, 120_000);
});
