interface Queued<I, O> {
  item: I;
  resolve(outcome: O): void;
  reject(err: unknown): void;
}

/**
 * Group writing: while one write is under way, the items that arrive queue behind it and go
 * together in the next (at most `maxBatch`), so the number of writes follows the store's pace, not
 * the request rate (one write per item when idle, many items per write under load). `write`
 * answers one outcome per item, in order; an `Error` there rejects that item alone, a failed
 * write rejects the whole batch.
 */
export class GroupWrite<I, O> {
  private queue: Queued<I, O>[] = [];
  private writing = false;

  constructor(
    private readonly maxBatch: number,
    private readonly write: (items: I[]) => Promise<readonly (O | Error)[]>,
  ) {}

  add(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.writing || this.queue.length === 0) return;
    this.writing = true;
    const batch = this.queue.splice(0, this.maxBatch);
    void this.write(batch.map((q) => q.item))
      .then(
        (outcomes) =>
          batch.forEach((q, i) => {
            const outcome = outcomes[i];
            if (outcome instanceof Error) q.reject(outcome);
            else q.resolve(outcome);
          }),
        (err: unknown) => batch.forEach((q) => q.reject(err)),
      )
      .finally(() => {
        this.writing = false;
        this.next();
      });
  }
}
