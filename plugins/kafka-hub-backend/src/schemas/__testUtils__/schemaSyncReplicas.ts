import { JsonObject } from '@backstage/types';
import knexFactory, { Knex } from 'knex';
import {
  BackendReplica,
  kafkaHubLogLines,
} from '../../testUtils/backendReplicas';

/**
 * What the schema chaos tests share: the replicas' config around the dev
 * environment's registry, the runs each replica logged, and reads of the
 * replicas' database.
 */

/** Never during a test: tasks these scenarios do not look at. */
const IDLE = {
  frequency: { hours: 1 },
  timeout: { minutes: 1 },
  initialDelay: { hours: 1 },
};

/**
 * Config of every replica: dev's registry at `registryUrl` (the fault
 * proxy), schema syncs every `frequencySeconds` with a `timeoutSeconds`
 * timeout and no retries (a fault shows in one run), each run's start and
 * end logged (debug lines of the schema-sync task), and the consumer-group
 * and provisioning tasks idle to keep the two cores for the syncs.
 */
export function schemaChaosConfig(options: {
  registryUrl: string;
  registryTimeoutMs: number;
  frequencySeconds: number;
  timeoutSeconds: number;
}): JsonObject {
  return {
    backend: {
      logger: {
        overrides: [
          {
            matchers: { plugin: 'kafka-hub', task: 'schema-sync' },
            level: 'debug',
          },
        ],
      },
    },
    kafkaHub: {
      environments: {
        dev: {
          schemaRegistry: {
            url: options.registryUrl,
            timeoutMs: options.registryTimeoutMs,
          },
        },
      },
      schemas: {
        // Config merges: every unit of app-config.yaml's schedule is set.
        schedule: {
          frequency: { seconds: options.frequencySeconds },
          timeout: { minutes: 0, seconds: options.timeoutSeconds },
        },
        retries: 0,
      },
      provisioning: { schedule: IDLE, reconcileSchedule: IDLE },
      consumerGroups: {
        syncSchedule: IDLE,
        lagSchedule: IDLE,
        retentionSchedule: IDLE,
      },
    },
  };
}

/** One run of an environment's schema sync, as a replica logged it. */
export interface LoggedSyncRun {
  replica: number;
  environment: string;
  /** Epoch ms of the "started" line. */
  start: number;
  /** Epoch ms of the "ended" line; undefined while it runs. */
  end?: number;
  /** What the task measured from its start to its end. */
  durationMs?: number;
  /** When the abort signal came, measured from the start; undefined if it did not. */
  abortedAfterMs?: number;
  /** From the run's summary line. */
  status?: 'succeeded' | 'partial' | 'failed';
  staleMarked?: number;
  /** The summary line's error (its first line). */
  error?: string;
}

const STARTED = /^Schema sync of (\S+) started\b/;
const ENDED =
  /^Schema sync of (\S+) ended after (\d+) ms(?:, aborted after (\d+) ms)?/;
const SUMMARY =
  /^Schema sync of (\S+): (succeeded|partial|failed) in \d+ ms, \d+ subjects, \d+ versions fetched, (\d+) marked stale, (?:\d+ compatibility questions, )?\d+ HTTP calls(?:: (.*))?/;

/**
 * The schema sync runs in a replica's log, from the debug lines the task
 * writes at each run's start and end (and the summary line between them).
 */
export function loggedSyncRuns(replica: BackendReplica): LoggedSyncRun[] {
  const runs: LoggedSyncRun[] = [];
  const open = new Map<string, LoggedSyncRun>();
  for (const { at, message } of kafkaHubLogLines(replica)) {
    let match = STARTED.exec(message);
    if (match) {
      const run: LoggedSyncRun = {
        replica: replica.index,
        environment: match[1],
        start: at,
      };
      runs.push(run);
      open.set(run.environment, run);
      continue;
    }
    match = SUMMARY.exec(message);
    if (match) {
      const run = open.get(match[1]);
      if (run) {
        run.status = match[2] as LoggedSyncRun['status'];
        run.staleMarked = Number(match[3]);
        run.error = match[4];
      }
      continue;
    }
    match = ENDED.exec(message);
    if (match) {
      const run = open.get(match[1]);
      if (run) {
        run.end = at;
        run.durationMs = Number(match[2]);
        run.abortedAfterMs =
          match[3] === undefined ? undefined : Number(match[3]);
        open.delete(match[1]);
      }
    }
  }
  return runs;
}

/**
 * Pairs of runs of the same environment's sync whose times overlap (a run
 * still going counts as running until now), whichever replicas ran them.
 */
