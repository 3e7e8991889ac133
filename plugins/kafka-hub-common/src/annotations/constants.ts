/**
 * Catalog annotations read by Kafka Hub. See the README for their syntax.
 *
 * @public
 */
export const KAFKA_HUB_ANNOTATIONS = {
  /** Marks a Kafka application: `<slug>` matching {@link APPLICATION_SLUG_PATTERN}. */
  application: 'kafka-hub.io/application',
  /** Environments to provision: `dev,stage`. Default: all configured. */
  environments: 'kafka-hub.io/environments',
  /** Topics in the namespace: `orders,payments:12` (optional partition count). */
  topics: 'kafka-hub.io/topics',
  /** Configs of declared topics, a line each: `orders: retention.ms=7d, cleanup.policy=compact`. */
  topicConfig: 'kafka-hub.io/topic-config',
  /** Extra consumer groups: `<env>/<group>,...`. */
  consumerGroups: 'kafka-hub.io/consumer-groups',
  /** Extra schema subjects: `<env>/<subject>,...`. */
  schemaSubjects: 'kafka-hub.io/schema-subjects',
  /**
   * The community Kafka plugin's annotation, read as-is: `<cluster>/<group>,...`.
   * `<cluster>` is an environment's name or one of its `aliases`.
   */
  communityConsumerGroups: 'kafka.apache.org/consumer-groups',
} as const;

/**
 * The name of an annotation Kafka Hub reads.
 *
 * @public
 */
export type KafkaHubAnnotation =
  (typeof KAFKA_HUB_ANNOTATIONS)[keyof typeof KAFKA_HUB_ANNOTATIONS];

/**
 * Application slugs: lower case, start with a letter, at most 63 characters.
 *
 * @public
 */
export const APPLICATION_SLUG_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Environment names as they appear in `kafkaHub.environments`.
 *
 * @public
 */
export const ENVIRONMENT_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/i;

/**
 * Kafka's own rule for topic names (legal characters and maximum length).
 *
 * @public
 */
export const TOPIC_NAME_PATTERN = /^[a-zA-Z0-9._-]+$/;
/**
 * Kafka's maximum topic name length.
 *
 * @public
 */
export const MAX_TOPIC_NAME_LENGTH = 249;
/**
 * The largest partition count an annotation may ask for.
 *
 * @public
 */
export const MAX_PARTITIONS = 10000;
