export { kafkaHubApiRef } from './KafkaHubApi';
export type { KafkaHubApi } from './KafkaHubApi';
export { KafkaHubClient } from './KafkaHubClient';
