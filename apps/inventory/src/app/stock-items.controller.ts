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
import { Handles } from '@circulate/platform/messaging';

@Controller()
export class StockItemsController {
  constructor(
    private readonly registration: StockItemRegistration,
    private readonly queries: StockItemQueries,
    private readonly changes: StockItemChanges,
    private readonly orders: OrderCommands,
  ) {}

  @Handles(InventoryCalls.createStockItem)
  create(ctx: RequestContext, data: CreateStockItemRequest): Promise<StockItem> {
    return this.registration.create(ctx, data);
  }

  @Handles(InventoryCalls.batchRegisterStockItems)
  batch(ctx: RequestContext, data: BatchRegisterRequest): Promise<StockItemBatch> {
    return this.registration.batch(ctx, data);
  }

  @Handles(InventoryCalls.listStockItems)
  list(ctx: RequestContext, data: ListStockItemsRequest): Promise<Page<StockItem>> {
    return this.queries.list(ctx, data);
  }

  @Handles(InventoryCalls.getStockItem)
  get(ctx: RequestContext, data: StockItemIdRequest): Promise<StockItem> {
    return this.queries.get(ctx, data.id);
  }

  @Handles(InventoryCalls.lookupStockItem)
  lookup(ctx: RequestContext, data: LookupStockItemRequest): Promise<StockItem> {
    return this.queries.lookup(ctx, data.code);
  }

  @Handles(InventoryCalls.updateStockItem)
  update(ctx: RequestContext, data: UpdateStockItemRequest): Promise<StockItem> {
    return this.changes.update(ctx, data);
  }

  @Handles(InventoryCalls.adjustStockItem)
  adjust(ctx: RequestContext, data: AdjustmentRequest): Promise<StockItem> {
    return this.changes.adjust(ctx, data);
  }

  @Handles(InventoryCalls.addLedgerEntry)
  addLedgerEntry(ctx: RequestContext, data: LedgerEntryRequest): Promise<LedgerEntry> {
    return this.changes.addLedgerEntry(ctx, data);
  }

  @Handles(InventoryCalls.getLedger)
  ledger(ctx: RequestContext, data: StockItemIdRequest): Promise<Ledger> {
    return this.queries.ledger(ctx, data.id);
  }

  @Handles(InventoryCalls.getTimeline)
  timeline(ctx: RequestContext, data: StockItemIdRequest): Promise<Timeline> {
    return this.queries.timeline(ctx, data.id);
  }

  @Handles(InventoryCalls.handOut)
  handOut(ctx: RequestContext, data: HandOutCommand): Promise<StockItem> {
    return this.orders.handOut(ctx, data);
  }

  @Handles(InventoryCalls.returnUnits)
  returnUnits(ctx: RequestContext, data: ReturnCommand): Promise<StockItem> {
    return this.orders.returnUnits(ctx, data);
  }

  @Handles(InventoryCalls.recordOrderIncome)
  recordOrderIncome(ctx: RequestContext, data: RecordOrderIncomeCommand): Promise<StockItem> {
    return this.orders.recordOrderIncome(ctx, data);
  }

  @Handles(InventoryCalls.markSold)
  markSold(ctx: RequestContext, data: MarkSoldCommand): Promise<StockItem> {
    return this.orders.markSold(ctx, data);
  }
}
