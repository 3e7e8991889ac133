export type { GroupSyncOptions, GroupSyncResult } from './GroupSync';
export type { LagSamplerOptions, LagSampleResult } from './LagSampler';
export { scheduleConsumerGroupTasks } from './scheduleConsumerGroupTasks';
export type { ScheduleConsumerGroupTasksOptions } from './scheduleConsumerGroupTasks';
