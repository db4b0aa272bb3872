import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { DomainError, ErrorCode, TenantId } from '@circulate/contracts';
import { ReadCache, ReadCacheBus } from '@circulate/platform/messaging';
import { driverCollection, isDuplicateKeyError } from '@circulate/platform/persistence';
import type { Model } from 'mongoose';
import { StockItemCodeDoc } from './stock-item.schema';

export interface CodeClaim {
  code: string;
  stockItemId: string;
}

export function codeKey(tenantId: TenantId, code: string): string {
  return `${tenantId}:${code}`;
}

function isBulkDuplicate(err: unknown): boolean {
  if (isDuplicateKeyError(err)) return true;
  const writeErrors = (err as { writeErrors?: { code?: number; err?: { code?: number } }[] })?.writeErrors;
  return Array.isArray(writeErrors) && writeErrors.some((w) => (w.code ?? w.err?.code) === 11000);
}

/**
 * Stock-item codes, one document per code keyed by tenant and code. Inserting the documents
 * is how a code is claimed: the unique `_id` makes a second claim fail atomically, on MongoDB
 * and FerretDB alike (a unique index on the items' `codes` array would not be enforced there).
 */
@Injectable()
export class CodeRepository implements OnModuleInit {
  /** Owner of each code by `tenant:code` (what every lookup reads first). */
  private readonly owners: ReadCache<{ stockItemId: string }>;

  constructor(
    @InjectModel(StockItemCodeDoc.name) private readonly model: Model<StockItemCodeDoc>,
    caches: ReadCacheBus,
  ) {
    this.owners = caches.cache('stock-item-codes');
  }

  async onModuleInit(): Promise<void> {
    await this.model.createCollection().catch(() => undefined);
    await this.model.createIndexes();
  }

  /**
   * Claims every code or none: on any conflict the claims made here are deleted again and the
   * answer is 409 naming the codes already taken.
   */
  async claimAll(
    tenantId: TenantId,
    claims: CodeClaim[],
    takenAfterConflict?: (taken: StockItemCodeDoc[]) => Promise<StockItemCodeDoc[]>,
  ): Promise<void> {
    if (claims.length === 0) return;
    const now = new Date();
    const docs = claims.map((c) => ({
      _id: codeKey(tenantId, c.code),
      tenantId,
      code: c.code,
      stockItemId: c.stockItemId,
      createdAt: now,
    }));
    try {
      await this.owners.fillAfter(
        () => driverCollection(this.model).insertMany(docs, { ordered: false }),
        () => docs.map((d) => [d._id, { stockItemId: d.stockItemId }] as const),
      );
      return;
    } catch (err) {
      if (!isBulkDuplicate(err)) {
        await this.releaseClaims(tenantId, claims);
        throw err;
      }
    }
    const ours = new Set(claims.map((c) => c.stockItemId));
    const keys = docs.map((d) => d._id);
    const existing: StockItemCodeDoc[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      existing.push(
        ...(await this.model
          .find({ _id: { $in: keys.slice(i, i + 100) } })
          .lean<StockItemCodeDoc[]>()
          .exec()),
      );
    }
    let taken = existing.filter((d) => !ours.has(d.stockItemId));
    // Stale claims (left by a crash between claiming and writing the item) may be reclaimed once.
    if (takenAfterConflict && taken.length > 0) {
      const stillTaken = await takenAfterConflict(taken);
      if (stillTaken.length === 0) {
        const missing = claims.filter(
          (c) => !existing.some((d) => d._id === codeKey(tenantId, c.code) && ours.has(d.stockItemId)),
        );
        return this.claimAll(tenantId, missing, undefined).catch(async (err: unknown) => {
          await this.releaseClaims(tenantId, claims);
          throw err;
        });
      }
      taken = stillTaken;
    }
    await this.releaseClaims(tenantId, claims);
    const names = taken.map((d) => d.code).slice(0, 20);
    throw new DomainError(
      ErrorCode.CONFLICT_DUPLICATE_CODE,
      `code${names.length > 1 ? 's' : ''} ${names.map((c) => `"${c}"`).join(', ')} already belong${names.length > 1 ? '' : 's'} to another stock item`,
      names.map((c) => ({ field: 'codes', message: `"${c}" is already used` })),
    );
  }

  /** Deletes only the claims this caller made (a code owned by another item is never touched). */
  async releaseClaims(tenantId: TenantId, claims: CodeClaim[]): Promise<void> {
    await this.owners.invalidateAfter(
      claims.map((c) => codeKey(tenantId, c.code)),
      async () => {
        // Small chunks: FerretDB evaluates a large `$in` slowly.
        for (let i = 0; i < claims.length; i += 100) {
          const chunk = claims.slice(i, i + 100);
          await this.model
            .deleteMany({
              _id: { $in: chunk.map((c) => codeKey(tenantId, c.code)) },
              stockItemId: { $in: [...new Set(chunk.map((c) => c.stockItemId))] },
            })
            .exec();
        }
      },
    );
  }

  async deleteStale(tenantId: TenantId, stale: StockItemCodeDoc[]): Promise<void> {
    await this.owners.invalidateAfter(
      stale.map((d) => codeKey(tenantId, d.code)),
      async () => {
        for (const d of stale)
          await this.model.deleteOne({ _id: codeKey(tenantId, d.code), stockItemId: d.stockItemId }).exec();
      },
    );
  }

  /** The id of the item that claimed the code (a new claim needs no invalidation: misses are not cached). */
  async ownerOf(tenantId: TenantId, code: string): Promise<string | null> {
    const key = codeKey(tenantId, code);
    const owner = await this.owners.get(key, () =>
      this.model.findById(key, { _id: 0, stockItemId: 1 }).lean<{ stockItemId: string }>().exec(),
    );
    return owner?.stockItemId ?? null;
  }
}
