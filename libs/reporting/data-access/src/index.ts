export * from './projections.service';
export * from './reports.service';
export * from './reporting-data-access.module';
