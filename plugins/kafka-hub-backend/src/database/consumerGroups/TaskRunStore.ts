import { Knex } from 'knex';
import { readTimestamp, StoredTimestamp } from '../timestamps';
import { ConsumerGroupTask, TaskRun, TaskRunOutcome } from './types';

const TASK_RUNS = 'kafka_hub_consumer_group_task_runs';

interface TaskRunRow {
  environment: string;
  task: ConsumerGroupTask;
  last_run_at: StoredTimestamp;
  last_success_at: StoredTimestamp | null;
  last_outcome: TaskRunOutcome;
  last_error: string | null;
  duration_ms: number | string;
}

/**
 * The outcome of the latest run of each consumer-group task per
 * environment: what the admin page and a group's detail show when an
 * environment cannot be sampled.
 */
export class TaskRunStore {
  constructor(private readonly db: Knex) {}

  async record(options: {
    environment: string;
    task: ConsumerGroupTask;
    startedAt: Date;
    finishedAt: Date;
    error?: string;
    /** Succeeded without an error, failed with one, unless told. */
    outcome?: TaskRunOutcome;
  }): Promise<void> {
    const { environment, task, startedAt, finishedAt, error } = options;
    const outcome =
      options.outcome ?? (error === undefined ? 'succeeded' : 'failed');
    const row = {
      environment,
      task,
      last_run_at: startedAt,
      last_outcome: outcome,
      last_error: error ?? null,
      duration_ms: finishedAt.getTime() - startedAt.getTime(),
      ...(outcome === 'succeeded' ? { last_success_at: finishedAt } : {}),
    };
    await this.db(TASK_RUNS)
      .insert({ last_success_at: null, ...row })
      .onConflict(['environment', 'task'])
      .merge(Object.keys(row));
  }

  async get(
    environment: string,
    task: ConsumerGroupTask,
  ): Promise<TaskRun | undefined> {
    const row: TaskRunRow | undefined = await this.db(TASK_RUNS)
      .where({ environment, task })
      .first();
    return row ? toTaskRun(row) : undefined;
  }

  async list(): Promise<TaskRun[]> {
    const rows: TaskRunRow[] = await this.db(TASK_RUNS).orderBy([
      'environment',
      'task',
    ]);
    return rows.map(toTaskRun);
  }
}

function toTaskRun(row: TaskRunRow): TaskRun {
  return {
    environment: row.environment,
    task: row.task,
    lastRunAt: readTimestamp(row.last_run_at),
    lastSuccessAt: row.last_success_at
      ? readTimestamp(row.last_success_at)
      : undefined,
    lastOutcome: row.last_outcome,
    lastError: row.last_error ?? undefined,
    durationMs: Number(row.duration_ms),
  };
}
