export * from './subjects';
export * from './availability';
export * from './reservations';
export * from './rpc';
