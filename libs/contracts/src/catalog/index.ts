export * from './subjects';
export * from './listings';
export * from './rpc';
