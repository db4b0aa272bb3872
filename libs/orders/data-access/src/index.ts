export * from './lib/orders-data-access.module';
export * from './lib/order-creation.service';
export * from './lib/order-lifecycle.service';
export * from './lib/order-scanning.service';
export * from './lib/order-recovery';
export * from './lib/order-deps';
export * from './lib/order-building';
export * from './lib/stored-order';
