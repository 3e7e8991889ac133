import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AnnotationError,
  topicDeclarationErrors,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { randomUUID } from 'crypto';
import {
  KafkaEntitiesReader,
  KafkaEntity,
} from '../catalog/KafkaEntitiesReader';
import { ClaimResolver } from '../claims';
import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';
import { ProvisioningConfig } from '../config/types';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import { ProvisioningTaskRunStore } from '../database/provisioning/ProvisioningTaskRunStore';
import {
  ClaimedApplication,
  ClaimRunResult,
  DesiredState,
  FinishRunOptions,
  ProvisioningApplication,
  ProvisioningTrigger,
} from '../database/provisioning/types';
import { errorMessage } from '../errors/errorMessage';
import { desiredStateHash } from './desiredStateHash';
import { ProvisioningEngine } from './ProvisioningEngine';
import { KafkaHubEvents } from '../events/KafkaHubEvents';
import { RunLease, RunStopped, TASK_TIME_RAN_OUT } from './RunLease';

/** Annotations that decide what gets provisioned; a bad one blocks provisioning. */
const PROVISIONING_ANNOTATIONS = new Set<string>([
  'kafka-hub.io/application',
  'kafka-hub.io/environments',
  'kafka-hub.io/topics',
  'kafka-hub.io/topic-config',
]);

/** Most due applications one tick of the provisioning task claims. */
const DUE_BATCH = 50;

export interface ReconcileResult {
  created: number;
  changed: number;
  unchanged: number;
  invalid: number;
  removed: number;
  /** Removed applications whose entity came back. */
  restored: number;
  /** Entities whose record failed; the others went on. */
  failed: number;
  /** Set when the removal was refused by the mass-removal guard. */
  removalSkipped?: {
    /** Applications whose entity is gone, none of them marked removed. */
    missing: number;
    /** Applications not removed before this reconcile. */
    total: number;
    message: string;
  };
}

export type RetryOutcome =
  | { started: true; runId: string; environments: string[] }
  | Extract<ClaimRunResult, { claimed: false }>;

export interface RetryAllResult {
  /** Failed or partial applications: the started and the skipped. */
  total: number;
  started: number;
  /** Already in progress (a single retry, the schedule, another retry-all). */
  skipped: number;
}

export interface ProvisioningServiceDeps {
  store: ProvisioningStore;
  engine: ProvisioningEngine;
  entities: KafkaEntitiesReader;
  /** Configured environment names: the default of kafka-hub.io/environments. */
  environmentNames: string[];
  config: Pick<
    ProvisioningConfig,
    | 'maxAttempts'
    | 'initialBackoffMs'
    | 'maxBackoffMs'
    | 'leaseTimeoutMs'
    | 'concurrency'
    | 'maxRemovalShare'
    | 'removalsAlwaysAllowed'
    | 'allowedTopicConfigs'
  >;
  /** Resolves namespace and link claims at the start of each reconcile. */
  claims: Pick<ClaimResolver, 'resolve'>;
  /** Where each reconcile's outcome is recorded for the admin page. */
  taskRuns: ProvisioningTaskRunStore;
  logger: LoggerService;
  now?: () => Date;
  /** How often a run renews its lease; default a third of leaseTimeoutMs. */
  leaseRenewalMs?: number;
  /**
   * Told each recorded status change and run end (notifications, signals),
   * after the fact: emitting never waits for the listeners.
   */
  events?: Pick<KafkaHubEvents, 'emit'>;
}

/**
 * Keeps every Kafka application provisioned: `reconcile` records what the
 * catalog declares, `provisionDue` runs the applications whose next attempt
 * is due, and `retry`/`retryAllFailed` start runs on request. Every run is
 * claimed in the database first, so it runs once across clicks and replicas.
 */
