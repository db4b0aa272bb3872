import { KeyedMutex } from './keyed-mutex';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('KeyedMutex', () => {
  it('runs the tasks of one key one at a time, in arrival order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`${name}:start`);
      await sleep(ms);
      log.push(`${name}:end`);
    };
    await Promise.all([mutex.run('k', task('a', 20)), mutex.run('k', task('b', 1)), mutex.run('k', task('c', 5))]);
    expect(log).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
    expect(mutex.size).toBe(0);
  });

  it('runs different keys concurrently', async () => {
    const mutex = new KeyedMutex();
    let running = 0;
    let peak = 0;
    const task = async () => {
      running++;
      peak = Math.max(peak, running);
      await sleep(10);
      running--;
    };
    await Promise.all([mutex.run('a', task), mutex.run('b', task), mutex.run('c', task)]);
    expect(peak).toBe(3);
  });

  it('keeps going after a task fails, and reports the failure to its caller only', async () => {
    const mutex = new KeyedMutex();
    const failing = mutex.run('k', async () => {
      throw new Error('boom');
    });
    const next = mutex.run('k', async () => 'ok');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });

  it('takes several keys in sorted order so crossing callers never deadlock', async () => {
    const mutex = new KeyedMutex();
    const results = await Promise.all([
      mutex.runAll(['x', 'y'], async () => {
        await sleep(5);
        return 1;
      }),
      mutex.runAll(['y', 'x'], async () => 2),
    ]);
    expect(results).toEqual([1, 2]);
  });
});
