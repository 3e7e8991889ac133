import { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { ConsumerGroupStatus } from '@kafka-hub/backstage-plugin-kafka-hub-common';

/**
 * TLS settings of a connection (Kafka or Schema Registry). PEM contents are
 * read at start-up, from inline PEM or a file. Never leaves the backend.
 */
export interface TlsConfig {
  /** CA certificates (PEM) trusted instead of Node's bundled ones. */
  ca?: string;
  /** Client certificate (PEM), for mutual TLS. */
  cert?: string;
  /** Client private key (PEM), for mutual TLS. */
  key?: string;
  passphrase?: string;
  /** Verify the server's certificate; false only for testing. */
  rejectUnauthorized: boolean;
  /** Server name for SNI and certificate checks, when it differs from the host. */
  servername?: string;
}

/** SASL with a user name and password. */
export interface KafkaPasswordSaslConfig {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

/** OAuth 2 client-credentials grant that supplies OAUTHBEARER tokens. */
export interface OAuthClientCredentialsConfig {
  tokenEndpointUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
}

/** SASL OAUTHBEARER: a static token or one fetched from a token endpoint. */
export interface KafkaOAuthBearerSaslConfig {
  mechanism: 'oauthbearer';
  token?: string;
  clientCredentials?: OAuthClientCredentialsConfig;
  /** SASL extensions (KIP-342), e.g. Confluent Cloud's `logicalCluster` and `identityPoolId`. */
  extensions?: Record<string, string>;
}

/** SASL credentials of a Kafka environment. Never leaves the backend. */
export type KafkaSaslConfig =
  | KafkaPasswordSaslConfig
  | KafkaOAuthBearerSaslConfig;

export interface KafkaClusterConfig {
  brokers: string[];
  clientId: string;
  /** TLS settings, or false for a plaintext connection. */
  ssl: TlsConfig | false;
  sasl?: KafkaSaslConfig;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
}

export interface SchemaRegistryConfig {
  url: string;
  /** Basic auth. */
  username?: string;
  password?: string;
  /** Bearer token, instead of Basic auth. */
  token?: string;
  /** CA and client certificate for an https URL. */
  tls?: TlsConfig;
  timeoutMs: number;
}

export interface EnvironmentConfig {
  name: string;
  kafka: KafkaClusterConfig;
  schemaRegistry?: SchemaRegistryConfig;
  /**
   * Cluster names of the community Kafka plugin that stand for this
   * environment in `kafka.apache.org/consumer-groups`. Always set by the
   * config reader.
   */
  aliases?: string[];
  /**
   * How this environment provisions: its own `provisioning` settings over
   * `kafkaHub.provisioning`. Always set by the config reader; without it
   * the provisioning engine uses its own options.
   */
  provisioning?: EnvironmentProvisioningConfig;
}

/** The topic and ACL settings of one environment's provisioning. */
export interface EnvironmentProvisioningConfig {
  /** Partitions of a topic whose annotation gives none. */
  defaultPartitions: number;
  /** Most partitions a topic may declare. */
  maxPartitions: number;
  replicationFactor: number;
  /** Principal of an application, `{application}` replaced by its slug. */
  principalPattern: string;
  /**
   * Configs every new topic gets, in Kafka's values (`retention.ms:
   * '604800000'`); a topic's own `kafka-hub.io/topic-config` overrides them.
   */
  topicConfig: Record<string, string>;
}

/**
 * `kafkaHub.provisioning`, with defaults applied. Its topic and ACL
 * settings are the defaults of every environment.
 */
export interface ProvisioningConfig extends EnvironmentProvisioningConfig {
  /** Configs a team may set in `kafka-hub.io/topic-config`. */
  allowedTopicConfigs: string[];
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

/** `kafkaHub.topics`, with defaults applied. */
export interface TopicsConfig {
  /** How often each environment's topics are sampled. */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Kafka requests in flight at once per environment while sampling. */
  concurrency: number;
}

/** `kafkaHub.messages`, with defaults applied. */
export interface MessagesConfig {
  /** Most messages one read returns (at most 500). */
  maxMessages: number;
  /** Most bytes of keys, values and headers one read returns (at most 5 MB). */
  maxBytes: number;
  /** Longest one read runs, in milliseconds (at most 10 seconds). */
  timeoutMs: number;
  /** Field paths masked in decoded keys and values (see config.d.ts). */
  mask: string[];
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
/** `kafkaHub.notifications`, with defaults applied. */
export interface NotificationsConfig {
  provisioning: { enabled: boolean };
  consumerGroups: {
    enabled: boolean;
    /** The statuses that notify (never OK). */
    statuses: ConsumerGroupStatus[];
  };
}

/** `kafkaHub.signals`, with defaults applied. */
export interface SignalsConfig {
  enabled: boolean;
  /** Users and groups that get every entity's signals and the admin channel. */
  adminRecipients: string[];
}

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
  notifications: NotificationsConfig;
  topics: TopicsConfig;
  messages: MessagesConfig;
  signals: SignalsConfig;
}
