export { KafkaHubIcon } from './KafkaHubIcon';
