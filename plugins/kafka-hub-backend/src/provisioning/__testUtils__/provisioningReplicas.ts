import { JsonObject } from '@backstage/types';
import { Admin } from '@platformatic/kafka';
import fs from 'fs';
import knexFactory, { Knex } from 'knex';
import os from 'os';
import path from 'path';
import {
  BackendReplica,
  kafkaHubLogLines,
} from '../../testUtils/backendReplicas';

/**
 * What the provisioning chaos tests share: the applications they add to the
 * catalog of the demo backend's replicas, the config around them, and reads
 * of the replicas' database.
 */

/** The environment whose bootstrap address is the test's Kafka gate. */
const GATED_ENVIRONMENT = 'gated';

/** The local broker the gate forwards to (the demo's dev environment). */
export const BROKER = '127.0.0.1:9092';

/** The catalog entity of one test application. */
export interface TestApplication {
  /** The application slug (`kafka-hub.io/application`). */
  application: string;
  /** `kafka-hub.io/topics`. */
  topics: string;
  /** `kafka-hub.io/topic-config`, if any. */
  topicConfig?: string;
}

export function entityRefOf(app: TestApplication): string {
  return `component:default/${app.application}-service`;
}

/** A slug no earlier run left topics of on the shared broker. */
export function uniqueSlug(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(
    Math.random() * 1296,
  ).toString(36)}`;
}

/**
 * Writes the applications as catalog entities (JSON documents are YAML) into
 * a file of a new temporary directory; returns the file.
 */
export function writeCatalogFile(apps: TestApplication[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-hub-chaos-'));
  const file = path.join(dir, 'applications.yaml');
  const documents = apps.map(app =>
    JSON.stringify({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `${app.application}-service`,
        annotations: {
          'kafka-hub.io/application': app.application,
          'kafka-hub.io/environments': GATED_ENVIRONMENT,
          'kafka-hub.io/topics': app.topics,
          ...(app.topicConfig
            ? { 'kafka-hub.io/topic-config': app.topicConfig }
            : {}),
        },
      },
      spec: {
        type: 'service',
        lifecycle: 'experimental',
        owner: 'group:default/team-orders',
      },
    }),
  );
  fs.writeFileSync(file, documents.join('\n---\n'));
  return file;
}

/** Removes a file of `writeCatalogFile` and its directory. */
export function removeCatalogFile(file: string): void {
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
}

/** Never during a test: tasks this scenario does not look at. */
const IDLE = {
  frequency: { hours: 1 },
  timeout: { minutes: 1 },
  initialDelay: { hours: 1 },
};

/**
 * Config of every replica: the test's applications as the whole catalog
 * (so the only runs through the gate are the test's), the gated
 * environment besides the demo's dev, stage and prod (merged, unchanged),
 * quick provisioning cycles, and the consumer-group and schema tasks idle
 * so that nothing but provisioning connects through the gate.
 */
export function chaosReplicaConfig(options: {
  catalogFile: string;
  gateAddress: string;
  scheduleSeconds: number;
  leaseSeconds: number;
}): JsonObject {
  return {
    backend: {
      logger: {
        // Each replica's run-due ticks (`runDueTicks`).
        overrides: [
          {
            matchers: { plugin: 'kafka-hub', task: 'provisioning-run-due' },
            level: 'debug',
          },
        ],
      },
    },
    catalog: {
      locations: [{ type: 'file', target: options.catalogFile }],
    },
    kafkaHub: {
      environments: {
        [GATED_ENVIRONMENT]: {
          kafka: {
            brokers: [options.gateAddress],
            // A run held at the closed gate waits, it does not time out.
            requestTimeoutMs: 600_000,
          },
        },
      },
      provisioning: {
        schedule: {
          frequency: { seconds: options.scheduleSeconds },
          timeout: { minutes: 5 },
        },
        reconcileSchedule: {
          frequency: { seconds: options.scheduleSeconds },
          timeout: { minutes: 1 },
        },
        leaseTimeout: { seconds: options.leaseSeconds },
        // A failed run is not due again during the test: every run the
        // test counts is one it asked for (or the first, for a new one).
        initialBackoff: { hours: 1 },
        maxBackoff: { hours: 1 },
      },
      consumerGroups: {
        syncSchedule: IDLE,
        lagSchedule: IDLE,
        retentionSchedule: IDLE,
      },
      schemas: { schedule: IDLE },
    },
  };
}

/** When each run-due tick of `replica` started (epoch ms), from its log. */
export function runDueTicks(replica: BackendReplica): number[] {
  return kafkaHubLogLines(replica)
    .filter(line =>
      line.message.startsWith('Provisioning of due applications started'),
    )
    .map(line => line.at);
}

/** A row of `kafka_hub_provisioning_runs`. */
export interface RunRow {
  run_id: string;
  entity_ref: string;
  trigger: string;
  requested_by: string | null;
  started_at: Date;
  finished_at: Date | null;
  result: string | null;
  error: string | null;
  detail: string | null;
}

/** A row of `kafka_hub_applications` (the columns the tests read). */
export interface ApplicationRow {
  entity_ref: string;
  status: string;
  current_run_id: string | null;
  lease_expires_at: Date | null;
}

/**
 * The plugin's tables in the replicas' database (one schema per plugin:
 * `pluginDivisionMode: schema`), read directly: what the replicas recorded,
 * whatever their routes show.
 */
export class ReplicaDatabase {
  private readonly knex: Knex;

  constructor(databaseUrl: string) {
    this.knex = knexFactory({
      client: 'pg',
      connection: databaseUrl,
      searchPath: ['kafka-hub'],
      pool: { min: 0, max: 2 },
    });
  }

  runs(entityRefs?: string[]): Promise<RunRow[]> {
    const q = this.knex<RunRow>('kafka_hub_provisioning_runs').orderBy(
      'started_at',
    );
    return entityRefs ? q.whereIn('entity_ref', entityRefs) : q;
  }

  applications(): Promise<ApplicationRow[]> {
    return this.knex<ApplicationRow>('kafka_hub_applications').select([
      'entity_ref',
      'status',
      'current_run_id',
      'lease_expires_at',
    ]);
  }

  async application(entityRef: string): Promise<ApplicationRow | undefined> {
    return (await this.applications()).find(a => a.entity_ref === entityRef);
  }

  close(): Promise<void> {
    return this.knex.destroy();
  }
}

/** Runs per entity ref among `runs`, for every ref in `entityRefs`. */
export function runsPerApplication(
  runs: RunRow[],
  entityRefs: string[],
): Record<string, number> {
  return Object.fromEntries(
    entityRefs.map(ref => [ref, runs.filter(r => r.entity_ref === ref).length]),
  );
}

/** An admin client of the local broker, for the test's own topic changes. */
export function brokerAdmin(): Admin {
  return new Admin({ clientId: 'kafka-hub-chaos', bootstrapBrokers: [BROKER] });
}

/** Deletes `topics` and waits until the broker no longer lists them. */
export async function deleteTopics(
  admin: Admin,
  topics: string[],
): Promise<void> {
  await admin.deleteTopics({ topics });
  await eventually(`the broker no longer lists ${topics}`, async () => {
    const listed = new Set(await admin.listTopics());
    return topics.every(t => !listed.has(t)) ? true : undefined;
  });
}

/** Deletes whichever of `topics` exist (clean-up). */
export async function deleteTopicsIfPresent(
  admin: Admin,
  topics: string[],
): Promise<void> {
  const listed = new Set(await admin.listTopics());
  const present = topics.filter(t => listed.has(t));
  if (present.length > 0) await admin.deleteTopics({ topics: present });
}

/**
 * Polls `probe` until it returns a value (not undefined): what it waits for
 * is done by the replicas' own schedulers, on their time.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 180_000,
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
    await new Promise(resolve => setTimeout(resolve, 250));
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

/** Which replica has the pid, if any. */
export async function replicaWithPid(
  replicas: BackendReplica[],
  pid: number,
): Promise<BackendReplica | undefined> {
  for (const replica of replicas) {
    if ((await replica.pid()) === pid) return replica;
  }
  return undefined;
}
