import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  AdjustmentFields,
  BatchRegisterRequest,
  CreateStockItemRequest,
  InventoryCalls,
  Ledger,
  LedgerEntry,
  LedgerEntryFields,
  ListStockItemsRequest,
  LookupStockItemRequest,
  Page,
  RequestContext,
  StockItem,
  StockItemBatch,
  Timeline,
  UpdateStockItemFields,
} from '@circulate/contracts';
import { RpcClient } from '@circulate/platform/messaging';
import { Allow, Ctx } from '../../auth/auth.guard';

@ApiTags('stock-items')
@ApiBearerAuth()
@Controller('stock-items')
export class StockItemsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @Allow('admin')
  create(@Ctx() ctx: RequestContext, @Body() body: CreateStockItemRequest): Promise<StockItem> {
    return this.rpc.call(InventoryCalls.createStockItem, ctx, body);
  }

  @Post('batch')
  @HttpCode(201)
  @Allow('admin')
  batch(@Ctx() ctx: RequestContext, @Body() body: BatchRegisterRequest): Promise<StockItemBatch> {
    // A thousand items take longer than a single write.
    return this.rpc.call(InventoryCalls.batchRegisterStockItems, ctx, body, 30_000);
  }

  @Get()
  @Allow('admin', 'staff')
  list(@Ctx() ctx: RequestContext, @Query() query: ListStockItemsRequest): Promise<Page<StockItem>> {
    return this.rpc.call(InventoryCalls.listStockItems, ctx, query);
  }

  // Declared before `:id` so that "lookup" is never taken for an id.
  @Get('lookup')
  @Allow('admin', 'staff')
  lookup(@Ctx() ctx: RequestContext, @Query() query: LookupStockItemRequest): Promise<StockItem> {
    return this.rpc.call(InventoryCalls.lookupStockItem, ctx, query);
  }

  @Get(':id')
  @Allow('admin', 'staff')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<StockItem> {
    return this.rpc.call(InventoryCalls.getStockItem, ctx, { id });
  }

  @Patch(':id')
  @Allow('admin')
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: UpdateStockItemFields): Promise<StockItem> {
    return this.rpc.call(InventoryCalls.updateStockItem, ctx, { ...body, id });
  }

  @Post(':id/adjustments')
  @HttpCode(201)
  @Allow('admin')
  adjust(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: AdjustmentFields): Promise<StockItem> {
    return this.rpc.call(InventoryCalls.adjustStockItem, ctx, { ...body, id });
  }

  @Post(':id/ledger')
  @HttpCode(201)
  @Allow('admin', 'staff')
  addLedgerEntry(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() body: LedgerEntryFields,
  ): Promise<LedgerEntry> {
    return this.rpc.call(InventoryCalls.addLedgerEntry, ctx, { ...body, id });
  }

  @Get(':id/ledger')
  @Allow('admin', 'staff')
  ledger(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<Ledger> {
    return this.rpc.call(InventoryCalls.getLedger, ctx, { id });
  }

  @Get(':id/timeline')
  @Allow('admin', 'staff')
  timeline(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<Timeline> {
    return this.rpc.call(InventoryCalls.getTimeline, ctx, { id });
  }
}
