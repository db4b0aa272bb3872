export * from './orders';
export * from './subjects';
