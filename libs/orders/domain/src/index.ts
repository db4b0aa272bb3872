export * from './lib/lifecycle';
export * from './lib/income-split';
