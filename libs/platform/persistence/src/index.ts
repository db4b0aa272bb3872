export * from './persistence.module';
export * from './tenant-repository';
export * from './aggregate-doc';
