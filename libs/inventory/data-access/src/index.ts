export * from './inventory-data-access.module';
export * from './locations/location.repository';
export * from './skus/sku.repository';
export * from './stock-items/batch-outbox';
export * from './stock-items/code.repository';
export * from './stock-items/stock-item.repository';
export * from './stock-items/stock-item.schema';
