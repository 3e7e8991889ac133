export { ProvisioningStatusBadge } from './ProvisioningStatusBadge';
