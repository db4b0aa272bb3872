export * from './orders';
export * from './subjects';
export * from './rpc';
