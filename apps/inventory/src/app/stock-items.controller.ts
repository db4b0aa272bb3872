import { Controller } from '@nestjs/common';
import {
  AdjustmentRequest,
  BatchRegisterRequest,
  CreateStockItemRequest,
  HandOutCommand,
  InventoryCalls,
  Ledger,
  LedgerEntry,
  LedgerEntryRequest,
  ListStockItemsRequest,
  LookupStockItemRequest,
  MarkSoldCommand,
  Page,
  RecordOrderIncomeCommand,
  RequestContext,
  ReturnCommand,
  StockItem,
  StockItemBatch,
  StockItemIdRequest,
  Timeline,
  UpdateStockItemRequest,
} from '@circulate/contracts';
import { StockItemsService } from '@circulate/inventory/data-access';
import { Handles, RpcCtx, RpcData } from '@circulate/platform/messaging';

@Controller()
export class StockItemsController {
  constructor(private readonly items: StockItemsService) {}

  @Handles(InventoryCalls.createStockItem)
  create(@RpcCtx() ctx: RequestContext, @RpcData() data: CreateStockItemRequest): Promise<StockItem> {
    return this.items.create(ctx, data);
  }

  @Handles(InventoryCalls.batchRegisterStockItems)
  batch(@RpcCtx() ctx: RequestContext, @RpcData() data: BatchRegisterRequest): Promise<StockItemBatch> {
    return this.items.batch(ctx, data);
  }

  @Handles(InventoryCalls.listStockItems)
  list(@RpcCtx() ctx: RequestContext, @RpcData() data: ListStockItemsRequest): Promise<Page<StockItem>> {
    return this.items.list(ctx, data);
  }

  @Handles(InventoryCalls.getStockItem)
  get(@RpcCtx() ctx: RequestContext, @RpcData() data: StockItemIdRequest): Promise<StockItem> {
    return this.items.get(ctx, data.id);
  }

  @Handles(InventoryCalls.lookupStockItem)
  lookup(@RpcCtx() ctx: RequestContext, @RpcData() data: LookupStockItemRequest): Promise<StockItem> {
    return this.items.lookup(ctx, data.code);
  }

  @Handles(InventoryCalls.updateStockItem)
  update(@RpcCtx() ctx: RequestContext, @RpcData() data: UpdateStockItemRequest): Promise<StockItem> {
    return this.items.update(ctx, data);
  }

  @Handles(InventoryCalls.adjustStockItem)
  adjust(@RpcCtx() ctx: RequestContext, @RpcData() data: AdjustmentRequest): Promise<StockItem> {
    return this.items.adjust(ctx, data);
  }

  @Handles(InventoryCalls.addLedgerEntry)
  addLedgerEntry(@RpcCtx() ctx: RequestContext, @RpcData() data: LedgerEntryRequest): Promise<LedgerEntry> {
    return this.items.addLedgerEntry(ctx, data);
  }

  @Handles(InventoryCalls.getLedger)
  ledger(@RpcCtx() ctx: RequestContext, @RpcData() data: StockItemIdRequest): Promise<Ledger> {
    return this.items.ledger(ctx, data.id);
  }

  @Handles(InventoryCalls.getTimeline)
  timeline(@RpcCtx() ctx: RequestContext, @RpcData() data: StockItemIdRequest): Promise<Timeline> {
    return this.items.timeline(ctx, data.id);
  }

  @Handles(InventoryCalls.handOut)
  handOut(@RpcCtx() ctx: RequestContext, @RpcData() data: HandOutCommand): Promise<StockItem> {
    return this.items.handOut(ctx, data);
  }

  @Handles(InventoryCalls.returnUnits)
  returnUnits(@RpcCtx() ctx: RequestContext, @RpcData() data: ReturnCommand): Promise<StockItem> {
    return this.items.returnUnits(ctx, data);
  }

  @Handles(InventoryCalls.recordOrderIncome)
  recordOrderIncome(@RpcCtx() ctx: RequestContext, @RpcData() data: RecordOrderIncomeCommand): Promise<StockItem> {
    return this.items.recordOrderIncome(ctx, data);
  }

  @Handles(InventoryCalls.markSold)
  markSold(@RpcCtx() ctx: RequestContext, @RpcData() data: MarkSoldCommand): Promise<StockItem> {
    return this.items.markSold(ctx, data);
  }
}
