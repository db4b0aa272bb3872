import { Module } from '@nestjs/common';
import { InventoryDataAccessModule } from '@circulate/inventory/data-access';
import { LocationsService } from './locations/locations.service';
import { SkuFanOut } from './skus/sku-fanout';
import { SkuFanOutConsumer } from './skus/sku-fanout.consumer';
import { SkusService } from './skus/skus.service';
import { CodeClaims } from './stock-items/code-claims';
import { OrderCommands } from './stock-items/order-commands';
import { StockItemChanges } from './stock-items/stock-item-changes';
import { StockItemQueries } from './stock-items/stock-item-queries';
import { StockItemRegistration } from './stock-items/stock-item-registration';
import { StockItemWriter } from './stock-items/stock-item-writer';

const useCases = [
  LocationsService,
  SkusService,
  StockItemQueries,
  StockItemRegistration,
  StockItemChanges,
  OrderCommands,
];

/** Inventory's use cases: each fetches, decides (inventory/domain) and writes (AggregateWriter). */
@Module({
  imports: [InventoryDataAccessModule],
  providers: [...useCases, CodeClaims, StockItemWriter, SkuFanOut, SkuFanOutConsumer],
  exports: useCases,
})
export class InventoryApplicationModule {}
