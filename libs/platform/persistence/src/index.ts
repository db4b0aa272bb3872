export * from './persistence.module';
export * from './tenant-repository';
