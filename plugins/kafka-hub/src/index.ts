/**
 * Kafka Hub frontend plugin. Legacy frontend system exports; the new
 * frontend system plugin is the default export of `./alpha`.
 *
 * @packageDocumentation
 */

export {
  kafkaHubPlugin,
  KafkaHubPage,
  KafkaHubAdminPage,
  EntityKafkaContent,
  EntitySchemasContent,
  EntityConsumerGroupsContent,
  EntityGroupKafkaContent,
  isKafkaHubApplication,
} from './plugin';
export { kafkaHubApiRef, KafkaHubClient } from './api';
export { ProvisioningStatusBadge } from './components/ProvisioningStatusBadge';
export { RetryProvisioningButton } from './components/RetryProvisioningButton';
export type { RetryProvisioningButtonProps } from './components/RetryProvisioningButton';
export { ProvisioningAlert } from './components/ProvisioningAlert';
export type { ProvisioningAlertProps } from './components/ProvisioningAlert';
export { ProvisioningErrorModal } from './components/ProvisioningErrorModal';
export type { ProvisioningErrorModalProps } from './components/ProvisioningErrorModal';
export type { KafkaHubApi } from './api';
