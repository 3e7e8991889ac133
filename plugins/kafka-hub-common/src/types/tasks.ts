/**
 * The scheduled tasks whose last run the admin page shows.
 *
 * @public
 */
export type KafkaHubTaskName =
  | 'schema-sync'
  | 'consumer-group-sync'
  | 'lag-sampler'
  | 'lag-retention'
  | 'provisioning-reconcile'
  | 'provisioning-run-due'
  | 'topic-sampler';

/**
 * How a task's last run ended: `partial` when it did some of its work and
 * held back or failed the rest (some groups or subjects failed, a refused
 * mass removal), `aborted` when it stopped at the scheduler's abort signal
 * (its timeout, or a shutdown) before doing all of it.
 *
 * @public
 */
export type KafkaHubTaskOutcome =
  | 'succeeded'
  | 'partial'
  | 'failed'
  | 'aborted';

/**
 * The latest run of one scheduled task in one environment, or across all of
 * them.
 *
 * @public
 */
export interface KafkaHubTaskRun {
  /** Absent for a task that covers every environment (provisioning's). */
  environment?: string;
  /** The task's name. */
  task: KafkaHubTaskName;
  /** ISO timestamps. */
  lastRunAt: string;
  /** When the task last succeeded (ISO 8601). */
  lastSuccessAt?: string;
  /** How long the last run took, in milliseconds. */
  durationMs: number;
  /** How the last run ended. */
  outcome: KafkaHubTaskOutcome;
  /** The last run's error; whole for admins. */
  error?: string;
  /** What the last run did, e.g. "11 subjects, 2 versions fetched". */
  summary?: string;
}

/**
 * `GET /admin/tasks`.
 *
 * @public
 */
export interface KafkaHubTaskRunList {
  /** One entry per task. */
  items: KafkaHubTaskRun[];
}
