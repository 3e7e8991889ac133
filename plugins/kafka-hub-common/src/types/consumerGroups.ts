/**
 * State of a group as its coordinator reports it, named like Kafka's own
 * tools name it. Classic groups rebalance through `PreparingRebalance` and
 * `CompletingRebalance`; consumer (KIP-848) and streams groups through
 * `Assigning` and `Reconciling`; a streams group whose topics are missing
 * is `NotReady`.
 *
 * @public
 */
export type ConsumerGroupState =
  | 'Stable'
  | 'PreparingRebalance'
  | 'CompletingRebalance'
  | 'Assigning'
  | 'Reconciling'
  | 'NotReady'
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
  'Assigning',
  'Reconciling',
  'NotReady',
  'Empty',
  'Dead',
  'Unknown',
];

/**
 * The kind of group, as the broker's group listing (ListGroups v5) names it:
 * `classic` (the JoinGroup/SyncGroup protocol: consumers with
 * `group.protocol=classic`, Connect workers), `consumer` (the KIP-848
 * rebalance protocol, `group.protocol=consumer`), `share` (share groups,
 * KIP-932) or `streams` (Kafka Streams' KIP-1071 protocol).
 *
 * @public
 */
export type ConsumerGroupType = 'classic' | 'consumer' | 'share' | 'streams';

/**
 * Every consumer group type, in display order.
 *
 * @public
 */
export const CONSUMER_GROUP_TYPES: readonly ConsumerGroupType[] = [
  'classic',
  'consumer',
  'share',
  'streams',
];

/**
 * Whether Kafka Hub still follows a group: `active` groups are sampled,
 * `inactive` ones were Empty for longer than a threshold, `archived` ones
 * were not listed by the cluster for longer than a threshold.
 *
 * @public
 */
export type ConsumerGroupLifecycle = 'active' | 'inactive' | 'archived';

/**
 * Every consumer group lifecycle, in display order.
 *
 * @public
 */
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

/**
 * Every consumer group lag status, in display order.
 *
 * @public
 */
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
  /** The member id the coordinator assigned. */
  memberId: string;
  /** The client id the member's consumer sent. */
  clientId: string;
  /** The host the member connected from. */
  host: string;
  /** `group.instance.id` of a static member. */
  instanceId?: string;
  /** The member's epoch (consumer groups). */
  memberEpoch?: number;
  /** Topics the member subscribes to by name. */
  subscribedTopics?: string[];
  /** The member's subscription pattern (consumer groups). */
  subscribedTopicRegex?: string;
  /** Assigned partitions by topic. */
  assignments: Array<{ topic: string; partitions: number[] }>;
  /**
   * Partitions the coordinator is moving the member to (consumer groups);
   * equal to `assignments` once the member has reconciled.
   */
  targetAssignments?: Array<{ topic: string; partitions: number[] }>;
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
  /** The largest lag of one partition, in messages. */
  maxPartitionLag: number;
  /**
   * Estimated seconds the group is behind the newest message (the largest
   * over its partitions), interpolated from past end offsets. An estimate;
   * undefined while there are too few points to estimate.
   */
  timeLagSeconds?: number;
  /** Partitions of subscribed topics that have no committed offset. */
  partitionsWithoutCommit: number;
  /** The group's lag status. */
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
  /** The environment the group runs in. */
  environment: string;
  /** The consumer group's id. */
  groupId: string;
  /** The catalog entity the group belongs to, when linked. */
  entityRef?: string;
  /** How the link was made: the application prefix or an annotation. */
  linkedBy?:
    | 'prefix'
    | 'kafka-hub.io/consumer-groups'
    | 'kafka.apache.org/consumer-groups';
  /** Undefined when the broker's listing does not tell (before Kafka 3.8). */
  type?: ConsumerGroupType;
  /**
   * The group's protocol type: `consumer` for consumers, `connect` for
   * Connect workers, `share` and `streams` for those group types.
   */
  protocolType?: string;
  /** The group's state as the coordinator reported it. */
  state: ConsumerGroupState;
  /** Whether the group is active, inactive or archived. */
  lifecycle: ConsumerGroupLifecycle;
  /** How many members the group has. */
  memberCount: number;
  /** Topics the members subscribe to or the group has offsets on. */
  topics: string[];
  /** ISO timestamps. */
  firstSeenAt: string;
  /** When a sync last saw the group (ISO 8601). */
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
  /** The page's groups. */
  items: ConsumerGroup[];
  /** Matching groups before paging. */
  total: number;
  /** The page size used. */
  limit: number;
  /** How many groups were skipped before this page. */
  offset: number;
}

/**
 * Latest offsets of one partition. `committedOffset` and `lag` are absent
 * when the group has no committed offset there, which is not zero lag.
 *
 * @public
 */
export interface PartitionLag {
  /** The topic of the partition. */
  topic: string;
  /** The partition number. */
  partition: number;
  /** The group's committed offset; undefined when none was committed. */
  committedOffset?: number;
  /** The partition's end offset. */
  endOffset: number;
  /** End offset minus committed offset; undefined without a committed offset. */
  lag?: number;
  /** Estimated seconds behind; an estimate. */
  timeLagSeconds?: number;
  /** Member the partition is assigned to, when one is. */
  memberId?: string;
  /** The client id of the member the partition is assigned to. */
  clientId?: string;
}

