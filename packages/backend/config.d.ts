export interface Config {
  /** Settings of the demo backend's permission policy. */
  kafkaHubDemo?: {
    /** Group refs whose members get every Kafka Hub permission. Default: group:default/kafka-platform */
    adminGroups?: string[];
  };
}
