import { createHash, randomUUID } from 'crypto';
import { Knex } from 'knex';
import {
  AnnotationError,
  formatAnnotationError,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import {
  ClaimDueOptions,
  ClaimedApplication,
  ClaimRetryableOptions,
  ClaimRetryableResult,
  ClaimRunOptions,
  ClaimRunResult,
  DesiredState,
  EnvironmentDetails,
  FinishRunOptions,
  FinishRunResult,
  ListApplicationsFilter,
  MissingApplications,
  ProvisioningApplication,
  ProvisioningRun,
  ProvisioningRunResult,
  ProvisioningStatus,
  ProvisioningTrigger,
  RecordInvalidOptions,
  RecoverExpiredOptions,
  RemovedNote,
  UpsertDesiredOptions,
  UpsertDesiredResult,
} from './types';
import { readOptionalTimestamp, StoredTimestamp } from '../timestamps';
import { chunks } from '../chunks';
import { whereEntityRefIn } from '../entityRefFilter';

const APPLICATIONS = 'kafka_hub_applications';
const RUNS = 'kafka_hub_provisioning_runs';

/** Statuses the provisioning task picks up when their next attempt is due. */
const DUE_STATUSES: ProvisioningStatus[] = ['pending', 'failed', 'partial'];

/** Statuses retry-all starts again. */
const RETRYABLE_STATUSES: ProvisioningStatus[] = ['failed', 'partial'];

/**
 * Run ids set by one statement of retry-all: three bound values each, under
 * the 999 of old SQLite builds.
 */
const RUN_IDS_PER_STATEMENT = 250;

/** Who `claimDue` records as the requester unless told otherwise. */
const PROVISIONING_TASK_REQUESTER = 'kafka-hub:provisioning-task';

type Timestamp = StoredTimestamp;

interface ApplicationRow {
  entity_ref: string;
  application: string;
  owner_ref: string | null;
  status: ProvisioningStatus;
  error: string | null;
  environments: string;
  desired_state_hash: string;
  desired_state: string;
  current_run_id: string | null;
  attempt_count: number | string;
  last_attempt_at: Timestamp | null;
  next_attempt_at: Timestamp | null;
  lease_expires_at: Timestamp | null;
  annotation_errors: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  removed_at: Timestamp | null;
  removed_note: string | null;
}

interface RunRow {
  run_id: string;
  entity_ref: string;
  trigger: ProvisioningTrigger;
  requested_by: string | null;
  environments: string;
  desired_state_hash: string | null;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  result: ProvisioningRunResult | null;
  error: string | null;
  detail: string | null;
}

/**
 * Provisioning state of Kafka applications and the history of their runs.
 *
 * A run is claimed with one conditional UPDATE on the application row
 * (`status <> 'in_progress'`, or an in-progress run whose lease expired),
 * so two replicas, or a click and the schedule, never run the same
 * application at once: whoever's update affects the row owns the run.
 */
export class ProvisioningStore {
  constructor(private readonly db: Knex) {}

  /**
   * Records what an application should look like. A new application starts
   * `pending` and due now; a changed desired state makes it `pending` and due
   * now again with a fresh attempt count, except while a run is in progress:
   * then only the new desired state is stored, and finishing the run notices
   * the hash changed. A removed application whose entity is back is
   * `restored`: due again as it was before, or now if its state changed.
   */
  async upsertDesired(
    options: UpsertDesiredOptions,
  ): Promise<UpsertDesiredResult> {
    return this.restoring(options, () => this.recordDesired(options));
  }

  private async recordDesired(
    options: UpsertDesiredOptions,
  ): Promise<UpsertDesiredResult> {
    const { entityRef, application, desiredState, desiredStateHash, now } =
      options;
    const ownerRef = options.ownerRef ?? null;
    const inProgress = "status = 'in_progress'";

    // One statement, so it cannot interleave with a claim: SET expressions
    // read the row as it is when the UPDATE locks it.
    const changed: Array<{ status: ProvisioningStatus }> = await this.db(
      APPLICATIONS,
    )
      .where({ entity_ref: entityRef })
      .whereNot({ desired_state_hash: desiredStateHash })
      .update(
        {
          application,
          owner_ref: ownerRef,
          desired_state: JSON.stringify(desiredState),
          desired_state_hash: desiredStateHash,
          annotation_errors: null,
          updated_at: now,
          status: this.db.raw(
            `CASE WHEN ${inProgress} THEN status ELSE 'pending' END`,
          ),
          attempt_count: this.db.raw(
            `CASE WHEN ${inProgress} THEN attempt_count ELSE 0 END`,
          ),
          next_attempt_at: this.db.raw(
            `CASE WHEN ${inProgress} THEN next_attempt_at ELSE ? END`,
            [now],
          ),
        },
        ['status'],
      );
    if (changed.length > 0) {
      return {
        outcome: 'changed',
        deferred: changed[0].status === 'in_progress',
      };
    }

    return this.insertOrTouch({
      entityRef,
      application,
      ownerRef,
      now,
      fields: {
        status: 'pending',
        error: null,
        desired_state_hash: desiredStateHash,
        desired_state: JSON.stringify(desiredState),
        next_attempt_at: now,
        annotation_errors: null,
      },
    });
  }

  /**
   * Records an application whose annotations are malformed: `failed` with an
   * error naming each bad annotation, and never due, so nothing provisions
   * it until the annotations change. A run in progress finishes first (see
   * finishRun). A removed application whose entity is back is `restored`.
   */
  async recordInvalid(
    options: RecordInvalidOptions,
  ): Promise<UpsertDesiredResult> {
    return this.restoring(options, () => this.recordInvalidState(options));
  }

  private async recordInvalidState(
    options: RecordInvalidOptions,
  ): Promise<UpsertDesiredResult> {
    const { entityRef, application, errors, now } = options;
    const ownerRef = options.ownerRef ?? null;
    const hash = invalidStateHash(errors);
    const error = annotationErrorMessage(errors);
    const inProgress = "status = 'in_progress'";
    const keepWhileRunning = (column: string, value: string | number) =>
      this.db.raw(`CASE WHEN ${inProgress} THEN ${column} ELSE ? END`, [value]);
    const empty = JSON.stringify({ environments: [], topics: [] });

    const changed: Array<{ status: ProvisioningStatus }> = await this.db(
      APPLICATIONS,
    )
      .where({ entity_ref: entityRef })
      .whereNot({ desired_state_hash: hash })
      .update(
        {
          application,
          owner_ref: ownerRef,
          desired_state: empty,
          desired_state_hash: hash,
          annotation_errors: JSON.stringify(errors),
          updated_at: now,
          status: keepWhileRunning('status', 'failed'),
          error: keepWhileRunning('error', error),
          attempt_count: keepWhileRunning('attempt_count', 0),
          next_attempt_at: this.db.raw(
            `CASE WHEN ${inProgress} THEN next_attempt_at ELSE NULL END`,
          ),
        },
        ['status'],
      );
    if (changed.length > 0) {
      return {
        outcome: 'changed',
        deferred: changed[0].status === 'in_progress',
      };
    }
    return this.insertOrTouch({
      entityRef,
      application,
      ownerRef,
      now,
      fields: {
        status: 'failed',
        error,
        desired_state_hash: hash,
        desired_state: empty,
        next_attempt_at: null,
        annotation_errors: JSON.stringify(errors),
      },
    });
  }

  /**
   * Inserts a new application; when the entity already has one with the
   * same desired state, only its slug and owner are brought up to date.
   */
  private async insertOrTouch(options: {
    entityRef: string;
    application: string;
    ownerRef: string | null;
    now: Date;
    fields: Pick<
      ApplicationRow,
      | 'status'
      | 'error'
      | 'desired_state_hash'
      | 'desired_state'
      | 'annotation_errors'
    > & { next_attempt_at: Date | null };
  }): Promise<UpsertDesiredResult> {
    const { entityRef, application, ownerRef, now, fields } = options;
    const inserted = await this.db(APPLICATIONS)
      .insert({
        entity_ref: entityRef,
        application,
        owner_ref: ownerRef,
        environments: JSON.stringify({}),
        current_run_id: null,
        attempt_count: 0,
        last_attempt_at: null,
        lease_expires_at: null,
        created_at: now,
        updated_at: now,
        ...fields,
      })
      .onConflict('entity_ref')
      .ignore()
      .returning('entity_ref');
    if (inserted.length > 0) {
      return { outcome: 'created', deferred: false };
    }
    await this.db(APPLICATIONS)
      .where({ entity_ref: entityRef })
      .andWhere(q =>
        q
          .whereNot({ application })
          .orWhereRaw('owner_ref IS DISTINCT FROM ?', [ownerRef]),
      )
      .update({ application, owner_ref: ownerRef, updated_at: now });
    return { outcome: 'unchanged', deferred: false };
  }

  /**
   * Un-marks a removed application, then records its entity as usual. Two
   * statements, each leaving a valid row: un-marked, the application is as
   * it was before its removal.
   */
  private async restoring(
    options: { entityRef: string; now: Date },
    record: () => Promise<UpsertDesiredResult>,
  ): Promise<UpsertDesiredResult> {
    const restored: number = await this.db(APPLICATIONS)
      .where({ entity_ref: options.entityRef })
      .whereNotNull('removed_at')
      .update({
        removed_at: null,
        removed_note: null,
        updated_at: options.now,
      });
    const result = await record();
    return restored > 0 ? { ...result, outcome: 'restored' } : result;
  }

  /**
   * The applications not removed yet whose entities are not in `entityRefs`
   * (the annotated entities the catalog still has), and how many applications
   * are not removed: what a removal would take, and out of how many.
   */
  async findMissing(entityRefs: string[]): Promise<MissingApplications> {
    const keep = new Set(entityRefs);
    const current: Array<{ entity_ref: string }> = await this.db(APPLICATIONS)
      .whereNull('removed_at')
      .select('entity_ref');
    return {
      missing: current.map(r => r.entity_ref).filter(ref => !keep.has(ref)),
      total: current.length,
    };
  }

  /**
   * Marks applications removed: never provisioned or listed by default
   * again, but kept with their run history and a note of what was
   * provisioned, and restored if their entity comes back. A run in progress
   * finishes and is recorded. Returns how many were marked.
   */
  async markRemoved(entityRefs: string[], now: Date): Promise<number> {
    let marked = 0;
    for (const chunk of chunks(entityRefs)) {
      const rows: Array<
        Pick<
          ApplicationRow,
          'entity_ref' | 'application' | 'desired_state' | 'environments'
        >
      > = await this.db(APPLICATIONS)
        .whereIn('entity_ref', chunk)
        .whereNull('removed_at')
        .select(['entity_ref', 'application', 'desired_state', 'environments']);
      // One statement per row, each on its own: holding many row locks at
      // once could deadlock with a retry-all claiming the same rows.
      for (const row of rows) {
        marked += await this.db(APPLICATIONS)
          .where({ entity_ref: row.entity_ref })
          .whereNull('removed_at')
          .update({
            removed_at: now,
            removed_note: JSON.stringify(removedNote(row)),
            updated_at: now,
          });
      }
    }
    return marked;
  }

  /**
   * Claims a run of one application: succeeds for exactly one caller while
   * the application is not in progress (or its run's lease expired).
   */
  async claimRun(options: ClaimRunOptions): Promise<ClaimRunResult> {
    const claimed = await this.tryClaim(options, q => q);
    if (claimed) {
      return { claimed: true, runId: options.runId, application: claimed };
    }
    const row: Pick<
      ApplicationRow,
      'current_run_id' | 'annotation_errors' | 'removed_at'
    > = await this.db(APPLICATIONS)
      .where({ entity_ref: options.entityRef })
      .first(['current_run_id', 'annotation_errors', 'removed_at']);
    if (!row) {
      return { claimed: false, reason: 'not-found' };
    }
    if (row.removed_at !== null) {
      return {
        claimed: false,
        reason: 'removed',
        removedAt: toIso(row.removed_at)!,
      };
    }
    if (row.annotation_errors !== null) {
      return {
        claimed: false,
        reason: 'invalid-annotations',
        annotationErrors:
          parseJson<AnnotationError[]>(row.annotation_errors) ?? [],
      };
    }
    return {
      claimed: false,
      reason: 'in-progress',
      currentRunId: row.current_run_id ?? undefined,
    };
  }

  /**
   * Claims up to `limit` applications whose next automatic attempt is due
   * (pending, failed or partial with `next_attempt_at <= now`), oldest due
   * first. Each claim is the same conditional update as `claimRun`, so
   * concurrent callers never claim the same application.
   */
  async claimDue(options: ClaimDueOptions): Promise<ClaimedApplication[]> {
    const { now, limit, leaseMs, runIdFactory } = options;
    const requestedBy = options.requestedBy ?? PROVISIONING_TASK_REQUESTER;
    const result: ClaimedApplication[] = [];
    const tried = new Set<string>();

    // Applications lost to another caller are in progress afterwards, so a
    // fresh query skips them; the round limit only guards against a row
    // that keeps becoming due again while we look.
    const stopped = () => options.signal?.aborted === true;
    for (
      let round = 0;
      round < 10 && result.length < limit && !stopped();
      round++
    ) {
      const candidates: ApplicationRow[] = await this.db(APPLICATIONS)
        .whereIn('status', DUE_STATUSES)
        .where('next_attempt_at', '<=', now)
        .whereNull('removed_at')
        .orderBy([
          { column: 'next_attempt_at', order: 'asc' },
          { column: 'entity_ref', order: 'asc' },
        ])
        .limit(limit - result.length + tried.size);
      const fresh = candidates.filter(row => !tried.has(row.entity_ref));
      if (fresh.length === 0) {
        break;
      }
      for (const row of fresh) {
        if (result.length >= limit || stopped()) {
          break;
        }
        tried.add(row.entity_ref);
        const app = toApplication(row);
        const trigger: ProvisioningTrigger =
          app.status === 'pending' && app.lastAttemptAt
            ? 'desired-state-changed'
            : 'schedule';
        const runId = runIdFactory();
        const claimed = await this.tryClaim(
          {
            entityRef: app.entityRef,
            runId,
            trigger,
            requestedBy,
            environments: app.desiredState.environments,
            now,
            leaseMs,
          },
          q =>
            q
              .whereIn('status', DUE_STATUSES)
              .where('next_attempt_at', '<=', now),
        );
        if (claimed) {
          result.push({ runId, trigger, application: claimed });
        }
      }
    }
    return result;
  }

  /**
   * Claims a run of every failed or partial application with valid
   * annotations (retry-all) in one UPDATE, which marks the rows with this
   * call's batch id; then, in the same transaction, gives each its own run
   * (a few statements per 250 rows, not one per row).
   * Concurrent calls (or replicas) never claim the same application: the
   * UPDATE takes each row only while it is not in progress. A failing
   * application already mid-run (its in-progress row still carries the
   * previous run's error) is counted in `alreadyInProgress`.
   */
  async claimRetryable(
    options: ClaimRetryableOptions,
  ): Promise<ClaimRetryableResult> {
    const { now, leaseMs, trigger, runIdFactory, environmentsOf } = options;
    const batch = `batch:${randomUUID()}`;
    return this.db.transaction(async tx => {
      const retryable = () =>
        tx(APPLICATIONS)
          .whereIn('status', RETRYABLE_STATUSES)
          .whereNull('annotation_errors')
          .whereNull('removed_at');
      const [{ n }] = await retryable().count({ n: '*' });
      const taken: number = await retryable().update({
        status: 'in_progress',
        current_run_id: batch,
        attempt_count: tx.raw('attempt_count + 1'),
        last_attempt_at: now,
        lease_expires_at: new Date(now.getTime() + leaseMs),
        updated_at: now,
      });
      // Failing applications a single retry, the backoff schedule or
      // another retry-all took first (this one's rows carry its batch id):
      // counted after the UPDATE, so a row is either taken or counted here.
      const [{ busy }] = await tx(APPLICATIONS)
        .where({ status: 'in_progress' })
        .whereNotNull('error')
        .whereNull('annotation_errors')
        .whereNull('removed_at')
        .where(q =>
          q.whereNull('current_run_id').orWhereNot({ current_run_id: batch }),
        )
        .count({ busy: '*' });
      const alreadyInProgress = Number(busy);
      if (taken === 0) {
        return { found: Number(n), alreadyInProgress, claimed: [] };
      }
      const rows: ApplicationRow[] = await tx(APPLICATIONS)
        .where({ current_run_id: batch })
        .orderBy('entity_ref');
      const claimed: ClaimedApplication[] = rows.map(row => {
        const runId = runIdFactory();
        return {
          runId,
          trigger,
          application: toApplication({ ...row, current_run_id: runId }),
        };
      });
      // A statement per chunk, not per row: each row's run id by its key.
      for (const chunk of chunks(claimed, RUN_IDS_PER_STATEMENT)) {
        const refs = chunk.map(c => c.application.entityRef);
        await tx(APPLICATIONS)
          .where({ current_run_id: batch })
          .whereIn('entity_ref', refs)
          .update({
            current_run_id: tx.raw(
              `CASE entity_ref ${chunk
                .map(() => 'WHEN ? THEN ?')
                .join(' ')} END`,
              chunk.flatMap(c => [c.application.entityRef, c.runId]),
            ),
          });
      }
      for (const chunk of chunks(claimed)) {
        await tx(RUNS).insert(
          chunk.map(({ runId, application }) => ({
            run_id: runId,
            entity_ref: application.entityRef,
            trigger,
            requested_by: options.requestedBy ?? null,
            environments: JSON.stringify(environmentsOf(application)),
            desired_state_hash: application.desiredStateHash,
            started_at: now,
            finished_at: null,
            result: null,
            error: null,
            detail: null,
          })),
        );
      }
      return { found: Number(n), alreadyInProgress, claimed };
    });
  }

  /**
   * Records the end of a run, only while the run still holds the claim: a
   * run whose lease expired and was recovered must not overwrite the state
   * of a newer one.
   */
  async finishRun(options: FinishRunOptions): Promise<FinishRunResult> {
    const { entityRef, runId, status, now } = options;
    const error = options.error ?? null;
    const environments = JSON.stringify(options.environments);
    const nextAttemptAt =
      status === 'completed' ? null : options.nextAttemptAt ?? null;

    return this.db.transaction(async tx => {
      const run: Pick<RunRow, 'desired_state_hash'> | undefined = await tx(RUNS)
        .where({ run_id: runId, entity_ref: entityRef })
        .first(['desired_state_hash']);
      const runHash = run?.desired_state_hash ?? null;

      const ours = () =>
        tx(APPLICATIONS).where({
          entity_ref: entityRef,
          current_run_id: runId,
          status: 'in_progress',
        });
      const settled = {
        error,
        environments,
        current_run_id: null,
        lease_expires_at: null,
        updated_at: now,
      };
      // Settle on the run's result if the desired state is still the one
      // the run provisioned ...
      let desiredStateChanged = false;
      let updated: number = await ours()
        .where(q =>
          runHash === null ? q : q.where({ desired_state_hash: runHash }),
        )
        .update({ ...settled, status, next_attempt_at: nextAttemptAt });
      if (updated === 0 && runHash !== null) {
        // ... else it changed during the run: provision again at once, or,
        // if the annotations became malformed meanwhile, wait for a fix.
        const current: Pick<ApplicationRow, 'annotation_errors'> | undefined =
          await tx(APPLICATIONS)
            .where({ entity_ref: entityRef })
            .first(['annotation_errors']);
        const annotationErrors = parseJson<AnnotationError[]>(
          current?.annotation_errors ?? null,
        );
        updated = await ours().update(
          annotationErrors
            ? {
                ...settled,
                status: 'failed',
                error: annotationErrorMessage(annotationErrors),
                attempt_count: 0,
                next_attempt_at: null,
              }
            : {
                ...settled,
                status: 'pending',
                attempt_count: 0,
                next_attempt_at: now,
              },
        );
        desiredStateChanged = updated === 1;
      }
      if (updated !== 1) {
        return { applied: false, desiredStateChanged: false };
      }
      await tx(RUNS).where({ run_id: runId }).update({
        finished_at: now,
        result: status,
        error,
        detail: environments,
      });
      return { applied: true, desiredStateChanged };
    });
  }

  /**
   * Extends the lease of a run that still holds the claim, when its work
   * actually starts (retry-all claims many runs at once and works through
   * them a few at a time). False when the run no longer holds the claim.
   */
  async renewLease(options: {
    entityRef: string;
    runId: string;
    now: Date;
    leaseMs: number;
  }): Promise<boolean> {
    const { entityRef, runId, now, leaseMs } = options;
    const updated: number = await this.db(APPLICATIONS)
      .where({
        entity_ref: entityRef,
        current_run_id: runId,
        status: 'in_progress',
      })
      .where('lease_expires_at', '>=', now)
      .update({
        lease_expires_at: new Date(now.getTime() + leaseMs),
        updated_at: now,
      });
    return updated === 1;
  }

  /**
   * Fails the in-progress runs whose lease expired (their process died):
   * the application becomes `failed` with an "interrupted" error and is due
   * again at `nextAttemptAt`; the run is recorded as `interrupted`.
   */
  async recoverExpired(options: RecoverExpiredOptions): Promise<string[]> {
    const { now } = options;
    const nextAttemptAt = options.nextAttemptAt ?? now;
    const expired: Array<
      Pick<ApplicationRow, 'entity_ref' | 'current_run_id'>
    > = await this.db(APPLICATIONS)
      .where({ status: 'in_progress' })
      .where('lease_expires_at', '<', now)
      .select(['entity_ref', 'current_run_id']);

    const recovered: string[] = [];
    for (const row of expired) {
      const runId = row.current_run_id;
      const error = interruptedError(runId);
      const done = await this.db.transaction(async tx => {
        const updated: number = await tx(APPLICATIONS)
          .where({ entity_ref: row.entity_ref, status: 'in_progress' })
          .where('lease_expires_at', '<', now)
          .where(q =>
            runId === null
              ? q.whereNull('current_run_id')
              : q.where({ current_run_id: runId }),
          )
          .update({
            status: 'failed',
            error,
            current_run_id: null,
            lease_expires_at: null,
            next_attempt_at: nextAttemptAt,
            updated_at: now,
          });
        if (updated !== 1) {
          return false;
        }
        await interruptUnfinishedRuns(tx, row.entity_ref, now);
        return true;
      });
      if (done) {
        recovered.push(row.entity_ref);
      }
    }
    return recovered;
  }

  async get(entityRef: string): Promise<ProvisioningApplication | undefined> {
    const row: ApplicationRow | undefined = await this.db(APPLICATIONS)
      .where({ entity_ref: entityRef })
      .first();
    return row ? toApplication(row) : undefined;
  }

  /**
   * Applications matching every given filter, ordered by entity ref (in
   * code-point order on both databases), optionally one page of them.
   */
  async list(
    filter: ListApplicationsFilter = {},
    page?: { limit: number; offset: number },
  ): Promise<ProvisioningApplication[]> {
    if (matchesNothing(filter)) return [];
    const pg = this.db.client.config.client === 'pg';
    const query = this.filteredApplications(filter).orderByRaw(
      pg ? 'entity_ref COLLATE "C"' : 'entity_ref',
    );
    if (page) query.limit(page.limit).offset(page.offset);
    const rows: ApplicationRow[] = await query;
    return rows.map(toApplication);
  }

  /** Entity refs of the applications (not removed) of one owner. */
  async ownedEntityRefs(ownerRef: string): Promise<string[]> {
    const rows: Array<{ entity_ref: string }> = await this.db(APPLICATIONS)
      .where({ owner_ref: ownerRef })
      .whereNull('removed_at')
      .select('entity_ref');
    return rows.map(r => r.entity_ref);
  }

  /**
   * The owner of each of `entityRefs` that is a recorded application (not
   * removed), in chunked queries.
   */
  async ownersOf(entityRefs: readonly string[]): Promise<Map<string, string>> {
    const owners = new Map<string, string>();
    for (const chunk of chunks([...new Set(entityRefs)])) {
      const rows: Array<{ entity_ref: string; owner_ref: string }> =
        await this.db(APPLICATIONS)
          .whereIn('entity_ref', chunk)
          .whereNull('removed_at')
          .whereNotNull('owner_ref')
          .select('entity_ref', 'owner_ref');
      for (const row of rows) owners.set(row.entity_ref, row.owner_ref);
    }
    return owners;
  }

  /** How many applications `list` would return without a page. */
  async count(filter: ListApplicationsFilter = {}): Promise<number> {
    if (matchesNothing(filter)) return 0;
    const [{ n }] = await this.filteredApplications(filter).count({ n: '*' });
    return Number(n);
  }

  private filteredApplications(filter: ListApplicationsFilter) {
    const { entityRefs, owners, statuses, includeRemoved } = filter;
    const q = this.db<ApplicationRow>(APPLICATIONS);
    // One statement however many refs a caller may read.
    if (entityRefs) whereEntityRefIn(q, 'entity_ref', entityRefs);
    if (owners) q.whereIn('owner_ref', owners);
    if (statuses) q.whereIn('status', statuses);
    if (!includeRemoved) q.whereNull('removed_at');
    return q;
  }

  /** The application's runs, newest first. */
  async listRuns(entityRef: string, limit = 20): Promise<ProvisioningRun[]> {
    const rows: RunRow[] = await this.db(RUNS)
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'run_id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(toRun);
  }

  async getRun(runId: string): Promise<ProvisioningRun | undefined> {
    const row: RunRow | undefined = await this.db(RUNS)
      .where({ run_id: runId })
      .first();
    return row ? toRun(row) : undefined;
  }

  /**
   * The claim itself: one conditional UPDATE of the application row and,
   * if it took, the run row, in one transaction. `extra` narrows the
   * condition further (claimDue only takes due applications). Returns the
   * application just after the claim (in progress; still with the previous
   * run's error and per-environment detail), or undefined if lost.
   */
  private async tryClaim(
    options: ClaimRunOptions,
    extra: (q: Knex.QueryBuilder) => Knex.QueryBuilder,
  ): Promise<ProvisioningApplication | undefined> {
    const { entityRef, runId, trigger, environments, now, leaseMs } = options;
    return this.db.transaction(async tx => {
      const updated: number = await extra(
        tx(APPLICATIONS)
          .where({ entity_ref: entityRef })
          .whereNull('annotation_errors')
          .whereNull('removed_at')
          .where(q =>
            q
              .whereNot({ status: 'in_progress' })
              .orWhere('lease_expires_at', '<', now),
          ),
      ).update({
        status: 'in_progress',
        current_run_id: runId,
        attempt_count: tx.raw('attempt_count + 1'),
        last_attempt_at: now,
        lease_expires_at: new Date(now.getTime() + leaseMs),
        updated_at: now,
      });
      if (updated !== 1) {
        return undefined;
      }
      // The row is ours now. A run we took over after its lease expired
      // was never finished: record it as interrupted.
      await interruptUnfinishedRuns(tx, entityRef, now);
      const row: ApplicationRow = await tx(APPLICATIONS)
        .where({ entity_ref: entityRef })
        .first();
      await tx(RUNS).insert({
        run_id: runId,
        entity_ref: entityRef,
        trigger,
        requested_by: options.requestedBy ?? null,
        environments: JSON.stringify(environments),
        desired_state_hash: row.desired_state_hash,
        started_at: now,
        finished_at: null,
        result: null,
        error: null,
        detail: null,
      });
      return toApplication(row);
    });
  }
}

/**
 * Records every unfinished run of an application as interrupted: called once
 * the application row no longer points at a live run.
 */
async function interruptUnfinishedRuns(
  tx: Knex.Transaction,
  entityRef: string,
  now: Date,
): Promise<void> {
  const unfinished: Array<{ run_id: string }> = await tx(RUNS)
    .where({ entity_ref: entityRef })
    .whereNull('finished_at')
    .select('run_id');
  for (const { run_id } of unfinished) {
    await tx(RUNS)
      .where({ run_id })
      .update({
        finished_at: now,
        result: 'interrupted',
        error: interruptedError(run_id),
      });
  }
}

/** The error of an application whose annotations are malformed. */
function annotationErrorMessage(errors: AnnotationError[]): string {
  return `Not provisioned until the annotations are fixed: ${errors
    .map(formatAnnotationError)
    .join('; ')}`;
}

/** A hash no valid desired state has, distinct per set of errors. */
function invalidStateHash(errors: AnnotationError[]): string {
  return `invalid:${createHash('sha256')
    .update(JSON.stringify(errors))
    .digest('hex')}`;
}

/** The error of an application whose run's process died. */
export function interruptedError(runId: string | null): string {
  return `Provisioning run ${
    runId ?? '(unknown)'
  } was interrupted (its process stopped before finishing)`;
}

function toApplication(row: ApplicationRow): ProvisioningApplication {
  return {
    entityRef: row.entity_ref,
    application: row.application,
    ownerRef: row.owner_ref ?? undefined,
    status: row.status,
    error: row.error ?? undefined,
    environments: parseJson<EnvironmentDetails>(row.environments) ?? {},
    desiredState: parseJson<DesiredState>(row.desired_state) ?? {
      environments: [],
      topics: [],
    },
    desiredStateHash: row.desired_state_hash,
    currentRunId: row.current_run_id ?? undefined,
    annotationErrors: parseJson<AnnotationError[]>(row.annotation_errors),
    attemptCount: Number(row.attempt_count),
    lastAttemptAt: toIso(row.last_attempt_at),
    nextAttemptAt: toIso(row.next_attempt_at),
    leaseExpiresAt: toIso(row.lease_expires_at),
    createdAt: toIso(row.created_at)!,
    updatedAt: toIso(row.updated_at)!,
    removedAt: toIso(row.removed_at),
    removedNote: parseJson<RemovedNote>(row.removed_note),
  };
}

/** What a removed application had provisioned, from its row. */
function removedNote(
  row: Pick<ApplicationRow, 'application' | 'desired_state' | 'environments'>,
): RemovedNote {
  const environments = parseJson<EnvironmentDetails>(row.environments) ?? {};
  return {
    application: row.application,
    environments: Object.keys(environments)
      .filter(name => environments[name].status === 'success')
      .sort(),
    topics: parseJson<DesiredState>(row.desired_state)?.topics ?? [],
  };
}

function toRun(row: RunRow): ProvisioningRun {
  return {
    runId: row.run_id,
    entityRef: row.entity_ref,
    trigger: row.trigger,
    requestedBy: row.requested_by ?? undefined,
    environments: parseJson<string[]>(row.environments) ?? [],
    desiredStateHash: row.desired_state_hash ?? undefined,
    startedAt: toIso(row.started_at)!,
    finishedAt: toIso(row.finished_at),
    result: row.result ?? undefined,
    error: row.error ?? undefined,
    detail: parseJson<EnvironmentDetails>(row.detail),
  };
}

function parseJson<T>(text: string | null): T | undefined {
  return text === null || text === undefined
    ? undefined
    : (JSON.parse(text) as T);
}

function toIso(value: StoredTimestamp | null): string | undefined {
  return readOptionalTimestamp(value)?.toISOString();
}

function matchesNothing(filter: ListApplicationsFilter): boolean {
  return (
    filter.entityRefs?.length === 0 ||
    filter.owners?.length === 0 ||
    filter.statuses?.length === 0
  );
}
