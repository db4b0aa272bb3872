export * from './inventory-application.module';
export * from './locations/locations.service';
export * from './skus/skus.service';
export * from './stock-items/order-commands';
export * from './stock-items/stock-item-changes';
export * from './stock-items/stock-item-queries';
export * from './stock-items/stock-item-registration';
