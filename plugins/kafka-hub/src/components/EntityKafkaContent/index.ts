export { EntityKafkaContent } from './EntityKafkaContent';
