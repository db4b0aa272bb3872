export * from './env';
export * from './logging';
export * from './health';
export * from './bootstrap';
export * from './service-module';
export * from './run-service';
export * from './service-harness';
