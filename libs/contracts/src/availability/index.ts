export * from './subjects';
export * from './availability';
