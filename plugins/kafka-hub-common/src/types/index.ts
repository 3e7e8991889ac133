export * from './health';
export * from './provisioning';
