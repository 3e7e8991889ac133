import {
  LagHistoryStore,
  RetentionResult,
  RetentionStepName,
  retentionResult,
  RetentionWindows,
  TaskRunStore,
} from '../database/consumerGroups';
import { describeKafkaError } from '../kafka';

/** Recorded for a run stopped at its abort signal. */
export const ABORTED_RETENTION =
  'Stopped at its abort signal (the task timed out or the backend is shutting down): the next run does the rest';

export type RetentionRunResult = RetentionResult & {
  /** It stopped at its abort signal; the steps done are counted. */
  aborted?: boolean;
};

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

  /**
   * One run. With `signal` aborted it starts no further step (each step is
   * one statement or transaction, done whole) and returns what it did,
   * recorded as aborted.
   */
  async run(signal?: AbortSignal): Promise<RetentionRunResult> {
    const { environment, history, taskRuns, windows } = this.options;
    const now = this.options.now ?? Date.now;
    const startedAt = now();
    const counts = new Map<RetentionStepName, number>();
    try {
      for (const step of history.retentionSteps(
        environment,
        startedAt,
        windows,
      )) {
        if (signal?.aborted) {
          await taskRuns.record({
            environment,
            task: 'retention',
            startedAt: new Date(startedAt),
            finishedAt: new Date(now()),
            error: ABORTED_RETENTION,
            outcome: 'aborted',
          });
          return { ...retentionResult(counts), aborted: true };
        }
        counts.set(step.name, await step.run());
      }
      await taskRuns.record({
        environment,
        task: 'retention',
        startedAt: new Date(startedAt),
        finishedAt: new Date(now()),
      });
      return retentionResult(counts);
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
