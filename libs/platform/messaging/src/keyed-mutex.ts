import { Injectable } from '@nestjs/common';

/**
 * Runs tasks one at a time per key, in arrival order, inside this process. Used to serialize
 * the writers of one aggregate, because FerretDB applies conditional updates as
 * read-modify-write (two concurrent updates of one document can lose one).
 */
@Injectable()
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(task, task);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Runs under several keys at once (sorted, so two callers never deadlock). */
  async runAll<T>(keys: string[], task: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const step = (i: number): Promise<T> => (i === sorted.length ? task() : this.run(sorted[i], () => step(i + 1)));
    return step(0);
  }

  get size(): number {
    return this.tails.size;
  }
}
