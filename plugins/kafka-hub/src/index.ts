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
  isKafkaHubConsumerGroupsAvailable,
} from './plugin';
export { kafkaHubApiRef, KafkaHubClient } from './api';
export type { KafkaHubApi } from './api';
export type {
  ConsumerGroupSummaryRequest,
  ListApplicationsRequest,
  ListConsumerGroupsRequest,
  ListSchemasRequest,
  ListSchemaVersionsRequest,
  ReadTopicMessagesRequest,
  ListTopicsRequest,
} from './api/KafkaHubApi';

// Building blocks an adopter composes into their own pages and tabs.
export { HealthOverview } from './components/HealthOverview';
export { KafkaHubIcon } from './components/KafkaHubIcon';
export { SchemaTable, schemaDetailPath } from './components/SchemaTable';
export type { SchemaTableProps } from './components/SchemaTable';
export { SchemaSummaryCards } from './components/SchemaSummaryCards';
export type { SchemaSummaryCardsProps } from './components/SchemaSummaryCards';
export { SchemaDetail, SchemaRoutes } from './components/SchemaDetail';
export type {
  SchemaDetailProps,
  SchemaRoutesProps,
} from './components/SchemaDetail';
export {
  ConsumerGroupTable,
  ConsumerGroupStatusChip,
  consumerGroupDetailPath,
  LagSparkline,
} from './components/ConsumerGroupTable';
export type {
  ConsumerGroupTableProps,
  ConsumerGroupStatusChipProps,
  LagSparklineProps,
} from './components/ConsumerGroupTable';
export { ConsumerGroupSummaryCards } from './components/ConsumerGroupSummaryCards';
export type { ConsumerGroupSummaryCardsProps } from './components/ConsumerGroupSummaryCards';
export {
  ConsumerGroupDetail,
  ConsumerGroupLagChart,
  ConsumerGroupMembersTable,
  ConsumerGroupRoutes,
  PartitionLagTable,
} from './components/ConsumerGroupDetail';
export type {
  ConsumerGroupDetailProps,
  ConsumerGroupLagChartProps,
  ConsumerGroupMembersTableProps,
  ConsumerGroupRoutesProps,
  PartitionLagTableProps,
} from './components/ConsumerGroupDetail';
export type { EntityConsumerGroupsContentProps } from './components/EntityConsumerGroupsContent';
export { EntityProvisioningCard } from './components/EntityKafkaContent';
export type { EntityProvisioningCardProps } from './components/EntityKafkaContent';
export { ProvisioningStatusBadge } from './components/ProvisioningStatusBadge';
export type { ProvisioningStatusBadgeProps } from './components/ProvisioningStatusBadge';
export { RetryProvisioningButton } from './components/RetryProvisioningButton';
export type { RetryProvisioningButtonProps } from './components/RetryProvisioningButton';
export { ProvisioningAlert } from './components/ProvisioningAlert';
export type { ProvisioningAlertProps } from './components/ProvisioningAlert';
export { ProvisioningErrorModal } from './components/ProvisioningErrorModal';
export type { ProvisioningErrorModalProps } from './components/ProvisioningErrorModal';
