export { KafkaHubAdminContent, KafkaHubAdminPage } from './KafkaHubAdminPage';
