/** SASL credentials of a Kafka environment. Never leaves the backend. */
export interface KafkaSaslConfig {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

export interface KafkaClusterConfig {
  brokers: string[];
  clientId: string;
  ssl: boolean;
  sasl?: KafkaSaslConfig;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
}

export interface SchemaRegistryConfig {
  url: string;
  username?: string;
  password?: string;
  timeoutMs: number;
}

export interface EnvironmentConfig {
  name: string;
  kafka: KafkaClusterConfig;
  schemaRegistry?: SchemaRegistryConfig;
}

/** The validated `kafkaHub` section, with defaults applied. */
export interface KafkaHubConfig {
  environments: EnvironmentConfig[];
  health: { timeoutMs: number };
}
