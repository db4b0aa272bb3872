export * from './time-zone';
export * from './stock-item';
export * from './stock-item-decisions';
export * from './order-decisions';
export * from './registration-decisions';
export * from './sku-decisions';
