/**
 * The scheduled tasks whose last run the admin page shows.
 *
 * @public
 */
export type KafkaHubTaskName =
  | 'schema-sync'
  | 'consumer-group-sync'
  | 'lag-sampler'
  | 'lag-retention';

/**
 * The latest run of one scheduled task in one environment.
 *
 * @public
 */
export interface KafkaHubTaskRun {
  environment: string;
  task: KafkaHubTaskName;
  /** ISO timestamps. */
  lastRunAt: string;
  lastSuccessAt?: string;
  durationMs: number;
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
  items: KafkaHubTaskRun[];
}
