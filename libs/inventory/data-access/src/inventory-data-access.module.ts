import { Module, OnModuleInit } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OutboxRelay } from '@circulate/platform/messaging';
import { LocationRepository } from './locations/location.repository';
import { LocationDoc, LocationSchema } from './locations/location.schema';
import { SkuRepository } from './skus/sku.repository';
import { SkuDoc, SkuSchema } from './skus/sku.schema';
import { BatchOutbox, StockItemBatchDoc, StockItemBatchSchema } from './stock-items/batch-outbox';
import { CodeRepository } from './stock-items/code.repository';
import { StockItemRepository } from './stock-items/stock-item.repository';
import { StockItemCodeDoc, StockItemCodeSchema, StockItemDoc, StockItemSchema } from './stock-items/stock-item.schema';

const repositories = [LocationRepository, SkuRepository, StockItemRepository, CodeRepository, BatchOutbox];

/** Inventory's collections and their repositories (no use cases: those are in inventory/application). */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: LocationDoc.name, schema: LocationSchema },
      { name: SkuDoc.name, schema: SkuSchema },
      { name: StockItemDoc.name, schema: StockItemSchema },
      { name: StockItemCodeDoc.name, schema: StockItemCodeSchema },
      { name: StockItemBatchDoc.name, schema: StockItemBatchSchema },
    ]),
  ],
  providers: repositories,
  exports: repositories,
})
export class InventoryDataAccessModule implements OnModuleInit {
  constructor(
    private readonly outbox: OutboxRelay,
    private readonly locations: LocationRepository,
    private readonly skus: SkuRepository,
    private readonly items: StockItemRepository,
  ) {}

  onModuleInit(): void {
    this.outbox.register(this.locations.mongooseModel);
    this.outbox.register(this.skus.mongooseModel);
    this.outbox.register(this.items.mongooseModel);
  }
}
