export { ConsumerGroupStore } from './ConsumerGroupStore';
export type {
  GroupCounts,
  GroupLink,
  RecordSyncOptions,
  RecordSyncResult,
} from './ConsumerGroupStore';
export { LagHistoryStore, HOUR_MS, DAY_MS } from './LagHistoryStore';
export type { RetentionResult, RetentionWindows } from './LagHistoryStore';
export { TaskRunStore } from './TaskRunStore';
export * from './types';
