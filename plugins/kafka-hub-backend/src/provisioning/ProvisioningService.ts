import { LoggerService } from '@backstage/backend-plugin-api';
import { randomUUID } from 'crypto';
import {
  KafkaEntitiesReader,
  KafkaEntity,
} from '../catalog/KafkaEntitiesReader';
import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';
import { ProvisioningConfig } from '../config/types';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import {
  ClaimRunResult,
  DesiredState,
  ProvisioningApplication,
  ProvisioningTrigger,
} from '../database/provisioning/types';
import { errorMessage } from '../errors/errorMessage';
import { desiredStateHash } from './desiredStateHash';
import { ProvisioningEngine } from './ProvisioningEngine';

/** Annotations that decide what gets provisioned; a bad one blocks provisioning. */
const PROVISIONING_ANNOTATIONS = new Set<string>([
  'kafka-hub.io/application',
  'kafka-hub.io/environments',
  'kafka-hub.io/topics',
]);

/** Most due applications one tick of the provisioning task claims. */
const DUE_BATCH = 50;

export interface ReconcileResult {
  created: number;
  changed: number;
  unchanged: number;
  invalid: number;
  removed: number;
  /** Entities whose record failed; the others went on. */
  failed: number;
}

export type RetryOutcome =
  | { started: true; runId: string; environments: string[] }
  | Extract<ClaimRunResult, { claimed: false }>;

export interface RetryAllResult {
  total: number;
  started: number;
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
  >;
  logger: LoggerService;
  now?: () => Date;
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
   * desired state; removes the applications the catalog no longer has. A
   * failing catalog read throws before anything is removed.
   */
  async reconcile(): Promise<ReconcileResult> {
    const { store, logger } = this.deps;
    const entities = (await this.deps.entities.list()).filter(
      entity => entity.rawApplication !== undefined,
    );
    const result: ReconcileResult = {
      created: 0,
      changed: 0,
      unchanged: 0,
      invalid: 0,
      removed: 0,
      failed: 0,
    };
    for (const entity of entities) {
      try {
        const errors = entity.errors.filter(e =>
          PROVISIONING_ANNOTATIONS.has(e.annotation),
        );
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
      } catch (error) {
        result.failed++;
        logger.error(
          `Could not record the Kafka application of ${
            entity.entityRef
          }: ${errorMessage(error)}`,
        );
      }
    }
    result.removed = await store.removeMissing(entities.map(e => e.entityRef));
    return result;
  }

  /**
   * Recovers runs whose process died, then claims and runs the due
   * applications, a few at a time.
   */
  async provisionDue(): Promise<number> {
    const { store, config } = this.deps;
    const now = this.now();
    const recovered = await store.recoverExpired({ now, nextAttemptAt: now });
    if (recovered.length > 0) {
      this.deps.logger.warn(
        `Recovered ${
          recovered.length
        } interrupted provisioning run(s): ${recovered.join(', ')}`,
      );
    }
    const claimed = await store.claimDue({
      now,
      limit: DUE_BATCH,
      leaseMs: config.leaseTimeoutMs,
      runIdFactory: randomUUID,
    });
    await mapWithConcurrency(claimed, config.concurrency, c =>
      this.execute(c.runId, c.trigger, c.application, false),
    );
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
    this.background(
      this.execute(outcome.runId, 'retry', outcome.application, options.all),
    );
    return { started: true, runId: outcome.runId, environments };
  }

  /**
   * Claims a run of every failed or partial application with valid
   * annotations, then works through them `concurrency` at a time in the
   * background.
   */
  async retryAllFailed(requestedBy?: string): Promise<RetryAllResult> {
    const { store, config } = this.deps;
    const failing = (
      await store.list({ statuses: ['failed', 'partial'] })
    ).filter(app => !app.annotationErrors);
    const claimed: Array<{ runId: string; app: ProvisioningApplication }> = [];
    for (const app of failing) {
      const outcome = await this.claim(app, 'retry-all', { requestedBy });
      if (outcome.claimed) {
        claimed.push({ runId: outcome.runId, app: outcome.application });
      }
    }
    this.background(
      mapWithConcurrency(claimed, config.concurrency, async c => {
        // Its lease started at the claim; it starts counting now.
        const ours = await store.renewLease({
          entityRef: c.app.entityRef,
          runId: c.runId,
          now: this.now(),
          leaseMs: config.leaseTimeoutMs,
        });
        if (ours) {
          await this.execute(c.runId, 'retry-all', c.app, false);
        }
      }).then(() => undefined),
    );
    return {
      total: failing.length,
      started: claimed.length,
      skipped: failing.length - claimed.length,
    };
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

  /** Runs a claimed application and records the outcome. */
  private async execute(
    runId: string,
    trigger: ProvisioningTrigger,
    app: ProvisioningApplication,
    all: boolean | undefined,
  ): Promise<void> {
    const { store, engine, logger } = this.deps;
    const targets = this.targetsOf(app, all);
    let finished: Parameters<ProvisioningStore['finishRun']>[0];
    try {
      const result = await engine.provision({
        application: app.application,
        desiredState: app.desiredState,
        targetEnvironments: targets,
        previous: app.environments,
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
      // The engine reports per environment; reaching here is a defect, but
      // the run must still end and be retried.
      finished = {
        entityRef: app.entityRef,
        runId,
        status: 'failed',
        error: `Provisioning failed: ${errorMessage(error)}`,
        environments: app.environments,
        now: this.now(),
      };
    }
    finished.nextAttemptAt = this.nextAttemptAt(app.attemptCount, finished.now);
    const { applied } = await store.finishRun(finished);
    const line = `Provisioning run ${runId} (${trigger}) of ${app.entityRef}: ${finished.status}`;
    if (!applied) {
      logger.warn(`${line}, not recorded: the run lost its claim`);
    } else if (finished.status === 'completed') {
      logger.info(line);
    } else {
      logger.warn(`${line}: ${finished.error ?? ''}`);
    }
  }

  /** Exponential backoff; none after the last automatic attempt. */
  private nextAttemptAt(attempts: number, now: Date): Date | undefined {
    const { maxAttempts, initialBackoffMs, maxBackoffMs } = this.deps.config;
    if (attempts >= maxAttempts) {
      return undefined;
    }
    const delay = Math.min(
      initialBackoffMs * 2 ** Math.max(0, attempts - 1),
      maxBackoffMs,
    );
    return new Date(now.getTime() + delay);
  }
}
