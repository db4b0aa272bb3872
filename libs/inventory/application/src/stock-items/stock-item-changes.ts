import { Injectable } from '@nestjs/common';
import {
  AdjustmentRequest,
  IdPrefix,
  LedgerEntry,
  LedgerEntryRequest,
  newId,
  RequestContext,
  StockItem,
  UpdateStockItemRequest,
} from '@circulate/contracts';
import { LocationRepository } from '@circulate/inventory/data-access';
import { decideAdjustment, decideLedgerEntry, decideUpdate, movesTo } from '@circulate/inventory/domain';
import { StockItemWriter } from './stock-item-writer';

/** Staff's changes of one item: PATCH, pool adjustments, manual ledger entries. */
@Injectable()
export class StockItemChanges {
  constructor(
    private readonly writer: StockItemWriter,
    private readonly locations: LocationRepository,
  ) {}

  update(ctx: RequestContext, input: UpdateStockItemRequest): Promise<StockItem> {
    return this.writer.change(ctx, input.id, async (item, at) => {
      const target = movesTo(item, input);
      const locationExists = target === null || !!(await this.locations.findById(ctx.tenantId, target));
      return decideUpdate(item, input, { locationExists }, at);
    });
  }

  adjust(ctx: RequestContext, input: AdjustmentRequest): Promise<StockItem> {
    return this.writer.change(ctx, input.id, (item, at) => decideAdjustment(item, input, at));
  }

  async addLedgerEntry(ctx: RequestContext, input: LedgerEntryRequest): Promise<LedgerEntry> {
    const entryId = newId(IdPrefix.ledgerEntry);
    let entry: LedgerEntry | undefined;
    await this.writer.change(ctx, input.id, (item, at) => {
      const decision = decideLedgerEntry(item, { ...input, entryId }, at);
      if (decision.ok) entry = decision.value?.ledgerEntry;
      return decision;
    });
    return entry as LedgerEntry;
  }
}
