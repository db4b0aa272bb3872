import { ReadCache } from './read-cache';

interface Doc {
  v: number;
  tags: string[];
}

/** A load whose answer the test releases when it wants to (to interleave writes with it). */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ReadCache (coherent read-through cache)', () => {
  const options = { maxEntries: 100, ttlMs: 60_000 };

  it('reads once, then answers from memory until the key is invalidated', async () => {
    const cache = new ReadCache<Doc>('t', options);
    let loads = 0;
    const load = async () => ({ v: ++loads, tags: [] });
    expect(await cache.get('a', load)).toEqual({ v: 1, tags: [] });
    expect(await cache.get('a', load)).toEqual({ v: 1, tags: [] });
    expect(loads).toBe(1);
    await cache.invalidate(['a']);
    expect(await cache.get('a', load)).toEqual({ v: 2, tags: [] });
    expect(cache.hits).toBe(1);
  });

  it('never caches an absent value, so a key that comes into being is found', async () => {
    const cache = new ReadCache<Doc>('t', options);
    expect(await cache.get('a', async () => null)).toBeNull();
    expect(await cache.get('a', async () => ({ v: 1, tags: [] }))).toEqual({ v: 1, tags: [] });
  });

  it('shares one load between concurrent misses of a key', async () => {
    const cache = new ReadCache<Doc>('t', options);
    const gate = deferred<Doc>();
    let loads = 0;
    const load = () => {
      loads++;
      return gate.promise;
    };
    const both = Promise.all([cache.get('a', load), cache.get('a', load)]);
    gate.resolve({ v: 1, tags: [] });
    expect(await both).toEqual([
      { v: 1, tags: [] },
      { v: 1, tags: [] },
    ]);
    expect(loads).toBe(1);
  });

  it('does not keep a value that was being read while its key was invalidated', async () => {
    const cache = new ReadCache<Doc>('t', options);
    const oldRead = deferred<Doc>();
    const answer = cache.get('a', () => oldRead.promise);
    // A write commits and invalidates while the read is under way; the read then returns the old version.
    cache.drop(['a']);
    oldRead.resolve({ v: 1, tags: [] });
    expect(await answer).toEqual({ v: 1, tags: [] });
    expect(await cache.get('a', async () => ({ v: 2, tags: [] }))).toEqual({ v: 2, tags: [] });
  });

  it('does not let a caller who came after an invalidation join the read that started before it', async () => {
    const cache = new ReadCache<Doc>('t', options);
    const oldRead = deferred<Doc>();
    void cache.get('a', () => oldRead.promise);
    cache.drop(['a']);
    const fresh = cache.get('a', async () => ({ v: 2, tags: [] }));
    oldRead.resolve({ v: 1, tags: [] });
    expect(await fresh).toEqual({ v: 2, tags: [] });
  });

  it('fills written values, except keys invalidated while the write was under way', async () => {
    const cache = new ReadCache<Doc>('t', options);
    await cache.fillAfter(
      async () => cache.drop(['b']),
      () => [
        ['a', { v: 1, tags: [] }],
        ['b', { v: 1, tags: [] }],
      ],
    );
    expect(await cache.get('a', async () => ({ v: 9, tags: [] }))).toEqual({ v: 1, tags: [] });
    expect(await cache.get('b', async () => ({ v: 2, tags: [] }))).toEqual({ v: 2, tags: [] });
  });

  it('fills nothing when the cache was cleared in between (a NATS interruption)', async () => {
    const cache = new ReadCache<Doc>('t', options);
    await cache.fillAfter(
      async () => cache.clear(),
      () => [['a', { v: 1, tags: [] }]],
    );
    expect(cache.size).toBe(0);
  });

  it('fills nothing when the write fails, and drops written keys even then', async () => {
    const cache = new ReadCache<Doc>('t', options);
    await expect(
      cache.fillAfter(
        async () => {
          throw new Error('write failed');
        },
        () => [['a', { v: 1, tags: [] }]],
      ),
    ).rejects.toThrow('write failed');
    expect(cache.size).toBe(0);
    await cache.get('b', async () => ({ v: 1, tags: [] }));
    await expect(
      cache.invalidateAfter(['b'], async () => {
        throw new Error('write failed');
      }),
    ).rejects.toThrow('write failed');
    expect(cache.size).toBe(0);
  });

  it('hands every caller its own copy', async () => {
    const cache = new ReadCache<Doc>('t', options);
    const first = await cache.get('a', async () => ({ v: 1, tags: ['x'] }));
    first?.tags.push('mutated');
    expect(await cache.get('a', async () => null)).toEqual({ v: 1, tags: ['x'] });
  });

  it('in shared mode answers one frozen value per entry, not the object its load answered', async () => {
    const cache = new ReadCache<Doc>('t', options, undefined, { shared: true });
    const loaded = { v: 1, tags: ['x'] };
    expect(await cache.get('a', async () => loaded)).toBe(loaded);
    loaded.tags.push('mutated after the load');
    const hit = await cache.get('a', async () => null);
    expect(hit).toEqual({ v: 1, tags: ['x'] });
    expect(await cache.get('a', async () => null)).toBe(hit);
    expect(() => hit?.tags.push('y')).toThrow(/not extensible/);
    expect((await cache.getMany(['a'], async () => new Map())).get('a')).toBe(hit);
  });

  it('reads through every time when its time to live is 0 (caching off)', async () => {
    const cache = new ReadCache<Doc>('t', { maxEntries: 100, ttlMs: 0 });
    let loads = 0;
    const load = async () => ({ v: ++loads, tags: [] });
    await cache.get('a', load);
    await cache.get('a', load);
    expect(loads).toBe(2);
    expect(cache.enabled).toBe(false);
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const cache = new ReadCache<Doc>('t', { maxEntries: 2, ttlMs: 60_000 });
    for (const key of ['a', 'b', 'c']) await cache.get(key, async () => ({ v: 1, tags: [] }));
    expect(cache.size).toBe(2);
    let reloaded = false;
    await cache.get('a', async () => ((reloaded = true), { v: 1, tags: [] }));
    expect(reloaded).toBe(true);
  });

  it('answers several keys at once: hits from memory, misses in one load, absent ones left out', async () => {
    const cache = new ReadCache<Doc>('t', options);
    await cache.get('a', async () => ({ v: 1, tags: [] }));
    const asked: string[][] = [];
    const found = await cache.getMany(['a', 'b', 'c'], async (missing) => {
      asked.push(missing);
      return new Map([['b', { v: 2, tags: [] }]]);
    });
    expect(asked).toEqual([['b', 'c']]);
    expect([...found.entries()]).toEqual([
      ['a', { v: 1, tags: [] }],
      ['b', { v: 2, tags: [] }],
    ]);
    expect(await cache.get('b', async () => null)).toEqual({ v: 2, tags: [] });
  });

  it('drops everything on invalidateAll, including what a load under way would have kept', async () => {
    const cache = new ReadCache<Doc>('t', options);
    await cache.get('a', async () => ({ v: 1, tags: [] }));
    const slow = deferred<Map<string, Doc>>();
    const answer = cache.getMany(['b'], () => slow.promise);
    await cache.invalidateAll();
    slow.resolve(new Map([['b', { v: 1, tags: [] }]]));
    await answer;
    expect(cache.size).toBe(0);
  });
});