/**
 * `GET /consumer-groups/:environment/:groupId`.
 *
 * @public
 */
export interface ConsumerGroupDetail extends ConsumerGroup {
  /** The partition assignor in use, e.g. `uniform`, `range` or `cooperative-sticky`. */
  assignmentStrategy?: string;
  /** The group's epoch (consumer groups). */
  groupEpoch?: number;
  /** The epoch of the group's target assignment (consumer groups). */
  assignmentEpoch?: number;
  /** The broker coordinating the group, `id (host:port)`. */
  coordinator?: string;
  /**
   * Which request described the members: `ConsumerGroupDescribe` for
   * consumer groups, `DescribeGroups` for classic ones. Undefined when the
   * members are not known: share and streams groups are listed, not
   * described.
   */
  describedWith?: 'ConsumerGroupDescribe' | 'DescribeGroups';
  /**
   * Why the last sync could not describe the group; the members are then
   * the ones last described.
   */
  describeError?: string;
  /** The group's members. */
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

/**
 * Every lag history range, shortest first.
 *
 * @public
 */
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
  /** The largest total lag sampled in the bucket, in messages. */
  maxTotalLag: number;
  /** Average estimated time lag; absent when it could not be estimated. */
  timeLagSeconds?: number;
  /** The largest estimated time lag in the bucket, in seconds. */
  maxTimeLagSeconds?: number;
  /** Samples the point aggregates. */
  samples: number;
  /**
   * The least healthy group state sampled in the bucket (Dead, Empty,
   * Unknown, NotReady, rebalancing, then Stable); absent in rollups
   * stored before Kafka Hub recorded it.
   */
  state?: ConsumerGroupState;
  /** Fewest members sampled in the bucket; absent like `state`. */
  minMemberCount?: number;
  /** Most members sampled in the bucket; absent like `state`. */
  maxMemberCount?: number;
}

/**
 * How the lag history splits the lag: the group's total, per topic (the
 * sum of its partitions' lag) or per partition (the top 10).
 *
 * @public
 */
export type LagHistoryBy = 'total' | 'topic' | 'partition';

/**
 * Every way to split the lag history, in display order.
 *
 * @public
 */
export const LAG_HISTORY_BY: readonly LagHistoryBy[] = [
  'total',
  'topic',
  'partition',
];

/**
 * One point of a topic's or partition's lag: the samples of a bucket.
 *
 * @public
 */
export interface LagSeriesPoint {
  /** ISO timestamp of the start of the bucket. */
  time: string;
  /** Average lag over the bucket's samples, rounded. */
  lag: number;
  /** The largest lag sampled in the bucket. */
  maxLag: number;
  /** Samples with a committed offset there. */
  samples: number;
}

/**
 * The lag of one topic (`partition` absent) or one partition over a range.
 *
 * @public
 */
export interface LagSeries {
  /** The topic. */
  topic: string;
  /** The partition; absent for a topic's series. */
  partition?: number;
  /** The largest lag sampled in the range: what the series are ranked by. */
  maxLag: number;
  /** The buckets with samples, oldest first. */
  points: LagSeriesPoint[];
}

/**
 * Lag per topic or per partition (`by=topic` or `by=partition`), from
 * the stored per-partition history and its rollups.
 *
 * @public
 */
export interface LagSeriesSet {
  /** What each series is. */
  by: 'topic' | 'partition';
  /**
   * Which stored history answered: raw samples (kept as long as the
   * partition history) or half-hourly, hourly or daily rollups.
   */
  resolution: 'raw' | 'halfhour' | 'hour' | 'day';
  /** Width of one point; at least the resolution's period. */
  bucketSeconds: number;
  /** ISO timestamp of the first bucket. */
  from: string;
  /** Topics or partitions with a committed offset in the range. */
  total: number;
  /**
   * The series, largest `maxLag` first: every topic up to 20, or the top 10
   * partitions.
   */
  items: LagSeries[];
}

/**
 * `GET /consumer-groups/:environment/:groupId/lag?range=`.
 *
 * @public
 */
export interface LagHistory {
  /** The environment the group runs in. */
  environment: string;
  /** The consumer group's id. */
  groupId: string;
  /** The range the history covers. */
  range: LagHistoryRange;
  /** Which stored history answered: raw samples or hourly or daily rollups. */
  resolution: 'raw' | 'hour' | 'day';
  /** Width of one point. */
  bucketSeconds: number;
  /** ISO timestamps of the range. */
  from: string;
  /** The end of the range (ISO 8601). */
  to: string;
  /** The samples, oldest first. */
  points: LagHistoryPoint[];
  /** How the lag is split; `total` when not asked. */
  by?: LagHistoryBy;
  /** The lag per topic or per partition, for `by=topic` or `by=partition`. */
  series?: LagSeriesSet;
}

/**
 * `GET /consumer-groups/summary`.
 *
 * @public
 */
export interface ConsumerGroupsSummary {
  /** How many groups the caller may read. */
  total: number;
  /** How many groups are in each state. */
  byState: Record<ConsumerGroupState, number>;
  /** How many groups have each lag status. */
  byStatus: Record<ConsumerGroupStatus, number>;
  /** How many groups are in each lifecycle. */
  byLifecycle: Record<ConsumerGroupLifecycle, number>;
  /** Sum of the latest total lag of every group. */
  totalLag: number;
  /** Groups whose latest total lag is above zero. */
  groupsWithLag: number;
}
