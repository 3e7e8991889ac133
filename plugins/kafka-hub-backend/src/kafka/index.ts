export { createKafkaClient } from './createKafkaClient';
export type { KafkaClientOptions } from './createKafkaClient';
export { describeKafkaError } from './describeKafkaError';
