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
import { StockItemsService } from '@circulate/inventory/data-access';
import { RpcCtx, RpcData } from '@circulate/platform/messaging';

@Controller()
export class StockItemsController {
  constructor(private readonly items: StockItemsService) {}

  @MessagePattern(rpcSubject(InventoryRpc.createStockItem))
  create(@RpcCtx() ctx: RequestContext, @RpcData() data: CreateStockItemRequest): Promise<StockItem> {
    return this.items.create(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.batchRegisterStockItems))
  batch(@RpcCtx() ctx: RequestContext, @RpcData() data: BatchRegisterRequest): Promise<StockItemBatch> {
    return this.items.batch(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.listStockItems))
  list(@RpcCtx() ctx: RequestContext, @RpcData() data: ListStockItemsRequest): Promise<Page<StockItem>> {
    return this.items.list(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.getStockItem))
  get(@RpcCtx() ctx: RequestContext, @RpcData() data: StockItemIdRequest): Promise<StockItem> {
    return this.items.get(ctx, data.id);
  }

  @MessagePattern(rpcSubject(InventoryRpc.lookupStockItem))
  lookup(@RpcCtx() ctx: RequestContext, @RpcData() data: LookupStockItemRequest): Promise<StockItem> {
    return this.items.lookup(ctx, data.code);
  }

  @MessagePattern(rpcSubject(InventoryRpc.updateStockItem))
  update(@RpcCtx() ctx: RequestContext, @RpcData() data: UpdateStockItemRequest): Promise<StockItem> {
    return this.items.update(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.adjustStockItem))
  adjust(@RpcCtx() ctx: RequestContext, @RpcData() data: AdjustmentRequest): Promise<StockItem> {
    return this.items.adjust(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.addLedgerEntry))
  addLedgerEntry(@RpcCtx() ctx: RequestContext, @RpcData() data: LedgerEntryRequest): Promise<LedgerEntry> {
    return this.items.addLedgerEntry(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.getLedger))
  ledger(@RpcCtx() ctx: RequestContext, @RpcData() data: StockItemIdRequest): Promise<Ledger> {
    return this.items.ledger(ctx, data.id);
  }

  @MessagePattern(rpcSubject(InventoryRpc.getTimeline))
  timeline(@RpcCtx() ctx: RequestContext, @RpcData() data: StockItemIdRequest): Promise<Timeline> {
    return this.items.timeline(ctx, data.id);
  }

  @MessagePattern(rpcSubject(InventoryRpc.handOut))
  handOut(@RpcCtx() ctx: RequestContext, @RpcData() data: HandOutCommand): Promise<StockItem> {
    return this.items.handOut(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.returnUnits))
  returnUnits(@RpcCtx() ctx: RequestContext, @RpcData() data: ReturnCommand): Promise<StockItem> {
    return this.items.returnUnits(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.recordOrderIncome))
  recordOrderIncome(@RpcCtx() ctx: RequestContext, @RpcData() data: RecordOrderIncomeCommand): Promise<StockItem> {
    return this.items.recordOrderIncome(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.markSold))
  markSold(@RpcCtx() ctx: RequestContext, @RpcData() data: MarkSoldCommand): Promise<StockItem> {
    return this.items.markSold(ctx, data);
  }
}
