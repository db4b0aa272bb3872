export * from './inventory-data-access.module';
export * from './locations/locations.service';
