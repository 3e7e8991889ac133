import { KafkaHubTaskOutcome } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { Knex } from 'knex';
import {
  readOptionalTimestamp,
  readTimestamp,
  StoredTimestamp,
} from '../timestamps';

const TASK_RUNS = 'kafka_hub_provisioning_task_runs';

/**
 * Global provisioning tasks whose latest run is recorded: the reconcile
 * with the catalog and the run of due applications.
 */
export type ProvisioningTask = 'reconcile' | 'run-due';

/** The latest run of a provisioning task. */
export interface ProvisioningTaskRun {
  task: ProvisioningTask;
  lastRunAt: Date;
  /** When the task last ended `succeeded`. */
  lastSuccessAt?: Date;
  durationMs: number;
  outcome: KafkaHubTaskOutcome;
  /** Why the run failed or held back (e.g. a refused mass removal). */
  error?: string;
  /** What the run did. */
  summary?: string;
}

interface TaskRunRow {
  task: ProvisioningTask;
  last_run_at: StoredTimestamp;
  last_success_at: StoredTimestamp | null;
  duration_ms: number | string;
  outcome: KafkaHubTaskOutcome;
  error: string | null;
  summary: string | null;
}

/**
 * The outcome of the latest run of each global provisioning task, for the
 * admin page's Clusters tab: a reconcile that refused to remove most
 * applications, or a run of due applications that failed or ran out of
 * time, says so there until a later one succeeds.
 */
export class ProvisioningTaskRunStore {
  constructor(private readonly db: Knex) {}

  async record(options: {
    task: ProvisioningTask;
    startedAt: Date;
    finishedAt: Date;
    error?: string;
    summary?: string;
    /** Succeeded without an error, failed with one, unless told. */
    outcome?: KafkaHubTaskOutcome;
  }): Promise<void> {
    const { task, startedAt, finishedAt, error, summary } = options;
    const outcome =
      options.outcome ?? (error === undefined ? 'succeeded' : 'failed');
    const row = {
      task,
      last_run_at: startedAt,
      duration_ms: finishedAt.getTime() - startedAt.getTime(),
      outcome,
      error: error ?? null,
      summary: summary ?? null,
      ...(outcome === 'succeeded' ? { last_success_at: finishedAt } : {}),
    };
    await this.db(TASK_RUNS)
      .insert({ last_success_at: null, ...row })
      .onConflict('task')
      .merge(Object.keys(row));
  }

  async list(): Promise<ProvisioningTaskRun[]> {
    const rows: TaskRunRow[] = await this.db(TASK_RUNS).orderBy('task');
    return rows.map(row => ({
      task: row.task,
      lastRunAt: readTimestamp(row.last_run_at),
      lastSuccessAt: readOptionalTimestamp(row.last_success_at),
      durationMs: Number(row.duration_ms),
      outcome: row.outcome,
      error: row.error ?? undefined,
      summary: row.summary ?? undefined,
    }));
  }
}
