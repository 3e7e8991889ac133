import {
  ConsumerGroupLifecycle,
  ConsumerGroupState,
  ConsumerGroupStatus,
  ConsumerGroupType,
  LagHistory,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';

/** A count with thousands separators: `12,345`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A count for chart axes: `950`, `12K`, `3.4M`. */
export function formatCompact(n: number): string {
  return new Intl.NumberFormat('en-US', {
    notation: 'compact',
    maximumFractionDigits: 1,
  }).format(n);
}

/**
 * A duration in seconds, in its two largest units: `< 1 s`, `12 s`,
 * `4 min 5 s`, `2 h 5 min`, `3 d 4 h`.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) {
    return '—';
  }
  if (seconds < 1) {
    return '< 1 s';
  }
  const units: Array<[string, number]> = [
    ['d', 86400],
    ['h', 3600],
    ['min', 60],
    ['s', 1],
  ];
  let rest = Math.round(seconds);
  const parts: string[] = [];
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (parts.length === 0) {
      if (n > 0) parts.push(`${n} ${unit}`);
    } else {
      if (n > 0) parts.push(`${n} ${unit}`);
      break;
    }
  }
  return parts.join(' ');
}

/** An estimated time lag: `~12 s`; undefined when it could not be estimated. */
export function formatTimeLag(seconds: number | undefined): string | undefined {
  if (seconds === undefined || seconds === null) {
    return undefined;
  }
  return seconds < 1 ? '< 1 s' : `~${formatDuration(seconds)}`;
}

/** What the time lag is, for tooltips and captions. */
export const TIME_LAG_METHOD =
  'how long ago the newest message the group has committed was ' +
  "written, interpolated from the history of each partition's end offset " +
  'kept by the lag sampler. The largest over the partitions.';

export const TIME_LAG_EXPLANATION = `An estimate: ${TIME_LAG_METHOD}`;

export const STATE_LABELS: Record<ConsumerGroupState, string> = {
  Stable: 'Stable',
  PreparingRebalance: 'Preparing rebalance',
  CompletingRebalance: 'Completing rebalance',
  Assigning: 'Assigning',
  Reconciling: 'Reconciling',
  NotReady: 'Not ready',
  Empty: 'Empty',
  Dead: 'Dead',
  Unknown: 'Unknown',
};

const TYPE_LABELS: Record<ConsumerGroupType, string> = {
  classic: 'Classic',
  consumer: 'Consumer',
  share: 'Share',
  streams: 'Streams',
};

const TYPE_DESCRIPTIONS: Record<ConsumerGroupType, string> = {
  classic:
    'Classic rebalance protocol (JoinGroup/SyncGroup): consumers with group.protocol=classic, Connect workers.',
  consumer:
    'KIP-848 rebalance protocol (group.protocol=consumer): the coordinator assigns the partitions.',
  share:
    'Share group (KIP-932): members share partitions and acknowledge records one by one. Listed with its state; its members are not described.',
  streams:
    'Kafka Streams rebalance protocol (KIP-1071). Listed with its state; its members are not described.',
};

/**
 * A group's type as the lists show it: `Consumer`, `Classic`, or
 * `Classic · connect` for a classic group of another protocol type.
 */
export function groupTypeLabel(
  type: ConsumerGroupType | undefined,
  protocolType: string | undefined,
): string {
  if (!type) return protocolType || 'Unknown';
  const other =
    type === 'classic' && protocolType && protocolType !== 'consumer';
  return other ? `${TYPE_LABELS[type]} · ${protocolType}` : TYPE_LABELS[type];
}

/** What a group's type means, for tooltips. */
export function groupTypeDescription(
  type: ConsumerGroupType | undefined,
): string {
  return type
    ? TYPE_DESCRIPTIONS[type]
    : "The broker's group listing does not tell the type (brokers before Kafka 3.8), or the group was not synced since Kafka Hub learned types.";
}

export const LIFECYCLE_LABELS: Record<ConsumerGroupLifecycle, string> = {
  active: 'Active',
  inactive: 'Inactive',
  archived: 'Archived',
};

export const LIFECYCLE_DESCRIPTIONS: Record<ConsumerGroupLifecycle, string> = {
  active: 'Followed: its lag is sampled.',
  inactive: 'Empty for longer than the threshold: no longer sampled.',
  archived: 'Not listed by the cluster for longer than the threshold.',
};

export const STATUS_DESCRIPTIONS: Record<ConsumerGroupStatus, string> = {
  OK: 'Consuming; lag is not growing.',
  WARN: 'Lag grew over the whole window while the group kept committing.',
  STALL:
    'Members are connected but commit the same offsets while lag stays above zero.',
  STOP: 'The group is Empty (no members) while messages wait.',
  REWIND: 'A committed offset went backwards within the window.',
};

const RESOLUTION_LABELS: Record<LagHistory['resolution'], string> = {
  raw: 'raw samples',
  hour: 'hourly rollups',
  day: 'daily rollups',
};

/** "raw samples, one point per 2 min" */
export function resolutionText(history: LagHistory): string {
  const label = RESOLUTION_LABELS[history.resolution] ?? history.resolution;
  return history.bucketSeconds > 0
    ? `${label}, one point per ${formatDuration(history.bucketSeconds)}`
    : label;
}
