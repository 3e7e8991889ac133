export { KafkaHubPage } from './KafkaHubPage';
