export * from './time-zone';
export * from './stock-item';
