import { Injectable } from '@nestjs/common';
import { DomainError, Result, TenantId } from '@circulate/contracts';
import type { Owned } from '@circulate/platform/persistence';
import type { Model } from 'mongoose';
import { BatchOutboxFlusher, PendingEvents } from './batch-outbox-flusher';
import { KeyedMutex } from './keyed-mutex';
import { OutboxDocument, OutboxRelay } from './outbox';

/** What the writer needs of an aggregate's repository (a TenantRepository has the model). */
export interface AggregateStore<TState, TDoc extends OutboxDocument = OutboxDocument> {
  /** The collection (lock keys, outbox). */
  readonly mongooseModel: Model<TDoc>;
  /** The aggregate as its tenant owns it (null: absent, or another tenant's). */
  loadOwned(tenantId: TenantId, id: string): Promise<Owned<TState> | null>;
  /** Drops cached reads of these aggregates; called after every write, failed ones too. */
  invalidate?(ids: string[]): Promise<void>;
}

/** The steps of one change; the writer runs them under the aggregate's lock, in this order. */
export interface ChangeSteps<TState, TChange, TOut> {
  /** Names the aggregate in a 404 ("stock item", "listing"). */
  what: string;
  /** The decision (a pure decider, after any lookups it needs); null: nothing to do. */
  decide(state: Owned<TState>): Result<TChange | null> | Promise<Result<TChange | null>>;
  /** Writes the change and its events in one document write; answers what the caller returns. */
  write(state: Owned<TState>, change: TChange): Promise<TOut>;
  /** The answer when nothing changed. */
  unchanged(state: Owned<TState>): TOut | Promise<TOut>;
  /** Still under the lock, once the events are published (e.g. remove a tombstone). */
  afterPublish?(state: Owned<TState>, out: TOut): Promise<void>;
}

/** Any store, whatever its aggregate (the helpers below need only the collection). */
interface Collection<TDoc extends OutboxDocument> {
  readonly mongooseModel: Model<TDoc>;
  invalidate?(ids: string[]): Promise<void>;
}

/**
 * The one write path of every aggregate: lock → owned read → decide → write (the change and its
 * events in one document write, `_outbox`) → cache invalidation → publish. A refused decision
 * throws its DomainError (the use case's answer); a no-op decision writes and publishes nothing.
 * Publishing failures are the relay's to retry (the events are durable in the document).
 */
@Injectable()
export class AggregateWriter {
  constructor(
    private readonly locks: KeyedMutex,
    private readonly outbox: OutboxRelay,
    private readonly batches: BatchOutboxFlusher,
  ) {}

  /** Key under which every writer of the aggregate serializes. */
  lockKey<TDoc extends OutboxDocument>(store: Collection<TDoc>, id: string): string {
    return OutboxRelay.lockKey(store.mongooseModel, id);
  }

  /** Changes one existing aggregate of the tenant (404 when it has none by that id). */
  change<TState, TDoc extends OutboxDocument, TChange, TOut>(
    store: AggregateStore<TState, TDoc>,
    tenantId: TenantId,
    id: string,
    steps: ChangeSteps<TState, TChange, TOut>,
  ): Promise<TOut> {
    return this.locks.run(this.lockKey(store, id), async () => {
      const state = await store.loadOwned(tenantId, id);
      if (!state) throw DomainError.notFound(steps.what, id);
      const decision = await steps.decide(state);
      if (!decision.ok) throw DomainError.fromPayload(decision.error);
      if (decision.value === null) return steps.unchanged(state);
      let out: TOut;
      try {
        out = await steps.write(state, decision.value);
      } finally {
        await store.invalidate?.([id]);
      }
      await this.outbox.flush(store.mongooseModel, id);
      await steps.afterPublish?.(state, out);
      return out;
    });
  }

  /** Creates one aggregate: `insert` writes the document with its first events; then they are published. */
  async create<TDoc extends OutboxDocument, TOut>(
    store: Collection<TDoc>,
    id: string,
    insert: () => Promise<TOut>,
  ): Promise<TOut> {
    return this.locks.run(this.lockKey(store, id), async () => {
      const out = await insert();
      await this.outbox.flush(store.mongooseModel, id);
      return out;
    });
  }

  /**
   * Changes many aggregates at once (a fan-out): every id is locked (sorted, so two callers never
   * deadlock), `apply` re-reads and writes what still needs it and answers the events it wrote
   * per document; those are published together and pulled from their documents.
   */
  async changeMany<TDoc extends OutboxDocument>(
    store: Collection<TDoc>,
    ids: string[],
    apply: () => Promise<PendingEvents[]>,
  ): Promise<void> {
    await this.locks.runAll(
      ids.map((id) => this.lockKey(store, id)),
      async () => {
        let pending: PendingEvents[] = [];
        try {
          pending = await apply();
        } finally {
          await store.invalidate?.(ids);
        }
        if (pending.length) await this.batches.flush(store.mongooseModel, pending);
      },
    );
  }

  /** Publishes events written outside `change` (a staged batch), as the relay would. */
  flush<TDoc extends OutboxDocument>(store: Collection<TDoc>, pending: PendingEvents[]): Promise<void> {
    return this.batches.flush(store.mongooseModel, pending);
  }
}

export type { PendingEvents };
