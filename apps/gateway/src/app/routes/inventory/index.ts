import { LocationsController } from './locations.controller';
import { SkusController } from './skus.controller';
import { StockItemsController } from './stock-items.controller';

/** Gateway routes of the inventory service (thin adapters: validate, forward over NATS). */
export const INVENTORY_CONTROLLERS = [LocationsController, SkusController, StockItemsController];
