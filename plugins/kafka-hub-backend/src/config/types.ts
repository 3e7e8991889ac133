import { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';

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

/** `kafkaHub.provisioning`, with defaults applied. */
export interface ProvisioningConfig {
  defaultPartitions: number;
  replicationFactor: number;
  /** Principal of an application, `{application}` replaced by its slug. */
  principalPattern: string;
  /** Automatic attempts after which only a manual retry runs again. */
  maxAttempts: number;
  /** Wait before the second automatic attempt; doubles each time. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** A run not finished after this long is considered dead and recovered. */
  leaseTimeoutMs: number;
  /** Applications provisioned at once by the task and by retry-all. */
  concurrency: number;
  /** How often due applications are provisioned. */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** How often the catalog is read for new, changed and removed applications. */
  reconcileSchedule: SchedulerServiceTaskScheduleDefinition;
  /**
   * Largest share (0 to 1) of the applications one reconcile may mark
   * removed; above it nothing is removed (the catalog may be incomplete).
   */
  maxRemovalShare: number;
  /** Removals of up to this many applications at once skip the share check. */
  removalsAlwaysAllowed: number;
}

/** `kafkaHub.schemas`, with defaults applied. */
export interface SchemasConfig {
  /** How often each environment's registry is synced. */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Registry calls in flight at once, per environment. */
  concurrency: number;
  /** Extra attempts of a call after a 429, a 5xx, a refused connection or a timeout. */
  retries: number;
  /** A subject listing this long may be cut off: nothing is marked stale then. 0: no limit. */
  subjectListingLimit: number;
}

/** `kafkaHub.consumerGroups`, with defaults applied. */
export interface ConsumerGroupsConfig {
  /** How often groups are listed and described, per environment. */
  syncSchedule: SchedulerServiceTaskScheduleDefinition;
  /** How often lag is sampled, per environment. */
  lagSchedule: SchedulerServiceTaskScheduleDefinition;
  /** How often history is rolled up and pruned, per environment. */
  retentionSchedule: SchedulerServiceTaskScheduleDefinition;
  retention: {
    /** Raw samples are kept this long, then only rollups. */
    rawMs: number;
    hourlyMs: number;
    dailyMs: number;
    /** Per-partition samples; 0 keeps none. */
    partitionHistoryMs: number;
  };
  /** A group Empty this long becomes inactive (no longer sampled). */
  inactiveAfterMs: number;
  /** A group the cluster has not listed for this long becomes archived. */
  archiveAfterMs: number;
  /** Kafka requests in flight at once per environment while sampling. */
  concurrency: number;
  /** Groups per DescribeGroups request. */
  describeBatchSize: number;
  /** Samples the status evaluation looks back on. */
  statusWindow: number;
  /** End-offset points kept per partition for the time-lag estimate. */
  timeLagPoints: number;
}

/** `kafkaHub.claims`, with defaults applied. */
export interface ClaimsConfig {
  /**
   * How long a claim's holder may be gone from the catalog (or stop
   * declaring the claimed name) before the claim is released.
   */
  releaseAfterMs: number;
}

/** `kafkaHub.permissions`, with defaults applied. */
export interface PermissionsConfig {
  /** How long a list's resolved readable entities are reused for equal conditions. */
  readableEntitiesCacheTtlMs: number;
}

/** The validated `kafkaHub` section, with defaults applied. */
export interface KafkaHubConfig {
  environments: EnvironmentConfig[];
  /** Namespace prefix of every application, `{application}` replaced by its slug. */
  namespacePattern: string;
  claims: ClaimsConfig;
  permissions: PermissionsConfig;
  health: { timeoutMs: number };
  provisioning: ProvisioningConfig;
  schemas: SchemasConfig;
  consumerGroups: ConsumerGroupsConfig;
}
