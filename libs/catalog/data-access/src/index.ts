export * from './catalog-data-access.module';
export * from './listings/listing.repository';
