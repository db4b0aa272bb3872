export * from './subjects';
export * from './inputs';
export * from './reports';
export * from './csv';
export * from './rpc';
