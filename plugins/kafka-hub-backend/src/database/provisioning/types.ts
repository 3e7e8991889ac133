import {
  AnnotationError,
  EnvironmentDetails,
  EnvironmentProvisioningDetail,
  FinishedProvisioningStatus,
  ProvisioningRunResult,
  ProvisioningStatus,
  ProvisioningTrigger,
  TopicSpec,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';

// Shared with the frontend; re-exported so the store's callers import one place.
export type {
  EnvironmentDetails,
  EnvironmentProvisioningDetail,
  FinishedProvisioningStatus,
  ProvisioningRunResult,
  ProvisioningStatus,
  ProvisioningTrigger,
};

/** What an application should have; its hash decides when to re-provision. */
export interface DesiredState {
  /** Environments to provision (already resolved against the configuration). */
  environments: string[];
  topics: TopicSpec[];
}

/** One application as stored. Timestamps are ISO strings. */
export interface ProvisioningApplication {
  entityRef: string;
  application: string;
  ownerRef?: string;
  status: ProvisioningStatus;
  error?: string;
  environments: EnvironmentDetails;
  desiredState: DesiredState;
  desiredStateHash: string;
  currentRunId?: string;
  /** Malformed annotations; nothing provisions the application while set. */
  annotationErrors?: AnnotationError[];
  attemptCount: number;
  lastAttemptAt?: string;
  nextAttemptAt?: string;
  leaseExpiresAt?: string;
  createdAt: string;
  updatedAt: string;
  /** When its entity was found gone from the catalog; never provisioned since. */
  removedAt?: string;
  /** What was provisioned when it was removed. */
  removedNote?: RemovedNote;
}

/**
 * What a removed application left on the clusters: nothing is deleted there
 * (nor its run history here), so this says what to clean up by hand.
 */
export interface RemovedNote {
  application: string;
  /** Environments whose last run succeeded. */
  environments: string[];
  /** Declared topics, without the namespace prefix. */
  topics: TopicSpec[];
}

/** One run of the history. Timestamps are ISO strings. */
export interface ProvisioningRun {
  runId: string;
  entityRef: string;
  trigger: ProvisioningTrigger;
  requestedBy?: string;
  /** Environments the run targets. */
  environments: string[];
  /** Hash of the desired state the run provisions. */
  desiredStateHash?: string;
  startedAt: string;
  finishedAt?: string;
  result?: ProvisioningRunResult;
  error?: string;
  detail?: EnvironmentDetails;
}

export interface UpsertDesiredOptions {
  entityRef: string;
  application: string;
  ownerRef?: string;
  desiredState: DesiredState;
  desiredStateHash: string;
  now: Date;
}

export interface RecordInvalidOptions {
  entityRef: string;
  /** The slug if valid, else the raw annotation value (for display). */
  application: string;
  ownerRef?: string;
  errors: AnnotationError[];
  now: Date;
}

export interface UpsertDesiredResult {
  /** `restored`: the application had been removed and its entity is back. */
  outcome: 'created' | 'changed' | 'unchanged' | 'restored';
  /**
   * True when the desired state changed while a run was in progress: the new
   * state is stored and the status left alone; finishing that run makes the
   * application due again.
   */
  deferred: boolean;
}

export interface ClaimRunOptions {
  entityRef: string;
  runId: string;
  trigger: ProvisioningTrigger;
  requestedBy?: string;
  /** Environments the run targets. */
  environments: string[];
  now: Date;
  /** How long the run may go without finishing before it counts as dead. */
  leaseMs: number;
}

export type ClaimRunResult =
  | {
      claimed: true;
      runId: string;
      /** The application just after the claim, with the previous detail. */
      application: ProvisioningApplication;
    }
  | { claimed: false; reason: 'in-progress'; currentRunId?: string }
  | {
      claimed: false;
      reason: 'invalid-annotations';
      annotationErrors: AnnotationError[];
    }
  | { claimed: false; reason: 'removed'; removedAt: string }
  | { claimed: false; reason: 'not-found' };

export interface ClaimDueOptions {
  now: Date;
  /** Most applications to claim. */
  limit: number;
  leaseMs: number;
  runIdFactory: () => string;
  /** Recorded on the runs; defaults to the provisioning task. */
  requestedBy?: string;
  /** Once aborted, no further application is claimed. */
  signal?: AbortSignal;
}

/**
 * An application claimed by `claimDue`, read right after the claim: in
 * progress, with the desired state and the previous run's error and
 * per-environment detail.
 */
export interface ClaimedApplication {
  runId: string;
  trigger: ProvisioningTrigger;
  application: ProvisioningApplication;
}

export interface ClaimRetryableOptions {
  now: Date;
  leaseMs: number;
  trigger: ProvisioningTrigger;
  requestedBy?: string;
  runIdFactory: () => string;
  /** Environments a run of the claimed application targets. */
  environmentsOf: (application: ProvisioningApplication) => string[];
}

export interface ClaimRetryableResult {
  /** Retryable applications found just before the claim. */
  found: number;
  /**
   * Failed or partial applications whose run had already started (a single
   * retry, the backoff schedule, another retry-all): not claimed again.
   */
  alreadyInProgress: number;
  /** The ones this call claimed, each with its own run. */
  claimed: ClaimedApplication[];
}

/** Applications the catalog no longer declares, and how many are stored. */
export interface MissingApplications {
  /** Entity refs of applications not removed yet whose entity is gone. */
  missing: string[];
  /** Applications not removed yet, gone or not. */
  total: number;
}

export interface FinishRunOptions {
  entityRef: string;
  runId: string;
  status: FinishedProvisioningStatus;
  error?: string;
  /**
   * The application's whole per-environment detail after this run (it
   * replaces the stored one; merge with the detail returned by the claim
   * when the run targeted only some environments).
   */
  environments: EnvironmentDetails;
  now: Date;
  /** Next automatic attempt; ignored (null) when the status is completed. */
  nextAttemptAt?: Date;
}

export interface FinishRunResult {
  /** False when the run no longer holds the claim (it was recovered). */
  applied: boolean;
  /**
   * True when the desired state changed during the run: the application is
   * then left `pending` and due at once instead of the run's status.
   */
  desiredStateChanged: boolean;
}

export interface RecoverExpiredOptions {
  now: Date;
  /** When the recovered applications are retried automatically. */
  nextAttemptAt?: Date;
}

export interface ListApplicationsFilter {
  entityRefs?: readonly string[];
  owners?: string[];
  statuses?: ProvisioningStatus[];
  /** Also list applications whose entity left the catalog. Default: false. */
  includeRemoved?: boolean;
}
