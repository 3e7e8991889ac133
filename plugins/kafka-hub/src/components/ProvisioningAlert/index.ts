export { ProvisioningAlert } from './ProvisioningAlert';
export type { ProvisioningAlertProps } from './ProvisioningAlert';
