export { EntityKafkaContent } from './EntityKafkaContent';
export { EntityProvisioningCard } from './EntityProvisioningCard';
export type { EntityProvisioningCardProps } from './EntityProvisioningCard';
