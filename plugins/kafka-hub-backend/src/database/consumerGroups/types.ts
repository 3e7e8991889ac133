import {
  ConsumerGroupDetail,
  ConsumerGroupLifecycle,
  ConsumerGroupMember,
  ConsumerGroupState,
  ConsumerGroupStatus,
  ConsumerGroupType,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';

export type ConsumerGroupLinkSource =
  | 'prefix'
  | 'kafka-hub.io/consumer-groups'
  | 'kafka.apache.org/consumer-groups';

/** The request that described a group's members. */
export type DescribedWith = NonNullable<ConsumerGroupDetail['describedWith']>;

/** A group as the listing and one describe call saw it. */
export interface DiscoveredGroup {
  groupId: string;
  /** As the listing names it; undefined when the broker does not tell. */
  type?: ConsumerGroupType;
  state: ConsumerGroupState;
  members: ConsumerGroupMember[];
  protocolType?: string;
  assignmentStrategy?: string;
  /** Consumer groups: the group epoch and the target assignment's epoch. */
  groupEpoch?: number;
  assignmentEpoch?: number;
  coordinator?: string;
  subscribedTopics: string[];
  /** Undefined when the members were not described (share, streams groups). */
  describedWith?: DescribedWith;
  /**
   * Why describing this group failed. Its stored description (members,
   * assignor, epochs, topics) then stays as last described; the listing's
   * type and state are recorded.
   */
  describeError?: string;
  entityRef?: string;
  linkedBy?: ConsumerGroupLinkSource;
}

/** A stored group with its discovery fields. */
export interface StoredConsumerGroup extends DiscoveredGroup {
  environment: string;
  lifecycle: ConsumerGroupLifecycle;
  emptySince?: Date;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** The latest sample of a group. */
export interface LatestGroupLag {
  sampledAtMs: number;
  totalLag: number;
  maxPartitionLag: number;
  timeLagSeconds?: number;
  partitionsWithoutCommit: number;
  status: ConsumerGroupStatus;
  statusReason: string;
  trend: number[];
}

export interface StoredConsumerGroupWithLag extends StoredConsumerGroup {
  lag?: LatestGroupLag;
}

/** Offsets of one partition of one group in one sample. */
export interface PartitionOffsets {
  topic: string;
  partition: number;
  /** Undefined: nothing committed. */
  committedOffset?: number;
  endOffset: number;
  /** Undefined when nothing is committed; never negative. */
  lag?: number;
  timeLagSeconds?: number;
}

/** Everything one sample learned about one group. */
export interface GroupSample {
  groupId: string;
  state: ConsumerGroupState;
  memberCount: number;
  partitions: PartitionOffsets[];
  totalLag: number;
  maxPartitionLag: number;
  timeLagSeconds?: number;
  partitionsWithoutCommit: number;
  committedSum: number;
  rewound: boolean;
  status: ConsumerGroupStatus;
  statusReason: string;
  trend: number[];
}

/** A change to the end-offset timeline of one partition. */
export interface EndOffsetPointWrite {
  topic: string;
  partition: number;
  endOffset: number;
  firstSeenMs: number;
  lastSeenMs: number;
}

/** Points older than `belowOffset` fall out of a partition's bounded timeline. */
export interface EndOffsetPrune {
  topic: string;
  partition: number;
  belowOffset: number;
}

/** One lag sample of an environment, written in one transaction. */
export interface LagSampleWrite {
  environment: string;
  sampledAtMs: number;
  groups: GroupSample[];
  endOffsetPoints: EndOffsetPointWrite[];
  endOffsetPrunes: EndOffsetPrune[];
  /** Whether to keep per-partition history rows. */
  keepPartitionHistory: boolean;
}

/** A raw history row, as the status window reads it. */
export interface GroupHistorySample {
  groupId: string;
  sampledAtMs: number;
  totalLag: number;
  committedSum: number;
  rewound: boolean;
  state: ConsumerGroupState;
  memberCount: number;
}

export type ConsumerGroupSort = 'lag' | 'timeLag' | 'name';

export interface ListConsumerGroupsQuery {
  /** Only groups linked to these entities; unlinked groups too when `includeUnlinked`. */
  entityRefs?: readonly string[];
  includeUnlinked: boolean;
  environment?: string;
  state?: ConsumerGroupState;
  lifecycle?: ConsumerGroupLifecycle;
  hasLag?: boolean;
  /** Case-insensitive substring of the group id. */
  search?: string;
  sort: ConsumerGroupSort;
  limit: number;
  offset: number;
}

export type HistoryResolution = 'raw' | 'hour' | 'day';

/** One bucket of history, aggregated on the database. */
export interface HistoryBucket {
  bucketStartMs: number;
  samples: number;
  sumTotalLag: number;
  maxTotalLag: number;
  timeLagSamples: number;
  sumTimeLagSeconds: number;
  maxTimeLagSeconds?: number;
  /** Fewest and most members sampled; undefined in rollups that predate them. */
  minMemberCount?: number;
  maxMemberCount?: number;
  /** The least healthy state sampled in the bucket. */
  state?: ConsumerGroupState;
}

export type ConsumerGroupTask = 'sync' | 'lag' | 'retention';

/**
 * How a task run ended: `partial` when some groups failed and the others
 * were recorded, `aborted` when it stopped at its abort signal (its timeout
 * or a shutdown) before doing all its work.
 */
export type TaskRunOutcome = 'succeeded' | 'partial' | 'failed' | 'aborted';

export interface TaskRun {
  environment: string;
  task: ConsumerGroupTask;
  lastRunAt: Date;
  lastSuccessAt?: Date;
  lastOutcome: TaskRunOutcome;
  lastError?: string;
  durationMs: number;
}
