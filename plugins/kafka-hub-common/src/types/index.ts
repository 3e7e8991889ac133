export * from './health';
export * from './environments';
export * from './provisioning';
export * from './schemas';
export * from './consumerGroups';
export * from './tasks';
export * from './claims';
export * from './topics';
