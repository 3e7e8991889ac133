import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { ClaimSet } from '../claims';
import { EnvironmentConfig } from '../config/types';
import { SchemaStore } from '../database/schemas/SchemaStore';
import { SchemaRegistryClient } from '../schemaRegistry';
import { SchemaSync } from './SchemaSync';

/** `kafkaHub.schemas`, with defaults applied. */
export interface SchemaSyncSettings {
  /** How often each environment's registry is synced. */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Registry calls in flight at once, per environment. */
  concurrency: number;
  /** Extra attempts of a call after a 429, a 5xx, a refused connection or a timeout. */
  retries: number;
  /** A subject listing this long may be cut off: nothing is marked stale then. 0: no limit. */
  subjectListingLimit: number;
}

export interface ScheduleSchemaSyncOptions extends SchemaSyncSettings {
  scheduler: SchedulerService;
  logger: LoggerService;
  environments: EnvironmentConfig[];
  store: SchemaStore;
  /** The recorded claims, read from the database on every run. */
  claims: () => Promise<ClaimSet>;
  /** For tests: the fetch the registry clients use. */
  fetch?: typeof fetch;
}

/** Task id of an environment's schema sync. */
function schemaSyncTaskId(environment: string): string {
  return `kafka-hub-schema-sync-${environment}`;
}

/**
 * Registers one global scheduler task per environment with a Schema
 * Registry: across replicas each runs once at a time, and environments
 * spread over replicas. Returns the task ids.
 */
export async function scheduleSchemaSync(
  options: ScheduleSchemaSyncOptions,
): Promise<string[]> {
  const { scheduler, logger, schedule } = options;
  const ids: string[] = [];
  for (const environment of options.environments) {
    if (!environment.schemaRegistry) {
      continue;
    }
    const envLogger = logger.child({ environment: environment.name });
    const sync = new SchemaSync({
      environment: environment.name,
      client: new SchemaRegistryClient(environment.schemaRegistry, {
        retries: options.retries,
        fetch: options.fetch,
      }),
      store: options.store,
      claims: options.claims,
      logger: envLogger,
      concurrency: options.concurrency,
      subjectListingLimit: options.subjectListingLimit,
    });
    const id = schemaSyncTaskId(environment.name);
    await scheduler.scheduleTask({
      ...schedule,
      id,
      scope: 'global',
      fn: async signal => {
        // Start and end of every run, to tell when it held the task (and
        // how soon after its abort signal it let go): the scheduler runs a
        // global task on one replica at a time only while runs end in time.
        const started = Date.now();
        let abortedAfterMs = signal.aborted ? 0 : undefined;
        const onAbort = () => {
          abortedAfterMs = Date.now() - started;
        };
        signal.addEventListener('abort', onAbort, { once: true });
        envLogger.debug(`Schema sync of ${environment.name} started`, {
          taskId: id,
        });
        try {
          await sync.run(signal);
        } finally {
          signal.removeEventListener('abort', onAbort);
          envLogger.debug(
            `Schema sync of ${environment.name} ended after ${
              Date.now() - started
            } ms${
              abortedAfterMs === undefined
                ? ''
                : `, aborted after ${abortedAfterMs} ms`
            }`,
            { taskId: id },
          );
        }
      },
    });
    ids.push(id);
  }
  return ids;
}
