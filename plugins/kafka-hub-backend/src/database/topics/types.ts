import {
  KafkaHubTaskOutcome,
  KafkaTopicPartition,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';

/** A topic as one sample read it from the broker. */
export interface SampledTopic {
  topic: string;
  /** Holder of the claimed namespace the topic is inside. */
  entityRef: string;
  partitions: number;
  replicationFactor: number;
  underReplicatedPartitions: number;
  offlinePartitions: number;
  minInSyncReplicas: number;
  partitionDetail: KafkaTopicPartition[];
  sizeBytes?: number;
  diskBytes?: number;
  messageEstimate?: number;
  retentionMs?: number;
  retentionBytes?: number;
  cleanupPolicy?: string;
  /** Configs set on the topic itself; absent when they could not be described. */
  configOverrides?: Record<string, string | null>;
  consumerGroups: string[];
  /**
   * How it differed from its application's declaration when sampled
   * (undefined: as declared, or sampled before drift was stored).
   */
  drift?: SampledTopicDrift;
  /** Partitions declared for it when sampled; undefined when undeclared. */
  declaredPartitions?: number;
}

/** The drift one topic on the broker can have (missing topics have no row). */
export type SampledTopicDrift = 'undeclared' | 'fewer-partitions';

/** A stored topic. */
export interface StoredTopic extends SampledTopic {
  environment: string;
  sampledAtMs: number;
}

/** The latest topic sample of one environment. */
export interface TopicSampleRun {
  environment: string;
  lastRunAt: Date;
  lastSuccessAt?: Date;
  /** When the stored topics were read; absent before the first successful sample. */
  sampledAtMs?: number;
  outcome: KafkaHubTaskOutcome;
  error?: string;
  durationMs: number;
  topics: number;
  kafkaRequests: number;
  /** Requests by API name, e.g. `{ Metadata: 1, DescribeConfigs: 1 }`. */
  requestCounts: Record<string, number>;
}

export type TopicSort = 'name' | 'size' | 'messages';

/** The filters, order and page of `TopicStore.list`. */
export interface ListTopicsQuery {
  /** Only topics of these entities; undefined for every entity. */
  entityRefs?: readonly string[];
  environment?: string;
  /** Case-insensitive substring of the topic name. */
  search?: string;
  /** Only topics with drift (undeclared or fewer partitions than declared). */
  drift?: boolean;
  /** Only topics with under-replicated or offline partitions. */
  underReplicated?: boolean;
  /** `name` ascending; `size` and `messages` descending, unknown last. */
  sort: TopicSort;
  limit: number;
  offset: number;
}
