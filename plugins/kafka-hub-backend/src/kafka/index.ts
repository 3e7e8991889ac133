export { createKafkaClient } from './createKafkaClient';
export type { KafkaClientOptions } from './createKafkaClient';
export { describeKafkaError, kafkaBatchErrors } from './describeKafkaError';
