import { KafkaHubAnnotation } from './constants';

/**
 * A malformed annotation: which one, the offending value, and why.
 *
 * @public
 */
export interface AnnotationError {
  annotation: KafkaHubAnnotation;
  value: string;
  message: string;
}

/** @public */
export interface TopicSpec {
  /** Name inside the application's namespace, without the prefix. */
  name: string;
  /** Partition count from the annotation; undefined means the configured default. */
  partitions?: number;
  /**
   * Configs from `kafka-hub.io/topic-config`, as written (`retention.ms: 7d`);
   * `kafkaTopicConfig` gives Kafka's values. Absent when none are declared.
   */
  config?: Record<string, string>;
}

/** @public */
export interface ConsumerGroupLink {
  /**
   * The environment; for `kafka.apache.org/consumer-groups`, the cluster
   * name as written, which the backend maps to an environment by its name
   * or one of its `aliases`.
   */
  environment: string;
  groupId: string;
  /** The annotation that named this group. */
  source: KafkaHubAnnotation;
}

/** @public */
export interface SchemaSubjectLink {
  environment: string;
  subject: string;
}

/**
 * Everything Kafka Hub reads from one entity's annotations. Each annotation
 * is parsed on its own: a malformed one contributes an error and nothing
 * else, so the errors list is the whole story of what was wrong.
 *
 * @public
 */
export interface KafkaEntityAnnotations {
  /** The application slug; undefined when the entity is not a Kafka application. */
  application?: string;
  /** Environments to provision; undefined means all configured environments. */
  environments?: string[];
  topics: TopicSpec[];
  consumerGroups: ConsumerGroupLink[];
  schemaSubjects: SchemaSubjectLink[];
}

/** @public */
export interface ParsedKafkaAnnotations {
  value: KafkaEntityAnnotations;
  errors: AnnotationError[];
}
