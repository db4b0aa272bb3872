export * from './catalog-application.module';
export * from './listing-commands';
export * from './listing-queries';
