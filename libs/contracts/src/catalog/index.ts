export * from './subjects';
export * from './listings';
