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
export * from './types';
