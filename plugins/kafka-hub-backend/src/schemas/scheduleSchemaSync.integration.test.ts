import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { SchedulerService } from '@backstage/backend-plugin-api';
import { EnvironmentConfig } from '../config/types';
import { migrationsDir } from '../database/migrations';
import { SchemaStore } from '../database/schemas/SchemaStore';
import {
  recordingFetch,
  RegistryFixtures,
} from '../schemaRegistry/__testUtils__/registryFixtures';
import {
  testDatabaseIds,
  testServices,
  unusedPort,
} from '../testUtils/testServices';
import { recordClaims } from '../claims/__testUtils__/claims';
import { kafkaEntity } from './__testUtils__/kafkaEntities';
import { scheduleSchemaSync } from './scheduleSchemaSync';

jest.setTimeout(60_000);

const environment = (
  name: string,
  registryUrl?: string,
): EnvironmentConfig => ({
  name,
  kafka: {
    brokers: testServices.kafkaPlaintextBrokers,
    clientId: 'test',
    ssl: false,
    connectionTimeoutMs: 1000,
    requestTimeoutMs: 1000,
  },
  schemaRegistry: registryUrl
    ? { url: registryUrl, timeoutMs: 2000 }
    : undefined,
});

describe('scheduleSchemaSync', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const fixtures = new RegistryFixtures(testServices.registryUrl);
  const subject = fixtures.name('sched-{suffix}.orders-value');

  beforeAll(() => fixtures.register(subject, '"string"'));
  afterAll(() => fixtures.cleanUp());

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    return { knex, store: new SchemaStore(knex) };
  }

  it.each(databases.eachSupportedId())(
    'registers one global task per environment with a registry, each syncing it, on %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      const scheduler = mockServices.scheduler.mock();
      const logger = mockServices.logger.mock();
      const schedule = {
        frequency: { minutes: 5 },
        timeout: { minutes: 10 },
        initialDelay: { seconds: 30 },
      };
      const ids = await scheduleSchemaSync({
        scheduler,
        logger,
        environments: [
          environment('dev', testServices.registryUrl),
          environment('stage'),
          environment(
            'prod',
            `http://127.0.0.1:${await unusedPort()}/apis/ccompat/v7`,
          ),
        ],
        store,
        claims: await recordClaims(knex, [
          kafkaEntity('orders', { application: `sched-${fixtures.suffix}` }),
        ]),
        schedule,
        concurrency: 2,
        retries: 0,
        subjectListingLimit: 1000,
        fetch: recordingFetch(testServices.registryUrl, {
          onlySubjects: s => fixtures.owns(s),
        }).fetch,
      });

      expect(ids).toEqual([
        'kafka-hub-schema-sync-dev',
        'kafka-hub-schema-sync-prod',
      ]);
      const tasks = scheduler.scheduleTask.mock.calls.map(
        ([task]) => task as Parameters<SchedulerService['scheduleTask']>[0],
      );
      expect(tasks.map(t => [t.id, t.scope, t.frequency, t.timeout])).toEqual([
        [
          'kafka-hub-schema-sync-dev',
          'global',
          schedule.frequency,
          schedule.timeout,
        ],
        [
          'kafka-hub-schema-sync-prod',
          'global',
          schedule.frequency,
          schedule.timeout,
        ],
      ]);

      // Running the tasks syncs each environment on its own.
      for (const task of tasks) {
        await task.fn(new AbortController().signal);
      }
      expect(await store.getSubject('dev', subject)).toMatchObject({
        entityRef: 'component:default/orders',
        status: 'registered',
        latestVersion: 1,
      });
      const runs = await store.getSyncRuns();
      expect(runs.map(r => [r.environment, r.status])).toEqual([
        ['dev', 'succeeded'],
        ['prod', 'failed'],
      ]);
      expect(runs[1].error).toMatch(/ECONNREFUSED/);

      // The task hands the scheduler's signal to the sync: once it has
      // fired, the run asks the registry nothing and records why.
      const aborted = new AbortController();
      aborted.abort();
      await tasks[0].fn(aborted.signal);
      expect((await store.getSyncRuns())[0]).toMatchObject({
        environment: 'dev',
        status: 'failed',
        httpCalls: 0,
        error: expect.stringMatching(/^Aborted during the listing: /),
        lastSuccessAt: runs[0].lastSuccessAt,
      });
      expect(await store.getSubject('dev', subject)).toMatchObject({
        status: 'registered',
        latestVersion: 1,
      });

      // Each run logs its start and end with the task's id (debug), the end
      // saying when the abort signal came, if it did.
      const [devLogger] = logger.child.mock.results.map(
        r => r.value as ReturnType<typeof mockServices.logger.mock>,
      );
      const taskId = { taskId: 'kafka-hub-schema-sync-dev' };
      expect(devLogger.debug.mock.calls).toEqual([
        ['Schema sync of dev started', taskId],
        [
          expect.stringMatching(/^Schema sync of dev ended after \d+ ms$/),
          taskId,
        ],
        ['Schema sync of dev started', taskId],
        [
          expect.stringMatching(
            /^Schema sync of dev ended after \d+ ms, aborted after 0 ms$/,
          ),
          taskId,
        ],
      ]);
    },
  );
});
