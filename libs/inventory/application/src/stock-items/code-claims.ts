import { Injectable } from '@nestjs/common';
import type { TenantId } from '@circulate/contracts';
import { CodeClaim, CodeRepository, StockItemCodeDoc, StockItemRepository } from '@circulate/inventory/data-access';

/** A claim older than this whose item does not list the code is left over from a crash. */
const STALE_CLAIM_MS = 60_000;

/** Codes are unique per tenant: claimed before an item lists them, released after it drops them. */
@Injectable()
export class CodeClaims {
  constructor(
    private readonly codes: CodeRepository,
    private readonly items: StockItemRepository,
  ) {}

  /** Claims every code or none (409); a claim left by a crash (old, its item does not list the code) is reclaimed. */
  claim(tenantId: TenantId, claims: CodeClaim[]): Promise<void> {
    return this.codes.claimAll(tenantId, claims, async (taken: StockItemCodeDoc[]) => {
      const stale: StockItemCodeDoc[] = [];
      const still: StockItemCodeDoc[] = [];
      for (const d of taken) {
        const old = Date.now() - new Date(d.createdAt).getTime() > STALE_CLAIM_MS;
        const owner = old ? await this.items.findById(tenantId, d.stockItemId) : null;
        if (old && !owner?.codes.includes(d.code)) stale.push(d);
        else still.push(d);
      }
      if (still.length === 0) await this.codes.deleteStale(tenantId, stale);
      return still;
    });
  }

  release(tenantId: TenantId, claims: CodeClaim[]): Promise<void> {
    return this.codes.releaseClaims(tenantId, claims);
  }

  /** Runs `write` with the codes claimed; if it fails they are released again. */
  async holding<T>(tenantId: TenantId, claims: CodeClaim[], write: () => Promise<T>): Promise<T> {
    if (claims.length) await this.claim(tenantId, claims);
    try {
      return await write();
    } catch (err) {
      if (claims.length) await this.release(tenantId, claims);
      throw err;
    }
  }
}

/** The claims of codes by one item. */
export function claimsOf(stockItemId: string, codes: readonly string[] = []): CodeClaim[] {
  return codes.map((code) => ({ code, stockItemId }));
}
