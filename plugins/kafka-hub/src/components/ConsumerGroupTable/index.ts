export { ConsumerGroupTable } from './ConsumerGroupTable';
export type { ConsumerGroupTableProps } from './ConsumerGroupTable';
export {
  ConsumerGroupStateText,
  ConsumerGroupStatusChip,
  ConsumerGroupTypeText,
  TimeLagText,
  TotalLagText,
} from './ConsumerGroupBadges';
export type { ConsumerGroupStatusChipProps } from './ConsumerGroupBadges';
export { LagSparkline } from './LagSparkline';
export type { LagSparklineProps } from './LagSparkline';
export { consumerGroupDetailPath } from './links';
export type { ConsumerGroupListLocationState } from './links';
export { CONSUMER_GROUP_REFRESH_MS, usePolledAsync } from './usePolledAsync';
export type { PolledAsyncState } from './usePolledAsync';
export * from './format';
