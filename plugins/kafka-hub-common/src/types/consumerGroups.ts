/**
 * State of a consumer group as the group coordinator reports it.
 *
 * @public
 */
export type ConsumerGroupState =
  | 'Stable'
  | 'PreparingRebalance'
  | 'CompletingRebalance'
  | 'Empty'
  | 'Dead'
  | 'Unknown';

/**
 * Every consumer group state.
 *
 * @public
 */
export const CONSUMER_GROUP_STATES: readonly ConsumerGroupState[] = [
  'Stable',
  'PreparingRebalance',
  'CompletingRebalance',
  'Empty',
  'Dead',
  'Unknown',
];

/**
 * Whether Kafka Hub still follows a group: `active` groups are sampled,
 * `inactive` ones were Empty for longer than a threshold, `archived` ones
 * were not listed by the cluster for longer than a threshold.
 *
 * @public
 */
export type ConsumerGroupLifecycle = 'active' | 'inactive' | 'archived';

/** @public */
export const CONSUMER_GROUP_LIFECYCLES: readonly ConsumerGroupLifecycle[] = [
  'active',
  'inactive',
  'archived',
];

/**
 * Burrow-style evaluation of a group over its recent samples.
 *
 * - `OK`: consuming, lag not growing.
 * - `WARN`: lag grew over the whole window while the group kept committing.
 * - `STALL`: members are connected but commit the same offsets while lag stays above zero.
 * - `STOP`: no members (or the group is Empty) while messages wait.
 * - `REWIND`: a committed offset went backwards within the window.
 *
 * @public
 */
export type ConsumerGroupStatus = 'OK' | 'WARN' | 'STALL' | 'STOP' | 'REWIND';

/** @public */
export const CONSUMER_GROUP_STATUSES: readonly ConsumerGroupStatus[] = [
  'OK',
  'WARN',
  'STALL',
  'STOP',
  'REWIND',
];

/**
 * One member of a group, with the partitions assigned to it.
 *
 * @public
 */
export interface ConsumerGroupMember {
  memberId: string;
  clientId: string;
  host: string;
  /** Assigned partitions by topic. */
  assignments: Array<{ topic: string; partitions: number[] }>;
}

/**
 * The latest lag of a group, from the most recent sample.
 *
 * @public
 */
export interface ConsumerGroupLag {
  /** ISO timestamp of the sample. */
  sampledAt: string;
  /** Sum of the lag of every partition with a committed offset. */
  totalLag: number;
  maxPartitionLag: number;
  /**
   * Estimated seconds the group is behind the newest message (the largest
   * over its partitions), interpolated from past end offsets. An estimate;
   * undefined while there are too few points to estimate.
   */
  timeLagSeconds?: number;
  /** Partitions of subscribed topics that have no committed offset. */
  partitionsWithoutCommit: number;
  status: ConsumerGroupStatus;
  /** Why the status is what it is, in words. */
  statusReason: string;
}

/**
 * A consumer group as listed by `GET /consumer-groups`.
 *
 * @public
 */
export interface ConsumerGroup {
  environment: string;
  groupId: string;
  /** The catalog entity the group belongs to, when linked. */
  entityRef?: string;
  /** How the link was made: the application prefix or an annotation. */
  linkedBy?:
    | 'prefix'
    | 'kafka-hub.io/consumer-groups'
    | 'kafka.apache.org/consumer-groups';
  state: ConsumerGroupState;
  lifecycle: ConsumerGroupLifecycle;
  memberCount: number;
  /** Topics the members subscribe to or the group has offsets on. */
  topics: string[];
  /** ISO timestamps. */
  firstSeenAt: string;
  lastSeenAt: string;
  /** Undefined until the first sample of the group. */
  lag?: ConsumerGroupLag;
  /** Recent total lag values, oldest first, for a sparkline. */
  trend: number[];
}

/**
 * `GET /consumer-groups`.
 *
 * @public
 */
export interface ConsumerGroupList {
  items: ConsumerGroup[];
  /** Matching groups before paging. */
  total: number;
  limit: number;
  offset: number;
}

/**
 * Latest offsets of one partition. `committedOffset` and `lag` are absent
 * when the group has no committed offset there, which is not zero lag.
 *
 * @public
 */
export interface PartitionLag {
  topic: string;
  partition: number;
  committedOffset?: number;
  endOffset: number;
  lag?: number;
  /** Estimated seconds behind; an estimate. */
  timeLagSeconds?: number;
  /** Member the partition is assigned to, when one is. */
  memberId?: string;
  clientId?: string;
}

/**
 * `GET /consumer-groups/:environment/:groupId`.
 *
 * @public
 */
export interface ConsumerGroupDetail extends ConsumerGroup {
  /** `consumer` for consumer groups; other protocol types for Connect and the like. */
  protocolType?: string;
  /** The partition assignor in use, e.g. `range` or `cooperative-sticky`. */
  assignmentStrategy?: string;
  /** The broker coordinating the group, `id (host:port)`. */
  coordinator?: string;
  members: ConsumerGroupMember[];
  /** Latest offsets, the most lagging partitions first. */
  partitions: PartitionLag[];
  /** Error of the last sampling attempt of the group's environment, if it failed. */
  samplingError?: string;
}

/**
 * History ranges of `GET /consumer-groups/:environment/:groupId/lag`.
 *
 * @public
 */
export type LagHistoryRange = '1h' | '6h' | '24h' | '7d' | '30d';

/** @public */
export const LAG_HISTORY_RANGES: readonly LagHistoryRange[] = [
  '1h',
  '6h',
  '24h',
  '7d',
  '30d',
];

/**
 * One point of lag history: the aggregate of the samples in a bucket.
 *
 * @public
 */
export interface LagHistoryPoint {
  /** ISO timestamp of the start of the bucket. */
  time: string;
  /** Average total lag in the bucket, rounded. */
  totalLag: number;
  maxTotalLag: number;
  /** Average estimated time lag; absent when it could not be estimated. */
  timeLagSeconds?: number;
  maxTimeLagSeconds?: number;
  /** Samples the point aggregates. */
  samples: number;
}

/**
 * `GET /consumer-groups/:environment/:groupId/lag?range=`.
 *
 * @public
 */
export interface LagHistory {
  environment: string;
  groupId: string;
  range: LagHistoryRange;
  /** Which stored history answered: raw samples or hourly or daily rollups. */
  resolution: 'raw' | 'hour' | 'day';
  /** Width of one point. */
  bucketSeconds: number;
  /** ISO timestamps of the range. */
  from: string;
  to: string;
  points: LagHistoryPoint[];
}

/**
 * `GET /consumer-groups/summary`.
 *
 * @public
 */
export interface ConsumerGroupsSummary {
  total: number;
  byState: Record<ConsumerGroupState, number>;
  byStatus: Record<ConsumerGroupStatus, number>;
  byLifecycle: Record<ConsumerGroupLifecycle, number>;
  /** Sum of the latest total lag of every group. */
  totalLag: number;
  /** Groups whose latest total lag is above zero. */
  groupsWithLag: number;
}
