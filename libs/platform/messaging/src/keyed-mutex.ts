import { Injectable, Optional } from '@nestjs/common';
import { ClusterLeases } from './cluster-leases';

/**
 * Runs tasks one at a time per key, in arrival order: inside this process by a queue per key,
 * and across the replicas of the service by a lease per key (`ClusterLeases`, when the app has
 * one). Used to serialize the writers of one aggregate, because FerretDB applies conditional
 * updates as read-modify-write (two concurrent updates of one document can lose one).
 */
@Injectable()
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(@Optional() private readonly leases?: ClusterLeases) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const leases = this.leases;
    const leased = leases
      ? async () => {
          const release = await leases.acquire(key);
          try {
            return await task();
          } finally {
            await release();
          }
        }
      : task;
    const current = previous.then(leased, leased);
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
