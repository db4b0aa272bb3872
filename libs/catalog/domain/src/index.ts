export * from './lib/duration';
export * from './lib/slug';
export * from './lib/status';
export * from './lib/listing-validation';
export * from './lib/listing-decisions';
