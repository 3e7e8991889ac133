/**
 * Overall provisioning status of a Kafka application.
 *
 * @public
 */
export type ProvisioningStatus =
  | 'pending'
  | 'in_progress'
  | 'completed'
  | 'partial'
  | 'failed';

/**
 * Every provisioning status, in the order a run moves through them.
 *
 * @public
 */
export const PROVISIONING_STATUSES: readonly ProvisioningStatus[] = [
  'pending',
  'in_progress',
  'completed',
  'partial',
  'failed',
];

/**
 * Status a finished run can leave behind.
 *
 * @public
 */
export type FinishedProvisioningStatus = 'completed' | 'partial' | 'failed';

/**
 * Outcome of one environment in the latest finished run.
 *
 * @public
 */
export interface EnvironmentProvisioningDetail {
  /** The environment's outcome. */
  status: 'success' | 'failed' | 'skipped';
  /** The real cause when failed (whole text for admins, first line otherwise). */
  error?: string;
  /** Why it was skipped, or a note on success. */
  message?: string;
  /** ISO timestamp. */
  finishedAt: string;
}

/**
 * Per-environment detail, keyed by environment name.
 *
 * @public
 */
export type EnvironmentDetails = Record<string, EnvironmentProvisioningDetail>;

/**
 * What started a provisioning run.
 *
 * @public
 */
export type ProvisioningTrigger =
  | 'schedule'
  | 'retry'
  | 'retry-all'
  | 'desired-state-changed';

/**
 * How a run ended; `interrupted` when its process died and it was recovered.
 *
 * @public
 */
export type ProvisioningRunResult = FinishedProvisioningStatus | 'interrupted';

/**
 * One provisioning run, as admins see it in the run history.
 *
 * @public
 */
export interface ProvisioningRunSummary {
  /** The run's id. */
  runId: string;
  /** What started the run. */
  trigger: ProvisioningTrigger;
  /** User or service entity ref, or `kafka-hub:provisioning-task`. */
  requestedBy?: string;
  /** Environments the run targeted. */
  environments: string[];
  /** ISO timestamps. */
  startedAt: string;
  /** When the run finished (ISO 8601); undefined while it runs. */
  finishedAt?: string;
  /** The run's outcome; undefined while it runs. */
  result?: ProvisioningRunResult;
  /** Why the run failed, worded for the caller. */
  error?: string;
}

/**
 * Provisioning of one catalog entity's Kafka application, as returned by
 * `GET /applications`. Errors are whole for callers with
 * `kafka-hub.admin.read`, their first line otherwise; `currentRunId` is only
 * given to admins.
 *
 * @public
 */
export interface KafkaApplication {
  /** The catalog entity that declares the application. */
  entityRef: string;
  /** The application slug. */
  application: string;
  /** spec.owner of the entity, as an entity ref. */
  ownerRef?: string;
  /** Namespace prefix of topics, groups and transactional ids. */
  prefix: string;
  /** Environments the application should be provisioned in. */
  desiredEnvironments: string[];
  /** Topics declared by the annotation, without the prefix. */
  topics: Array<{ name: string; partitions?: number }>;
  /** The application's provisioning status. */
  status: ProvisioningStatus;
  /** Top-level error of the last finished run. */
  error?: string;
  /** Per-environment outcome of the latest runs. */
  environments: EnvironmentDetails;
  /** Malformed annotations; provisioning waits until they are fixed. */
  annotationErrors?: Array<{
    annotation: string;
    value: string;
    message: string;
  }>;
  /** How many provisioning attempts were made. */
  attemptCount: number;
  /** ISO timestamps. */
  lastAttemptAt?: string;
  /** When the next automatic retry is due (ISO 8601). */
  nextAttemptAt?: string;
  /** Admins only. */
  currentRunId?: string;
  /**
   * ISO timestamp: when its entity was found gone from the catalog. A
   * removed application is kept with its history but never provisioned.
   */
  removedAt?: string;
}

/**
 * `GET /applications`.
 *
 * @public
 */
export interface KafkaApplicationList {
  /** One page, ordered by entity ref. */
  items: KafkaApplication[];
  /** Applications matching the filters that the caller may read. */
  total: number;
  /** The page size used. */
  limit: number;
  /** How many applications were skipped before this page. */
  offset: number;
  /** `full` when the caller has admin read, `brief` otherwise. */
  errorDetail: 'full' | 'brief';
}

/**
 * `GET /applications/:entityRef`; `runs` (newest first) only for admins.
 *
 * @public
 */
export interface KafkaApplicationDetail extends KafkaApplication {
  /** `full` for admins; `brief` errors omit cluster details. */
  errorDetail: 'full' | 'brief';
  /** The application's recent provisioning runs, newest first. */
  runs?: ProvisioningRunSummary[];
}

/**
 * `POST /applications/:entityRef/retry` (202).
 *
 * @public
 */
export interface RetryProvisioningResponse {
  /** The claimed run; admins only. */
  runId?: string;
  /** Environments the run targets. */
  environments: string[];
}

/**
 * `POST /admin/retry-failed`.
 *
 * @public
 */
export interface RetryAllFailedResponse {
  /** Failed or partial applications found. */
  total: number;
  /** Runs started. */
  started: number;
  /** Already in progress (another replica or click got there first). */
  skipped: number;
}