export class ProvisioningService {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: ProvisioningServiceDeps) {}

  private now(): Date {
    return this.deps.now ? this.deps.now() : new Date();
  }

  /**
   * Reads the annotated entities from the catalog and records each one's
   * desired state; marks removed the applications the catalog no longer
   * has, unless they are too many (see `removalRefusal`). A failing catalog
   * read throws before anything is removed. The outcome is recorded for the
   * admin page. Once `signal` aborts, it stops before the next entity,
   * removes nothing and throws.
   */
  async reconcile(signal?: AbortSignal): Promise<ReconcileResult> {
    const startedAt = this.now();
    let result: ReconcileResult;
    try {
      result = await this.reconcileCatalog(signal);
    } catch (error) {
      await this.recordReconcile(startedAt, {
        outcome: error instanceof RunStopped ? 'aborted' : 'failed',
        error:
          error instanceof RunStopped
            ? error.message
            : `Could not reconcile with the catalog: ${errorMessage(error)}`,
      });
      throw error;
    }
    await this.recordReconcile(startedAt, {
      // Held back removals, or entities it could not record: partial.
      outcome:
        result.removalSkipped || result.failed > 0 ? 'partial' : 'succeeded',
      error: result.removalSkipped?.message,
      summary: reconcileSummary(result),
    });
    return result;
  }

  private async reconcileCatalog(
    signal: AbortSignal | undefined,
  ): Promise<ReconcileResult> {
    const { store, logger } = this.deps;
    const stopIfAborted = (done: number, of: number | undefined) => {
      if (signal?.aborted) {
        throw new RunStopped(
          'task-time-ran-out',
          `Reconcile ${TASK_TIME_RAN_OUT}${
            of === undefined
              ? ' before the catalog was read'
              : ` after recording ${done} of ${of} applications`
          }; nothing was removed`,
        );
      }
    };
    stopIfAborted(0, undefined);
    const catalogEntities = await this.deps.entities.list();
    const entities = catalogEntities.filter(
      entity => entity.rawApplication !== undefined,
    );
    // A read too short to trust removes nothing and releases no claim.
    const { missing, total } = await store.findMissing(
      entities.map(e => e.entityRef),
    );
    const refusal = this.removalRefusal(missing.length, total);
    // Who owns which namespace, before anything is recorded.
    const claims = await this.deps.claims.resolve(catalogEntities, this.now(), {
      catalogIncomplete: refusal !== undefined,
    });
    const result: ReconcileResult = {
      created: 0,
      changed: 0,
      unchanged: 0,
      invalid: 0,
      removed: 0,
      restored: 0,
      failed: 0,
    };
    stopIfAborted(0, entities.length);
    const written: string[] = [];
    for (const [done, entity] of entities.entries()) {
      stopIfAborted(done, entities.length);
      try {
        const errors = [
          ...entity.errors.filter(e =>
            PROVISIONING_ANNOTATIONS.has(e.annotation),
          ),
          // A slug held by another entity: never provisioned.
          ...claims.errorsOf(entity.entityRef),
          ...this.topicRuleErrors(entity),
        ];
        const now = this.now();
        const base = {
          entityRef: entity.entityRef,
          ownerRef: entity.ownerRef,
          now,
        };
        let outcome;
        if (errors.length > 0 || entity.application === undefined) {
          result.invalid++;
          ({ outcome } = await store.recordInvalid({
            ...base,
            application: entity.application ?? entity.rawApplication ?? '',
            errors,
          }));
        } else {
          const desiredState = this.desiredStateOf(entity);
          ({ outcome } = await store.upsertDesired({
            ...base,
            application: entity.application,
            desiredState,
            desiredStateHash: desiredStateHash(desiredState),
          }));
        }
        result[outcome]++;
        if (outcome !== 'unchanged') written.push(entity.entityRef);
      } catch (error) {
        result.failed++;
        logger.error(
          `Could not record the Kafka application of ${
            entity.entityRef
          }: ${errorMessage(error)}`,
        );
      }
    }
    stopIfAborted(entities.length, entities.length);
    if (refusal) {
      logger.warn(refusal);
      result.removalSkipped = {
        missing: missing.length,
        total,
        message: refusal,
      };
    } else {
      result.removed = await store.markRemoved(missing, this.now());
      if (result.removed > 0) written.push(...missing);
    }
    this.changed(written, 'reconciled');
    return result;
  }

  /**
   * Why removing `missing` of `total` applications at once is refused: a
   * catalog read that comes back short (an ingestion hiccup, a failing
   * provider) must not mark most of the organisation removed. Small
   * removals always go through.
   */
  private removalRefusal(missing: number, total: number): string | undefined {
    const { maxRemovalShare, removalsAlwaysAllowed } = this.deps.config;
    if (
      missing <= removalsAlwaysAllowed ||
      missing <= maxRemovalShare * total
    ) {
      return undefined;
    }
    const percent = (share: number) => `${Math.round(share * 100)}%`;
    return `Reconcile skipped removing ${missing} of ${total} applications (${percent(
      missing / total,
    )}, limit ${percent(
      maxRemovalShare,
    )}): the catalog may be incomplete. If the removal is intended, raise kafkaHub.provisioning.maxRemovalShare.`;
  }

  private async recordReconcile(
    startedAt: Date,
    outcome: Pick<
      Parameters<ProvisioningTaskRunStore['record']>[0],
      'outcome' | 'error' | 'summary'
    >,
  ): Promise<void> {
    try {
      await this.deps.taskRuns.record({
        task: 'reconcile',
        startedAt,
        finishedAt: this.now(),
        ...outcome,
      });
    } catch (error) {
      this.deps.logger.warn(
        `Could not record the reconcile's outcome: ${errorMessage(error)}`,
      );
    }
  }

  /**
   * Recovers runs whose process died, then claims and runs the due
   * applications, a few at a time. Once `signal` aborts, it claims no
   * more, and each claimed run stops at its next step (or before it
   * starts) and is recorded failed with a next attempt.
   */
  async provisionDue(signal?: AbortSignal): Promise<number> {
    const { store, config } = this.deps;
    if (signal?.aborted) {
      return 0;
    }
    const now = this.now();
    const recovered = await store.recoverExpired({ now, nextAttemptAt: now });
    if (recovered.length > 0) {
      this.deps.logger.warn(
        `Recovered ${
          recovered.length
        } interrupted provisioning run(s): ${recovered.join(', ')}`,
      );
      this.changed(recovered, 'recovered');
    }
    const claimed = await store.claimDue({
      now,
      limit: DUE_BATCH,
      leaseMs: config.leaseTimeoutMs,
      runIdFactory: randomUUID,
      signal,
    });
    this.changed(
      claimed.map(c => c.application.entityRef),
      'run-started',
    );
    await this.runClaimed(claimed, signal);
    return claimed.length;
  }

  /**
   * Claims a run of one application and starts it in the background. Runs
   * only the environments that did not succeed, unless `all`.
   */
  async retry(
    entityRef: string,
    options: { all?: boolean; requestedBy?: string } = {},
  ): Promise<RetryOutcome> {
    const current = await this.deps.store.get(entityRef);
    if (!current) {
      return { claimed: false, reason: 'not-found' };
    }
    const outcome = await this.claim(current, 'retry', options);
    if (!outcome.claimed) {
      return outcome;
    }
    const environments = this.targetsOf(outcome.application, options.all);
    this.changed([entityRef], 'retry-requested');
    const run = {
      runId: outcome.runId,
      trigger: 'retry' as const,
      application: outcome.application,
    };
    const lease = this.leaseOf(run);
    this.background(this.execute(run, lease, { all: options.all }));
    return { started: true, runId: outcome.runId, environments };
  }

  /**
   * Claims a run of every failed or partial application with valid
   * annotations in one statement (so a concurrent retry-all starts none of
   * them again), then works through them `concurrency` at a time in the
   * background.
   */
  async retryAllFailed(requestedBy?: string): Promise<RetryAllResult> {
    const { store, config } = this.deps;
    const { alreadyInProgress, claimed } = await store.claimRetryable({
      now: this.now(),
      leaseMs: config.leaseTimeoutMs,
      trigger: 'retry-all',
      requestedBy,
      runIdFactory: randomUUID,
      environmentsOf: app => this.targetsOf(app, false),
    });
    this.changed(
      claimed.map(c => c.application.entityRef),
      'retry-requested',
    );
    this.background(this.runClaimed(claimed));
    return {
      total: claimed.length + alreadyInProgress,
      started: claimed.length,
      skipped: alreadyInProgress,
    };
  }

  /**
   * Runs claimed applications `concurrency` at a time. Every lease is kept
   * alive from now on, also while its run waits for its turn; every run
   * ends recorded (or, its claim lost, left to whoever took it).
   */
  private async runClaimed(
    claimed: ClaimedApplication[],
    signal?: AbortSignal,
  ): Promise<void> {
    const leases = claimed.map(c => this.leaseOf(c));
    try {
      await mapWithConcurrency(claimed, this.deps.config.concurrency, (c, i) =>
        this.execute(c, leases[i], { signal }),
      );
    } finally {
      // execute ends each lease; these only matter if it never ran.
      await Promise.all(leases.map(lease => lease.end()));
    }
  }

  private leaseOf(run: ClaimedApplication): RunLease {
    const { leaseTimeoutMs } = this.deps.config;
    return new RunLease({
      store: this.deps.store,
      entityRef: run.application.entityRef,
      runId: run.runId,
      leaseMs: leaseTimeoutMs,
      everyMs: this.deps.leaseRenewalMs ?? Math.max(1, leaseTimeoutMs / 3),
      now: () => this.now(),
      logger: this.deps.logger,
    });
  }

  /** Waits for the runs started in the background (for shutdown and tests). */
  async settle(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running]);
    }
  }

  private desiredStateOf(entity: KafkaEntity): DesiredState {
    return {
      environments: entity.annotations.environments ?? [
        ...this.deps.environmentNames,
      ],
      topics: entity.annotations.topics,
    };
  }

  /**
   * Topics that ask for more than the configuration permits: a config
   * outside kafkaHub.provisioning.allowedTopicConfigs, or more partitions
   * than the strictest of the application's environments allows.
   */
  private topicRuleErrors(entity: KafkaEntity): AnnotationError[] {
    let maxPartitions: { limit: number; environment: string } | undefined;
    for (const environment of entity.annotations.environments ??
      this.deps.environmentNames) {
      const limit = this.deps.engine.settingsOf(environment)?.maxPartitions;
      if (
        limit !== undefined &&
        (!maxPartitions || limit < maxPartitions.limit)
      ) {
        maxPartitions = { limit, environment };
      }
    }
    return topicDeclarationErrors(entity.annotations.topics, {
      allowedConfigs: this.deps.config.allowedTopicConfigs,
      maxPartitions,
    });
  }

  private claim(
    app: ProvisioningApplication,
    trigger: ProvisioningTrigger,
    options: { all?: boolean; requestedBy?: string },
  ) {
    return this.deps.store.claimRun({
      entityRef: app.entityRef,
      runId: randomUUID(),
      trigger,
      requestedBy: options.requestedBy,
      environments: this.targetsOf(app, options.all),
      now: this.now(),
      leaseMs: this.deps.config.leaseTimeoutMs,
    });
  }

  /**
   * Environments a run provisions: all of them for a new or changed
   * application or when asked, else the ones that did not succeed.
   */
  private targetsOf(app: ProvisioningApplication, all?: boolean): string[] {
    const desired = app.desiredState.environments;
    const failing = desired.filter(
      name => app.environments[name]?.status !== 'success',
    );
    if (all || app.status === 'pending' || failing.length === 0) {
      return [...desired];
    }
    return failing;
  }

  private background(work: Promise<void>) {
    const tracked = work
      .catch(error =>
        this.deps.logger.error(
          `Provisioning run failed unexpectedly: ${errorMessage(error)}`,
        ),
      )
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /**
   * Runs a claimed application and records the outcome. Never rejects:
   * whatever fails around the run (the engine, the store) ends it failed
   * with the error and a next attempt, so no claim is left in progress.
   * A run whose claim was lost stops and records nothing; one whose task
   * ran out of time stops and is recorded failed, due again.
   */
  private async execute(
    run: ClaimedApplication,
    lease: RunLease,
    options: { all?: boolean; signal?: AbortSignal },
  ): Promise<void> {
    const { engine, logger } = this.deps;
    const { runId, trigger, application: app } = run;
    const line = `Provisioning run ${runId} (${trigger}) of ${app.entityRef}`;
    const signal = options.signal
      ? AbortSignal.any([lease.signal, options.signal])
      : lease.signal;
    try {
      let finished: FinishRunOptions;
      try {
        signal.throwIfAborted();
        const result = await engine.provision({
          application: app.application,
          desiredState: app.desiredState,
          targetEnvironments: this.targetsOf(app, options.all),
          previous: app.environments,
          signal,
        });
        finished = {
          entityRef: app.entityRef,
          runId,
          status: result.status,
          error: result.error,
          environments: result.environments,
          now: this.now(),
        };
      } catch (error) {
        if (lease.signal.aborted) {
          logger.warn(`${line} stopped, not recorded: ${errorMessage(error)}`);
          return;
        }
        // A stop, or an engine defect (it reports per environment): the
        // run must still end and be retried.
        const stopped = options.signal?.aborted === true;
        finished = this.failedRun(
          run,
          stopped
            ? `Provisioning ${TASK_TIME_RAN_OUT}; it runs again at its next attempt`
            : `Provisioning failed: ${errorMessage(error)}`,
        );
        if (stopped) {
          finished.nextAttemptAt = this.retryAt(app.attemptCount, finished.now);
        }
      }
      await this.finish(run, finished, line);
    } catch (error) {
      logger.error(
        `${line} failed unexpectedly; it stays in progress until its lease expires: ${errorMessage(
          error,
        )}`,
      );
    } finally {
      await lease.end();
    }
  }

  /**
   * Records a run's end; if that fails, records the run failed with why
   * (the previous per-environment detail kept), so it is retried.
   */
  private async finish(
    run: ClaimedApplication,
    finished: FinishRunOptions,
    line: string,
  ): Promise<void> {
    const { store, logger } = this.deps;
    let recorded = finished;
    recorded.nextAttemptAt ??= this.nextAttemptAt(
      run.application.attemptCount,
      recorded.now,
    );
    let applied: boolean;
    try {
      ({ applied } = await store.finishRun(recorded));
    } catch (error) {
      recorded = this.failedRun(
        run,
        `Provisioning failed: could not record the run's outcome (${
          finished.status
        }): ${errorMessage(error)}`,
      );
      ({ applied } = await store.finishRun(recorded));
    }
    if (!applied) {
      logger.warn(
        `${line}: ${recorded.status}, not recorded: the run lost its claim`,
      );
    } else if (recorded.status === 'completed') {
      logger.info(`${line}: ${recorded.status}`);
    } else {
      logger.warn(`${line}: ${recorded.status}: ${recorded.error ?? ''}`);
    }
    if (applied) {
      // The listeners run after this; the run's lease is not theirs to hold.
      this.deps.events?.emit({
        type: 'provisioning-run-ended',
        run: {
          entityRef: recorded.entityRef,
          application: run.application.application,
          status: recorded.status,
          error: recorded.error,
        },
      });
    }
  }

  private changed(
    entityRefs: string[],
    reason: Extract<
      Parameters<KafkaHubEvents['emit']>[0],
      { type: 'provisioning-changed' }
    >['reason'],
  ): void {
    if (entityRefs.length > 0) {
      this.deps.events?.emit({
        type: 'provisioning-changed',
        entityRefs,
        reason,
      });
    }
  }

  /** The end of a run that failed as a whole: the previous detail kept. */
  private failedRun(run: ClaimedApplication, error: string): FinishRunOptions {
    const now = this.now();
    return {
      entityRef: run.application.entityRef,
      runId: run.runId,
      status: 'failed',
      error,
      environments: run.application.environments,
      now,
      nextAttemptAt: this.nextAttemptAt(run.application.attemptCount, now),
    };
  }

  /** Exponential backoff; none after the last automatic attempt. */
  private nextAttemptAt(attempts: number, now: Date): Date | undefined {
    if (attempts >= this.deps.config.maxAttempts) {
      return undefined;
    }
    return this.retryAt(attempts, now);
  }

  /** When to try again after `attempts`, by exponential backoff. */
  private retryAt(attempts: number, now: Date): Date {
    const { initialBackoffMs, maxBackoffMs } = this.deps.config;
    const delay = Math.min(
      initialBackoffMs * 2 ** Math.max(0, attempts - 1),
      maxBackoffMs,
    );
    return new Date(now.getTime() + delay);
  }
}
/** One line for the admin page: what a reconcile recorded. */
function reconcileSummary(result: ReconcileResult): string {
  const parts = [
    `${result.created} new`,
    `${result.changed} changed`,
    `${result.unchanged} unchanged`,
    `${result.removed} removed`,
    `${result.restored} restored`,
    `${result.invalid} with malformed annotations`,
  ];
  if (result.failed > 0) {
    parts.push(`${result.failed} could not be recorded`);
  }
  return parts.join(', ');
}
