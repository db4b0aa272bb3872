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
import {
  OrderCommands,
  StockItemChanges,
  StockItemQueries,
  StockItemRegistration,
} from '@circulate/inventory/application';
import { Handles, RpcCtx, RpcData } from '@circulate/platform/messaging';

@Controller()
export class StockItemsController {
  constructor(
    private readonly registration: StockItemRegistration,
    private readonly queries: StockItemQueries,
    private readonly changes: StockItemChanges,
    private readonly orders: OrderCommands,
  ) {}

  @Handles(InventoryCalls.createStockItem)
  create(@RpcCtx() ctx: RequestContext, @RpcData() data: CreateStockItemRequest): Promise<StockItem> {
    return this.registration.create(ctx, data);
  }

  @Handles(InventoryCalls.batchRegisterStockItems)
  batch(@RpcCtx() ctx: RequestContext, @RpcData() data: BatchRegisterRequest): Promise<StockItemBatch> {
    return this.registration.batch(ctx, data);
  }

  @Handles(InventoryCalls.listStockItems)
  list(@RpcCtx() ctx: RequestContext, @RpcData() data: ListStockItemsRequest): Promise<Page<StockItem>> {
    return this.queries.list(ctx, data);
  }

  @Handles(InventoryCalls.getStockItem)
  get(@RpcCtx() ctx: RequestContext, @RpcData() data: StockItemIdRequest): Promise<StockItem> {
    return this.queries.get(ctx, data.id);
  }

  @Handles(InventoryCalls.lookupStockItem)
  lookup(@RpcCtx() ctx: RequestContext, @RpcData() data: LookupStockItemRequest): Promise<StockItem> {
    return this.queries.lookup(ctx, data.code);
  }

  @Handles(InventoryCalls.updateStockItem)
  update(@RpcCtx() ctx: RequestContext, @RpcData() data: UpdateStockItemRequest): Promise<StockItem> {
    return this.changes.update(ctx, data);
  }

  @Handles(InventoryCalls.adjustStockItem)
  adjust(@RpcCtx() ctx: RequestContext, @RpcData() data: AdjustmentRequest): Promise<StockItem> {
    return this.changes.adjust(ctx, data);
  }

  @Handles(InventoryCalls.addLedgerEntry)
  addLedgerEntry(@RpcCtx() ctx: RequestContext, @RpcData() data: LedgerEntryRequest): Promise<LedgerEntry> {
    return this.changes.addLedgerEntry(ctx, data);
  }

  @Handles(InventoryCalls.getLedger)
  ledger(@RpcCtx() ctx: RequestContext, @RpcData() data: StockItemIdRequest): Promise<Ledger> {
    return this.queries.ledger(ctx, data.id);
  }

  @Handles(InventoryCalls.getTimeline)
  timeline(@RpcCtx() ctx: RequestContext, @RpcData() data: StockItemIdRequest): Promise<Timeline> {
    return this.queries.timeline(ctx, data.id);
  }

  @Handles(InventoryCalls.handOut)
  handOut(@RpcCtx() ctx: RequestContext, @RpcData() data: HandOutCommand): Promise<StockItem> {
    return this.orders.handOut(ctx, data);
  }

  @Handles(InventoryCalls.returnUnits)
  returnUnits(@RpcCtx() ctx: RequestContext, @RpcData() data: ReturnCommand): Promise<StockItem> {
    return this.orders.returnUnits(ctx, data);
  }

  @Handles(InventoryCalls.recordOrderIncome)
  recordOrderIncome(@RpcCtx() ctx: RequestContext, @RpcData() data: RecordOrderIncomeCommand): Promise<StockItem> {
    return this.orders.recordOrderIncome(ctx, data);
  }

  @Handles(InventoryCalls.markSold)
  markSold(@RpcCtx() ctx: RequestContext, @RpcData() data: MarkSoldCommand): Promise<StockItem> {
    return this.orders.markSold(ctx, data);
  }
}
