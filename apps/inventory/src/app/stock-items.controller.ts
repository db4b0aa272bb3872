import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  AdjustmentRequest,
  BatchRegisterRequest,
  CreateStockItemRequest,
  HandOutCommand,
  InventoryRpc,
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
  rpcSubject,
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
import { RpcCtx, RpcData } from '@circulate/platform/messaging';

@Controller()
export class StockItemsController {
  constructor(
    private readonly registration: StockItemRegistration,
    private readonly queries: StockItemQueries,
    private readonly changes: StockItemChanges,
    private readonly orders: OrderCommands,
  ) {}

  @MessagePattern(rpcSubject(InventoryRpc.createStockItem))
  create(@RpcCtx() ctx: RequestContext, @RpcData() data: CreateStockItemRequest): Promise<StockItem> {
    return this.registration.create(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.batchRegisterStockItems))
  batch(@RpcCtx() ctx: RequestContext, @RpcData() data: BatchRegisterRequest): Promise<StockItemBatch> {
    return this.registration.batch(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.listStockItems))
  list(@RpcCtx() ctx: RequestContext, @RpcData() data: ListStockItemsRequest): Promise<Page<StockItem>> {
    return this.queries.list(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.getStockItem))
  get(@RpcCtx() ctx: RequestContext, @RpcData() data: StockItemIdRequest): Promise<StockItem> {
    return this.queries.get(ctx, data.id);
  }

  @MessagePattern(rpcSubject(InventoryRpc.lookupStockItem))
  lookup(@RpcCtx() ctx: RequestContext, @RpcData() data: LookupStockItemRequest): Promise<StockItem> {
    return this.queries.lookup(ctx, data.code);
  }

  @MessagePattern(rpcSubject(InventoryRpc.updateStockItem))
  update(@RpcCtx() ctx: RequestContext, @RpcData() data: UpdateStockItemRequest): Promise<StockItem> {
    return this.changes.update(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.adjustStockItem))
  adjust(@RpcCtx() ctx: RequestContext, @RpcData() data: AdjustmentRequest): Promise<StockItem> {
    return this.changes.adjust(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.addLedgerEntry))
  addLedgerEntry(@RpcCtx() ctx: RequestContext, @RpcData() data: LedgerEntryRequest): Promise<LedgerEntry> {
    return this.changes.addLedgerEntry(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.getLedger))
  ledger(@RpcCtx() ctx: RequestContext, @RpcData() data: StockItemIdRequest): Promise<Ledger> {
    return this.queries.ledger(ctx, data.id);
  }

  @MessagePattern(rpcSubject(InventoryRpc.getTimeline))
  timeline(@RpcCtx() ctx: RequestContext, @RpcData() data: StockItemIdRequest): Promise<Timeline> {
    return this.queries.timeline(ctx, data.id);
  }

  @MessagePattern(rpcSubject(InventoryRpc.handOut))
  handOut(@RpcCtx() ctx: RequestContext, @RpcData() data: HandOutCommand): Promise<StockItem> {
    return this.orders.handOut(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.returnUnits))
  returnUnits(@RpcCtx() ctx: RequestContext, @RpcData() data: ReturnCommand): Promise<StockItem> {
    return this.orders.returnUnits(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.recordOrderIncome))
  recordOrderIncome(@RpcCtx() ctx: RequestContext, @RpcData() data: RecordOrderIncomeCommand): Promise<StockItem> {
    return this.orders.recordOrderIncome(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.markSold))
  markSold(@RpcCtx() ctx: RequestContext, @RpcData() data: MarkSoldCommand): Promise<StockItem> {
    return this.orders.markSold(ctx, data);
  }
}
