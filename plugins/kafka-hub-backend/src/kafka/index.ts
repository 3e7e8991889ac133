export { createKafkaAdmin } from './createKafkaAdmin';
export {
  kafkaClientOptions,
  type KafkaClientTuning,
} from './kafkaClientOptions';
export { describeKafkaError } from './describeKafkaError';
