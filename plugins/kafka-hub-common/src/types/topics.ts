/**
 * One partition of a topic as the broker's metadata described it.
 *
 * @public
 */
export interface KafkaTopicPartition {
  /** The partition's index. */
  partition: number;
  /** Broker id of its leader; absent while it has none (offline). */
  leader?: number;
  /** Broker ids of its replicas. */
  replicas: number[];
  /** Broker ids of its in-sync replicas. */
  inSyncReplicas: number[];
}

/**
 * How a topic differs from the application's declaration
 * (`kafka-hub.io/topics`): declared but not on the broker, on the broker
 * under the namespace but not declared, or with fewer partitions than
 * declared.
 *
 * @public
 */
export type KafkaTopicDriftKind = 'missing' | 'undeclared' | 'fewer-partitions';

/**
 * One drift line of an environment.
 *
 * @public
 */
export interface KafkaTopicDrift {
  /** What differs. */
  kind: KafkaTopicDriftKind;
  /** The full topic name, with the namespace prefix. */
  topic: string;
  /** Partitions the declaration asks for (the environment's default when it names none). */
  declaredPartitions?: number;
  /** Partitions on the broker. */
  partitions?: number;
  /** The drift in words, e.g. "3 partitions, 6 declared". */
  message: string;
}

/**
 * A topic as the topic sampler last saw it on the broker.
 *
 * @public
 */
export interface KafkaTopic {
  /** The full topic name. */
  name: string;
  /** Partitions on the broker. */
  partitions: number;
  /** Replicas of its first partition. */
  replicationFactor: number;
  /** Partitions with fewer in-sync replicas than replicas. */
  underReplicatedPartitions: number;
  /** Partitions without a leader. */
  offlinePartitions: number;
  /** The fewest in-sync replicas of any partition. */
  minInSyncReplicas: number;
  /** Distinct broker ids leading its partitions. */
  leaders: number[];
  /** Each partition's leader, replicas and in-sync replicas. */
  partitionDetail: KafkaTopicPartition[];
  /** One copy's bytes on disk (its leader replicas); absent when unknown. */
  sizeBytes?: number;
  /** Bytes of every replica. */
  diskBytes?: number;
  /** End minus start offsets over its partitions: an estimate (compaction, transaction markers). */
  messageEstimate?: number;
  /** Effective `retention.ms`; -1 keeps forever. */
  retentionMs?: number;
  /** Effective `retention.bytes`; -1 has no limit. */
  retentionBytes?: number;
  /** Effective `cleanup.policy`, e.g. `delete` or `compact`. */
  cleanupPolicy?: string;
  /**
   * Configs set on the topic itself, which differ from what the broker
   * gives every topic; null values are sensitive. Absent when unknown.
   */
  configOverrides?: Record<string, string | null>;
  /** Consumer groups reading it (as of the sample). */
  consumerGroups: string[];
  /** `<topic>-key` when the registry has it (topic-name strategy). */
  keySubject?: string;
  /** `<topic>-value` when the registry has it. */
  valueSubject?: string;
  /** Whether the application declares it. */
  declared: boolean;
  /** Partitions declared for it (the environment's default when the annotation names none). */
  declaredPartitions?: number;
}

/**
 * The topics of one application in one environment.
 *
 * @public
 */
export interface KafkaEnvironmentTopics {
  /** The environment's name. */
  environment: string;
  /** When the stored topics were read from the broker (ISO 8601); absent before the first sample. */
  sampledAt?: string;
  /** When the last sample ran (ISO 8601). */
  lastRunAt?: string;
  /** The last sample's error when it failed: the topics shown are from `sampledAt`. */
  error?: string;
  /** Topics on the broker under the namespace, by name. */
  topics: KafkaTopic[];
  /** Missing, undeclared and fewer-partition topics, by name. */
  drift: KafkaTopicDrift[];
}

/**
 * `GET /applications/{entityRef}/topics`.
 *
 * @public
 */
export interface KafkaApplicationTopics {
  /** The application's entity. */
  entityRef: string;
  /** The namespace prefix of the application's topics. */
  prefix: string;
  /** The environments it is declared in or has topics in, in configuration order. */
  environments: KafkaEnvironmentTopics[];
}

/**
 * The order of `GET /topics`: `name` ascending, `size` and `messages`
 * descending with unknown values last.
 *
 * @public
 */
export type KafkaTopicListSort = 'name' | 'size' | 'messages';

/**
 * One topic of `GET /topics`: a topic of an application the caller may
 * read, as the topic sampler last saw it.
 *
 * @public
 */
export interface KafkaTopicListItem {
  /** The environment whose broker has it. */
  environment: string;
  /** The application whose namespace it is inside. */
  entityRef: string;
  /** The full topic name. */
  name: string;
  /** Partitions on the broker. */
  partitions: number;
  /** Replicas of its first partition. */
  replicationFactor: number;
  /** Partitions with fewer in-sync replicas than replicas. */
  underReplicatedPartitions: number;
  /** Partitions without a leader. */
  offlinePartitions: number;
  /** One copy's bytes on disk; absent when unknown. */
  sizeBytes?: number;
  /** End minus start offsets over its partitions; absent when unknown. */
  messageEstimate?: number;
  /** Effective `retention.ms`; -1 keeps forever. */
  retentionMs?: number;
  /** Effective `retention.bytes`; -1 has no limit. */
  retentionBytes?: number;
  /** Effective `cleanup.policy`. */
  cleanupPolicy?: string;
  /** Consumer groups reading it (as of the sample). */
  consumerGroups: string[];
  /** Undeclared, or fewer partitions than declared, as of the sample; absent when as declared. */
  drift?: KafkaTopicDrift;
  /** When the topic was read from the broker (ISO 8601). */
  sampledAt: string;
}

/**
 * `GET /topics`.
 *
 * @public
 */
export interface KafkaTopicList {
  /** The page's topics. */
  items: KafkaTopicListItem[];
  /** Matching topics before paging. */
  total: number;
  /** The page size used. */
  limit: number;
  /** How many topics were skipped before this page. */
  offset: number;
}
