import { KafkaHubAnnotation } from './constants';

/**
 * A malformed annotation: which one, the offending value, and why.
 *
 * @public
 */
export interface AnnotationError {
  /** The annotation that holds the error. */
  annotation: KafkaHubAnnotation;
  /** The part of the annotation's value that is wrong. */
  value: string;
  /** What is wrong, for the entity's owner. */
  message: string;
}

/**
 * A topic declared in `kafka-hub.io/topics`.
 *
 * @public
 */
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

/**
 * A consumer group linked to an entity by annotation.
 *
 * @public
 */
export interface ConsumerGroupLink {
  /**
   * The environment; for `kafka.apache.org/consumer-groups`, the cluster
   * name as written, which the backend maps to an environment by its name
   * or one of its `aliases`.
   */
  environment: string;
  /** The consumer group's id. */
  groupId: string;
  /** The annotation that named this group. */
  source: KafkaHubAnnotation;
}

/**
 * A schema subject linked to an entity by `kafka-hub.io/schema-subjects`.
 *
 * @public
 */
export interface SchemaSubjectLink {
  /** The environment whose Schema Registry holds the subject. */
  environment: string;
  /** The Schema Registry subject. */
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
  /** Topics declared in `kafka-hub.io/topics`, with their settings. */
  topics: TopicSpec[];
  /** Consumer groups linked by annotation. */
  consumerGroups: ConsumerGroupLink[];
  /** Schema subjects linked by annotation. */
  schemaSubjects: SchemaSubjectLink[];
}

/**
 * The outcome of parsing an entity's annotations: what could be read, and an error per bad entry.
 *
 * @public
 */
export interface ParsedKafkaAnnotations {
  /** What could be parsed; entries with errors are left out. */
  value: KafkaEntityAnnotations;
  /** One error per bad entry. */
  errors: AnnotationError[];
}
