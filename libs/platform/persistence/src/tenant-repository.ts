import { OnModuleInit } from '@nestjs/common';
import { DEFAULT_LIMIT, DomainError, ErrorCode, MAX_LIMIT, Page, TenantId } from '@circulate/contracts';
import type { Collection } from 'mongodb';
import type { QueryFilter, Model } from 'mongoose';

/** Fields every stored document has. `_id` is a prefixed string id, so it sorts by creation. */
export interface TenantDocument {
  _id: string;
  tenantId: TenantId;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

declare const OWNED: unique symbol;

/**
 * A document read for its tenant (by `findOwned`, `findOwnedMany` or a repository read built on
 * them): the proof that a write by `_id` alone is a write of that tenant's document. Writes of
 * existing documents take one of these, writes of new documents take the tenant, so no unscoped
 * write compiles.
 */
export type Owned<T> = T & { readonly tenantId: TenantId; readonly [OWNED]: true };

/** A filter that cannot be built without naming the tenant (Novu's EnforceEnvOrOrgIds idea). */
export type TenantFilter<T> = QueryFilter<T> & { tenantId: TenantId };

export function tenantFilter<T>(tenantId: TenantId, filter: QueryFilter<T> = {}): TenantFilter<T> {
  if (!tenantId) throw new Error('tenantId is required on every query');
  return { ...filter, tenantId } as TenantFilter<T>;
}

export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[a-z]{3}_[0-9A-Z]{26}$/.test(id)) throw DomainError.invalid('cursor', 'is not a cursor this API returned');
  return id;
}

/**
 * A unique-index violation. MongoDB reports code 11000 for inserts and updates alike; FerretDB v1
 * does so for inserts but surfaces an update's violation as a generic error whose message carries
 * E11000 or the SQLite "UNIQUE constraint failed", so the message is checked too.
 */
export function isDuplicateKeyError(err: unknown): boolean {
  if ((err as { code?: number })?.code === 11000) return true;
  return /E11000|duplicate key|UNIQUE constraint failed/i.test(String((err as Error)?.message ?? ''));
}

/** A stored document as the driver sees it (string `_id`, the fields as they are). */
export type Stored<TDoc> = { [K in keyof TDoc]: TDoc[K] };

/**
 * The driver's collection of a model, typed by its documents: for bulk inserts that skip
 * mongoose's casting and defaults (mongoose types it with ObjectId `_id`s; ours are strings).
 */
export function driverCollection<TDoc>(model: Model<TDoc>): Collection<Stored<TDoc>> {
  return model.collection as unknown as Collection<Stored<TDoc>>;
}

/**
 * Base for repositories: every method takes the tenant first, every query is scoped by it,
 * and what comes out is a plain object (never a mongoose document).
 */
export abstract class TenantRepository<TDoc extends { _id: string; tenantId: string }, TPlain> implements OnModuleInit {
  protected constructor(protected readonly model: Model<TDoc>) {}

  protected abstract toPlain(doc: TDoc): TPlain;

  /**
   * The driver's collection, typed by the stored document (string `_id`s): for bulk inserts that
   * skip mongoose's casting and defaults (the documents are complete).
   */
  protected get collection(): Collection<Stored<TDoc>> {
    return driverCollection(this.model);
  }

  /** The model, for the outbox relay's registration and lock keys. */
  get mongooseModel(): Model<TDoc> {
    return this.model;
  }

  async onModuleInit(): Promise<void> {
    await this.model.createCollection().catch(() => undefined);
    await this.model.createIndexes();
  }

  /**
   * By `_id` alone, then the tenant is checked here: FerretDB v1 answers an `_id`-only filter
   * from its primary key but scans the whole collection for `_id` + `tenantId` (measured: 2 ms vs
   * 89 ms at 10,000 documents). Another tenant's document is simply not found.
   */
  async findById(tenantId: TenantId, id: string): Promise<TPlain | null> {
    const doc = await this.findOwned<TDoc>(tenantId, id);
    return doc ? this.toPlain(doc) : null;
  }

  /** The stored document by `_id` alone (as findById), if it is the tenant's; an inclusive projection must name `tenantId`. */
  protected async findOwned<T extends { tenantId: string }>(
    tenantId: TenantId,
    id: string,
    projection?: Record<string, 0 | 1>,
  ): Promise<Owned<T> | null> {
    const doc = await this.model.findById(id, projection).lean<T>().exec();
    return doc && doc.tenantId === tenantId ? this.owned(doc) : null;
  }

  /** The tenant's documents matching `filter` (always scoped by the tenant), as proofs for writes. */
  protected async findOwnedMany<T extends { tenantId: string }>(
    tenantId: TenantId,
    filter: QueryFilter<TDoc>,
    projection?: Record<string, 0 | 1>,
  ): Promise<Owned<T>[]> {
    const docs = await this.model
      .find(tenantFilter<TDoc>(tenantId, filter), projection)
      .sort({ _id: 1 })
      .lean<T[]>()
      .exec();
    return docs.map((d) => this.owned(d));
  }

  /**
   * Marks a document as read for its tenant. Only repositories can (it is protected): their reads
   * that checked the tenant, and a cached read whose tenant was checked, call it.
   */
  protected owned<T extends { tenantId: string }>(doc: T): Owned<T> {
    return doc as Owned<T>;
  }

  async getById(tenantId: TenantId, id: string, what: string): Promise<TPlain> {
    const found = await this.findById(tenantId, id);
    if (!found) throw DomainError.notFound(what, id);
    return found;
  }

  /** Cursor pagination in creation order (ids are time-ordered). */
  async page(
    tenantId: TenantId,
    filter: QueryFilter<TDoc>,
    limit = DEFAULT_LIMIT,
    cursor?: string,
  ): Promise<Page<TPlain>> {
    const n = Math.min(Math.max(1, limit), MAX_LIMIT);
    const after = decodeCursor(cursor);
    const query = tenantFilter<TDoc>(tenantId, after ? { ...filter, _id: { $gt: after } } : filter);
    const docs = await this.model
      .find(query)
      .sort({ _id: 1 })
      .limit(n + 1)
      .lean<TDoc[]>()
      .exec();
    const items = docs.slice(0, n).map((d) => this.toPlain(d));
    const nextCursor = docs.length > n ? encodeCursor(docs[n - 1]._id) : null;
    return { items, nextCursor };
  }

  protected conflict(code: ErrorCode, message: string): DomainError {
    return new DomainError(code, message);
  }
}
