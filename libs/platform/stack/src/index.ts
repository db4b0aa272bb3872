export * from './servers';
export * from './containers';
export * from './apps';
export * from './build';
export * from './test-stack';
export * from './child-env';
export * from './bodies';