export function overlappingRuns(
  runs: LoggedSyncRun[],
): Array<[LoggedSyncRun, LoggedSyncRun]> {
  const pairs: Array<[LoggedSyncRun, LoggedSyncRun]> = [];
  const sorted = [...runs].sort((a, b) => a.start - b.start);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const [a, b] = [sorted[i], sorted[j]];
      if (a.environment === b.environment && b.start < (a.end ?? Infinity)) {
        pairs.push([a, b]);
      }
    }
  }
  return pairs;
}

/** A run as `GET /admin/tasks` lists it. */
export interface TaskRun {
  environment?: string;
  task: string;
  lastRunAt: string;
  lastSuccessAt?: string;
  durationMs?: number;
  error?: string;
}

/** The latest schema sync of `environment` that the replica reports. */
export async function latestSchemaSync(
  replica: BackendReplica,
  environment: string,
): Promise<TaskRun | undefined> {
  const runs = await replica.json<{ items: TaskRun[] }>(
    '/api/kafka-hub/admin/tasks',
  );
  return runs.items.find(
    r => r.task === 'schema-sync' && r.environment === environment,
  );
}

/** A stored subject of one environment: its status and stored versions. */
export interface StoredSubject {
  status: string;
  versions: number[];
}

/**
 * The schema tables in the replicas' database (one schema per plugin:
 * `pluginDivisionMode: schema`), read directly: what the replicas stored,
 * whatever their routes show.
 */
export class ReplicaSchemaTables {
  private readonly knex: Knex;

  constructor(databaseUrl: string) {
    this.knex = knexFactory({
      client: 'pg',
      connection: databaseUrl,
      searchPath: ['kafka-hub'],
      pool: { min: 0, max: 2 },
    });
  }

  /** The stored rows of `subjects` in `environment`, by subject. */
  async subjects(
    environment: string,
    subjects: string[],
  ): Promise<Map<string, StoredSubject>> {
    const rows: Array<{ subject: string; status: string }> = await this.knex(
      'kafka_hub_schemas',
    )
      .where({ environment })
      .whereIn('subject', subjects)
      .select('subject', 'status');
    const versions: Array<{ subject: string; version: number | string }> =
      await this.knex('kafka_hub_schema_versions')
        .where({ environment })
        .whereIn('subject', subjects)
        .select('subject', 'version');
    const stored = new Map<string, StoredSubject>(
      rows.map(r => [r.subject, { status: r.status, versions: [] }]),
    );
    for (const v of versions) {
      stored.get(v.subject)?.versions.push(Number(v.version));
    }
    for (const s of stored.values()) s.versions.sort((a, b) => a - b);
    return stored;
  }

  /** The latest sync of `environment` as the store recorded it. */
  async latestSyncRun(environment: string): Promise<StoredSyncRun | undefined> {
    const row = await this.knex('kafka_hub_schema_sync_runs')
      .where({ environment })
      .first();
    return (
      row && {
        status: row.status,
        startedAt: new Date(row.started_at),
        staleMarked: Number(row.stale_marked),
        error: row.error ?? undefined,
      }
    );
  }

  close(): Promise<void> {
    return this.knex.destroy();
  }
}

/** A row of `kafka_hub_schema_sync_runs` (the columns the tests read). */
export interface StoredSyncRun {
  status: 'succeeded' | 'partial' | 'failed';
  startedAt: Date;
  staleMarked: number;
  error?: string;
}

/** `subject@version` keys of the stored versions, to tell which rows went missing. */
export function versionKeys(stored: Map<string, StoredSubject>): Set<string> {
  const keys = new Set<string>();
  for (const [subject, s] of stored) {
    for (const v of s.versions) keys.add(`${subject}@${v}`);
  }
  return keys;
}

/**
 * Polls `probe` until it returns a value (not undefined): what it waits for
 * is done by the replicas' own schedulers, on their time.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting until ${what}${
          last ? ` (last error: ${last})` : ''
        }`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

/** Times the steps of a scenario and prints each and their sum. */
export class StepTimer {
  private readonly steps: Array<{ step: string; seconds: number }> = [];

  constructor(private readonly label: string) {}

  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await fn();
    } finally {
      const seconds = (Date.now() - started) / 1000;
      this.steps.push({ step: name, seconds });
      // eslint-disable-next-line no-console
      console.log(`[${this.label}] ${name}: ${seconds.toFixed(1)} s`);
    }
  }

  print(): void {
    const total = this.steps.reduce((sum, s) => sum + s.seconds, 0);
    // eslint-disable-next-line no-console
    console.log(
      `[${this.label}] seconds per step:\n${this.steps
        .map(s => `  ${s.seconds.toFixed(1).padStart(6)}  ${s.step}`)
        .join('\n')}\n  ${total.toFixed(1).padStart(6)}  in all`,
    );
  }
}
