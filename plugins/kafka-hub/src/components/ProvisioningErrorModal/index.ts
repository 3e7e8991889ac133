export { ProvisioningErrorModal } from './ProvisioningErrorModal';
export type { ProvisioningErrorModalProps } from './ProvisioningErrorModal';
