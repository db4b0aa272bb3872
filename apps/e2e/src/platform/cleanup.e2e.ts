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
