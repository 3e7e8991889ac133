export { KafkaHubPage, KafkaHubPageContent } from './KafkaHubPage';
