import {
  LagHistoryStore,
  RetentionResult,
  RetentionWindows,
  TaskRunStore,
} from '../database/consumerGroups';
import { describeKafkaError } from '../kafka';

/**
 * Retention of one environment's lag history: raw samples roll up into
 * hourly and daily aggregates, then everything older than its window goes.
 */
export class RetentionTask {
  constructor(
    private readonly options: {
      environment: string;
      history: LagHistoryStore;
      taskRuns: TaskRunStore;
      windows: RetentionWindows;
      now?: () => number;
    },
  ) {}

  async run(): Promise<RetentionResult> {
    const { environment, history, taskRuns, windows } = this.options;
    const now = this.options.now ?? Date.now;
    const startedAt = now();
    try {
      const result = await history.applyRetention(
        environment,
        startedAt,
        windows,
      );
      await taskRuns.record({
        environment,
        task: 'retention',
        startedAt: new Date(startedAt),
        finishedAt: new Date(now()),
      });
      return result;
    } catch (error) {
      await taskRuns
        .record({
          environment,
          task: 'retention',
          startedAt: new Date(startedAt),
          finishedAt: new Date(now()),
          error: describeKafkaError(error),
        })
        .catch(() => {});
      throw error;
    }
  }
}
