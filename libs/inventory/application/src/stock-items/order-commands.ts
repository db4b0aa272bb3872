import { Injectable } from '@nestjs/common';
import {
  HandOutCommand,
  IdPrefix,
  MarkSoldCommand,
  newId,
  RecordOrderIncomeCommand,
  RequestContext,
  ReturnCommand,
  StockItem,
} from '@circulate/contracts';
import { decideHandOut, decideOrderIncome, decideReturn, decideSale } from '@circulate/inventory/domain';
import { StockItemWriter } from './stock-item-writer';

/**
 * The orders service's commands on an item; each is idempotent per order, item and operation
 * (a repeat answers the item as it is and publishes nothing).
 */
@Injectable()
export class OrderCommands {
  constructor(private readonly writer: StockItemWriter) {}

  handOut(ctx: RequestContext, cmd: HandOutCommand): Promise<StockItem> {
    return this.writer.change(ctx, cmd.stockItemId, (item, at) => decideHandOut(item, cmd, at));
  }

  returnUnits(ctx: RequestContext, cmd: ReturnCommand): Promise<StockItem> {
    return this.writer.change(ctx, cmd.stockItemId, (item, at) => decideReturn(item, cmd, at));
  }

  recordOrderIncome(ctx: RequestContext, cmd: RecordOrderIncomeCommand): Promise<StockItem> {
    const entryId = newId(IdPrefix.ledgerEntry);
    return this.writer.change(ctx, cmd.stockItemId, (item, at) => decideOrderIncome(item, { ...cmd, entryId }, at));
  }

  markSold(ctx: RequestContext, cmd: MarkSoldCommand): Promise<StockItem> {
    return this.writer.change(ctx, cmd.stockItemId, (item, at) => decideSale(item, cmd, at));
  }
}
