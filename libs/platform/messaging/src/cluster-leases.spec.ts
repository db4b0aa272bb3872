import { leaseKvKey } from './cluster-leases';

/** What NATS accepts as a key-value key: `[-/_=.a-zA-Z0-9]`, no empty `.`-separated token. */
const VALID_KV_KEY = /^[-/_=a-zA-Z0-9]+(\.[-/_=a-zA-Z0-9]+)*$/;

describe('lease keys', () => {
  const ids = ['a.', 'a..b', '.a', '%2e', '*', '>', 'a b', 'ünïcødé 🚲', '', 'x'.repeat(10_000), 'sku_01J', 'a/b=c'];

  it.each(ids.map((id) => [id.slice(0, 40)]))('are valid KV keys for any id (%p)', (prefix) => {
    const id = ids.find((i) => i.slice(0, 40) === prefix) ?? prefix;
    const key = leaseKvKey(`skus:${id}`);
    expect(key).toMatch(VALID_KV_KEY);
    expect(key.length).toBeLessThanOrEqual(210);
  });

  it('give distinct ids distinct leases (no two ids collapse onto one key)', () => {
    const keys = new Set(
      ['a*b', 'a b', 'a_b', 'a.b', 'a..b', 'x'.repeat(500), 'x'.repeat(501)].map((id) => leaseKvKey(`skus:${id}`)),
    );
    expect(keys.size).toBe(7);
  });
});
