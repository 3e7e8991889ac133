export interface Config {
  kafkaHub?: {
    /**
     * Where the provisioning dialog's "Contact support" link points.
     * @visibility frontend
     */
    supportUrl?: string;
  };
}
