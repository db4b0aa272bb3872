export * from './inventory-data-access.module';
export * from './locations/locations.service';
export * from './skus/skus.service';
export * from './stock-items/stock-items.service';
