export { ProvisioningStatusBadge } from './ProvisioningStatusBadge';
export type { ProvisioningStatusBadgeProps } from './ProvisioningStatusBadge';
