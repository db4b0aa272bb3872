import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { childEnv, findRepoRoot } from '@circulate/platform/stack';
import { useTestStack } from './support/stack';

const run = promisify(execFile);

/* eslint-disable @typescript-eslint/no-explicit-any */
describe('npm run demo: the demo shop', () => {
  const stack = useTestStack();
  const root = findRepoRoot(__dirname);

  const demo = (key: string) =>
    run(process.execPath, ['-r', 'ts-node/register/transpile-only', join(root, 'tools', 'demo.ts')], {
      cwd: root,
      env: childEnv({ TS_NODE_PROJECT: join(root, 'tools', 'tsconfig.json'), GATEWAY_URL: stack.url, API_KEY: key }),
      timeout: 120_000,
    });

  /** Everything the tenant owns, as the API lists it. */
  const snapshot = async (key: string) => {
    const lists = ['/locations', '/skus', '/stock-items', '/listings'];
    const out: Record<string, unknown[]> = {};
    for (const path of lists) out[path] = (await stack.http('GET', `${path}?limit=500`, { key })).body.items;
    return out;
  };

  it('loads the shop of the seed texts once, and a second run adds nothing', async () => {
    const first = await demo(stack.keys.admin);
    expect(first.stdout).toMatch(/\[demo\] 9\/9 ledger entries/);
    expect(first.stdout).toMatch(/done: \d+ created, 0 already there/);
    const after1 = await snapshot(stack.keys.admin);

    const second = await demo(stack.keys.admin);
    expect(second.stdout).toMatch(/done: 0 created, \d+ already there/);
    expect(await snapshot(stack.keys.admin)).toEqual(after1);

    const items = after1['/stock-items'] as any[];
    const serializedBikes = items.filter((i) => /^BIK-[SML]-\d{3}$/.test(i.codes[0]));
    expect(serializedBikes).toHaveLength(60);
    expect((after1['/skus'] as any[]).map((s) => s.code).sort()).toEqual(
      ['BIK-L', 'BIK-M', 'BIK-S', 'CHR-FOLD', 'HLM-STD', 'LCK-U', 'TBL-FEST'].sort(),
    );
    const camera = await stack.http('GET', '/stock-items/lookup?code=4006381333931');
    expect(camera.status).toBe(200);
    expect(camera.body).toMatchObject({ skuId: null, codes: ['CAM-0001', 'LEICA-M3-700123', '4006381333931'] });
    const party = await stack.http('GET', '/listings/by-slug/party-set-for-8');
    expect(party.body.fulfillmentRules.map((r: any) => r.quantity)).toEqual([1, 6]);
    const zones = (after1['/locations'] as any[]).map((l) => l.timeZone).sort();
    expect(zones).toEqual(['America/New_York', 'Europe/Helsinki', 'Europe/Helsinki']);
    const ledger = await stack.http('GET', `/stock-items/${camera.body.id}/ledger`);
    expect(ledger.body.totals).toEqual({
      income: { amount: 6500, currency: 'USD' },
      cost: { amount: 18000, currency: 'USD' },
    });
  }, 240_000);

  it('writes only into its own tenant', async () => {
    const other = await snapshot(stack.keys.otherAdmin);
    for (const list of Object.values(other)) expect(list).toEqual([]);
  });

  it('with a key that is refused, says so in one line and exits non-zero', async () => {
    await expect(demo('not-a-key')).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/^\[demo\] the API key was refused \(401\)[^\n]*\n$/),
    });
  });
});
