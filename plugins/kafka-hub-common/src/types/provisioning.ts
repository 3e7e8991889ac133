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
