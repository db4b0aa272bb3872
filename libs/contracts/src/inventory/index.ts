export * from './subjects';
export * from './locations';
