export { ConsumerGroupStore } from './ConsumerGroupStore';
export type {
  GroupCounts,
  GroupLink,
  RecordSyncOptions,
  RecordSyncResult,
} from './ConsumerGroupStore';
export {
  LagHistoryStore,
  HOUR_MS,
  DAY_MS,
  retentionResult,
} from './LagHistoryStore';
export type {
  RetentionResult,
  RetentionStep,
  RetentionStepName,
  RetentionWindows,
} from './LagHistoryStore';
export { TaskRunStore } from './TaskRunStore';
export { LAG_SERIES_MS } from './LagSeriesStore';
export type { LagSeriesBucket, LagSeriesResolution } from './LagSeriesStore';
export type { PartitionLagAggregate, TopicLagAggregate } from './lagSeriesJson';
export * from './types';
