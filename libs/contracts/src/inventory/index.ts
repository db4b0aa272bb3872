export * from './subjects';
export * from './locations';
export * from './attributes';
export * from './skus';
export * from './stock-items';
export * from './rpc';
