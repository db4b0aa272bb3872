import { Module, OnModuleInit } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OutboxRelay } from '@circulate/platform/messaging';
import { LocationRepository } from './locations/location.repository';
import { LocationDoc, LocationSchema } from './locations/location.schema';
import { LocationsService } from './locations/locations.service';
import { BatchOutboxFlusher } from './outbox-batch';
import { SkuFanOutConsumer } from './skus/sku-fanout.consumer';
import { SkuRepository } from './skus/sku.repository';
import { SkuDoc, SkuSchema } from './skus/sku.schema';
import { SkusService } from './skus/skus.service';
import { BatchOutbox, StockItemBatchDoc, StockItemBatchSchema } from './stock-items/batch-outbox';
import { CodeRepository } from './stock-items/code.repository';
import { StockItemRepository } from './stock-items/stock-item.repository';
import { StockItemCodeDoc, StockItemCodeSchema, StockItemDoc, StockItemSchema } from './stock-items/stock-item.schema';
import { StockItemsService } from './stock-items/stock-items.service';

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
  providers: [
    LocationRepository,
    LocationsService,
    SkuRepository,
    SkusService,
    SkuFanOutConsumer,
    StockItemRepository,
    CodeRepository,
    StockItemsService,
    BatchOutboxFlusher,
    BatchOutbox,
  ],
  exports: [LocationsService, SkusService, StockItemsService],
})
export class InventoryDataAccessModule implements OnModuleInit {
  constructor(
    private readonly outbox: OutboxRelay,
    private readonly locations: LocationRepository,
    private readonly skus: SkuRepository,
    private readonly items: StockItemRepository,
  ) {}

  onModuleInit(): void {
    this.outbox.register(this.locations.mongooseModel as never);
    this.outbox.register(this.skus.mongooseModel as never);
    this.outbox.register(this.items.mongooseModel as never);
  }
}
