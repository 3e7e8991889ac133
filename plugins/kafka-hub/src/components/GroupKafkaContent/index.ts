export { GroupKafkaContent } from './GroupKafkaContent';
