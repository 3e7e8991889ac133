/**
 * Kafka Hub frontend plugin. Legacy frontend system exports; the new
 * frontend system plugin is the default export of `./alpha`.
 *
 * @packageDocumentation
 */

export {
  kafkaHubPlugin,
  KafkaHubPage,
  EntityKafkaContent,
  isKafkaHubApplication,
} from './plugin';
export { kafkaHubApiRef, KafkaHubClient } from './api';
export { ProvisioningStatusBadge } from './components/ProvisioningStatusBadge';
export type { KafkaHubApi } from './api';
