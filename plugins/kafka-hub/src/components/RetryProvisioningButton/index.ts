export { RetryProvisioningButton } from './RetryProvisioningButton';
export type { RetryProvisioningButtonProps } from './RetryProvisioningButton';
