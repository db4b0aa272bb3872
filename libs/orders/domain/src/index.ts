export * from './lib/lifecycle';
export * from './lib/income-split';
export * from './lib/order-pricing';
