export { createKafkaAdmin } from './createKafkaAdmin';
export {
  kafkaClientOptions,
  tlsConnectionOptions,
  type KafkaClientTuning,
} from './kafkaClientOptions';
export {
  describeKafkaError,
  kafkaErrorCauses,
  kafkaErrorCode,
} from './describeKafkaError';
