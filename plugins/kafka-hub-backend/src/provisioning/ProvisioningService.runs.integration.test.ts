import { randomBytes } from 'crypto';
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { KafkaEntitiesReader } from '../catalog/KafkaEntitiesReader';
import { ClaimResolver } from '../claims';
import { DEFAULT_ALLOWED_TOPIC_CONFIGS } from '../config/readProvisioningSettings';
import { EnvironmentConfig } from '../config/types';
import { migrationsDir } from '../database/migrations';
import { ProvisioningTaskRunStore } from '../database/provisioning/ProvisioningTaskRunStore';
import { createKafkaAdmin } from '../kafka';
import { testDatabaseIds, testServices } from '../testUtils/testServices';
import { abortOf, ControlledEngine } from './__testUtils__/ControlledEngine';
import { ObservedStore } from './__testUtils__/ObservedStore';
import { ProvisioningService } from './ProvisioningService';
import { scheduleProvisioningTasks } from './scheduleProvisioningTasks';

jest.setTimeout(90_000);

/**
 * How provisioning runs end when something goes wrong around them: an
 * error in a batch, a lease taken over by another replica, a task whose
 * time ran out. Real broker, real SQLite and PostgreSQL; the test holds
 * runs at gates and moves the services' clock.
 */

const logger = mockServices.logger.mock();

const DEV: EnvironmentConfig = {
  name: 'dev',
  kafka: {
    brokers: testServices.kafkaPlaintextBrokers,
    clientId: 'kafka-hub-runs-test',
    ssl: false,
    connectionTimeoutMs: 1000,
    requestTimeoutMs: 5000,
  },
};

const LEASE_MS = 60_000;

const application = (slug: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: slug,
    namespace: 'default',
    annotations: {
      'kafka-hub.io/application': slug,
      'kafka-hub.io/environments': 'dev',
      'kafka-hub.io/topics': 'events',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
});

/** Slugs in the order given (claims are made in entity-ref order). */
const slugs = (...names: string[]) => {
  const suffix = randomBytes(4).toString('hex');
  return names.map(
    (name, i) => `${String.fromCharCode(97 + i)}-${name}-${suffix}`,
  );
};

const refOf = (slug: string) => `component:default/${slug}`;

const STOPPED =
  "Provisioning stopped: the task's time ran out; it runs again at its next attempt";

describe('ProvisioningService runs under faults', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const admin = createKafkaAdmin(DEV.kafka, { retries: 2 });

  afterAll(() => admin.close());

  async function setupDb(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    return knex;
  }

  function serviceFor(
    knex: Knex,
    options: {
      entities?: Entity[];
      now?: () => Date;
      concurrency?: number;
      leaseRenewalMs?: number;
    } = {},
  ) {
    const store = new ObservedStore(knex);
    const taskRuns = new ProvisioningTaskRunStore(knex);
    const engine = new ControlledEngine({
      environments: [DEV],
      logger,
      options: { defaultPartitions: 1, replicationFactor: 1, retries: 0 },
    });
    const service = new ProvisioningService({
      store,
      engine,
      entities: new KafkaEntitiesReader({
        catalog: catalogServiceMock({ entities: options.entities ?? [] }),
        auth: mockServices.auth(),
        namespacePattern: '{application}.',
      }),
      environmentNames: ['dev'],
      config: {
        maxAttempts: 5,
        initialBackoffMs: 1000,
        maxBackoffMs: 3000,
        leaseTimeoutMs: LEASE_MS,
        concurrency: options.concurrency ?? 3,
        maxRemovalShare: 0.5,
        removalsAlwaysAllowed: 10,
        allowedTopicConfigs: [...DEFAULT_ALLOWED_TOPIC_CONFIGS],
      },
      claims: new ClaimResolver({ db: knex, releaseAfterMs: 60_000, logger }),
      taskRuns,
      logger,
      now: options.now,
      leaseRenewalMs: options.leaseRenewalMs,
    });
    return { store, service, taskRuns, engine };
  }

  const rowOf = async (knex: Knex, slug: string) =>
    knex('kafka_hub_applications')
      .where({ entity_ref: refOf(slug) })
      .first();

  const runsOf = async (knex: Knex, slug: string) =>
    knex('kafka_hub_provisioning_runs')
      .where({ entity_ref: refOf(slug) })
      .orderBy('started_at');

  const topicsOf = async (...names: string[]) => {
    const topics = await admin.listTopics();
    return names.filter(name => topics.includes(`${name}.events`));
  };

  it.each(databases.eachSupportedId())(
    'ends every run of a batch when one run throws and another cannot be recorded: failed with the error and a next attempt, the others completed, none left in progress, %p',
    async databaseId => {
      const knex = await setupDb(databaseId);
      const [ok1, broken, unrecorded, ok2] = slugs(
        'ok',
        'broken',
        'unrecorded',
        'ok',
      );
      const now = new Date(Date.UTC(2026, 11, 2, 12, 0, 0));
      const { service, store, engine } = serviceFor(knex, {
        entities: [ok1, broken, unrecorded, ok2].map(application),
        now: () => now,
        // One at a time: every run after the failing one is still to start.
        concurrency: 1,
      });
      engine.failWith(broken, new Error('injected engine failure'));
      store.failNextFinish(
        refOf(unrecorded),
        new Error('injected store failure'),
      );
      await service.reconcile();

      expect(await service.provisionDue()).toBe(4);

      const next = new Date(now.getTime() + 1000);
      expect(await rowOf(knex, broken)).toMatchObject({
        status: 'failed',
        error: 'Provisioning failed: injected engine failure',
        current_run_id: null,
        lease_expires_at: null,
      });
      expect(
        new Date((await rowOf(knex, broken)).next_attempt_at).getTime(),
      ).toBe(next.getTime());
      // Its run completed, but that could not be recorded: retried.
      expect(await rowOf(knex, unrecorded)).toMatchObject({
        status: 'failed',
        error:
          "Provisioning failed: could not record the run's outcome (completed): injected store failure",
        current_run_id: null,
      });
      expect(
        new Date((await rowOf(knex, unrecorded)).next_attempt_at).getTime(),
      ).toBe(next.getTime());
      for (const slug of [ok1, ok2]) {
        expect((await rowOf(knex, slug)).status).toBe('completed');
      }
      expect(
        await knex('kafka_hub_applications')
          .whereIn('entity_ref', [ok1, broken, unrecorded, ok2].map(refOf))
          .where({ status: 'in_progress' }),
      ).toEqual([]);
      for (const slug of [ok1, broken, unrecorded, ok2]) {
        const runs = await runsOf(knex, slug);
        expect(runs).toHaveLength(1);
        expect(runs[0].finished_at).not.toBeNull();
      }
      expect(engine.started).toEqual([ok1, broken, unrecorded, ok2]);
      expect(await topicsOf(ok1, broken, unrecorded, ok2)).toEqual([
        ok1,
        unrecorded,
        ok2,
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'heartbeats the lease of a running run, so another replica does not recover it; a run whose claim is taken stops without writing or calling Kafka, %p',
    async databaseId => {
      const knex = await setupDb(databaseId);
      const [slow] = slugs('slow');
      const ref = refOf(slow);
      const start = Date.UTC(2026, 11, 2, 12, 0, 0);
      let clock = start;
      const now = () => new Date(clock);
      const replicaA = serviceFor(knex, {
        entities: [application(slow)],
        now,
        leaseRenewalMs: 5,
      });
      const replicaB = serviceFor(knex, { entities: [application(slow)], now });
      await replicaA.service.reconcile();
      replicaA.engine.hold(slow);

      const outcome = await replicaA.service.retry(ref);
      expect(outcome).toMatchObject({ started: true });
      const runId = 'runId' in outcome ? outcome.runId : '';
      await replicaA.engine.reached(slow);
      expect((await replicaA.store.get(ref))!.leaseExpiresAt).toBe(
        new Date(start + LEASE_MS).toISOString(),
      );

      // While held, the lease keeps moving with the clock ...
      clock = start + 40_000;
      expect(await replicaA.store.renewalAt(ref, now())).toBe(true);
      const renewed = (await replicaA.store.get(ref))!.leaseExpiresAt!;
      expect(Date.parse(renewed)).toBeGreaterThanOrEqual(
        start + 40_000 + LEASE_MS,
      );
      // ... so past the claim's own lease, the other replica recovers
      // nothing and claims nothing.
      clock = start + LEASE_MS + 30_000;
      expect(await replicaA.store.renewalAt(ref, now())).toBe(true);
      expect(await replicaB.service.provisionDue()).toBe(0);
      expect(await replicaA.store.get(ref)).toMatchObject({
        status: 'in_progress',
        currentRunId: runId,
      });
      expect(replicaB.engine.started).toEqual([]);

      // Another replica takes the claim over: the next renewal finds it
      // lost and the run stops at its next step.
      await knex('kafka_hub_applications')
        .where({ entity_ref: ref })
        .update({ current_run_id: 'taken-over' });
      await abortOf(replicaA.engine.signalOf(slow)!);
      replicaA.engine.release(slow);
      await replicaA.service.settle();

      expect(await replicaA.store.get(ref)).toMatchObject({
        status: 'in_progress',
        currentRunId: 'taken-over',
      });
      const runs = await runsOf(knex, slow);
      expect(runs.map(r => [r.run_id, r.finished_at, r.result])).toEqual([
        [runId, null, null],
      ]);
      expect(await topicsOf(slow)).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    "stops provisionDue at its task's abort signal: finished runs stay finished, running and waiting ones end failed with a next attempt, none left in progress, %p",
    async databaseId => {
      const knex = await setupDb(databaseId);
      const [done, held1, held2, waiting] = slugs(
        'done',
        'held',
        'held',
        'waiting',
      );
      const all = [done, held1, held2, waiting];
      const now = new Date(Date.UTC(2026, 11, 2, 12, 0, 0));
      const { service, engine } = serviceFor(knex, {
        entities: all.map(application),
        now: () => now,
        concurrency: 2,
      });
      await service.reconcile();
      engine.hold(held1);
      engine.hold(held2);
      const task = new AbortController();

      const due = service.provisionDue(task.signal);
      // held2 starts only once done's run has ended and been recorded.
      await engine.reached(held1);
      await engine.reached(held2);
      task.abort();
      engine.release(held1);
      engine.release(held2);
      expect(await due).toBe(4);

      expect((await rowOf(knex, done)).status).toBe('completed');
      for (const slug of [held1, held2, waiting]) {
        const row = await rowOf(knex, slug);
        expect(row).toMatchObject({
          status: 'failed',
          error: STOPPED,
          current_run_id: null,
        });
        expect(new Date(row.next_attempt_at).getTime()).toBe(
          now.getTime() + 1000,
        );
        const runs = await runsOf(knex, slug);
        expect(runs.map(r => [r.result, r.error])).toEqual([
          ['failed', STOPPED],
        ]);
      }
      // The waiting one never reached the engine; the stopped ones made no
      // Kafka call after the stop.
      expect(engine.started).toEqual([done, held1, held2]);
      expect(await topicsOf(...all)).toEqual([done]);

      // An aborted task claims nothing at all.
      expect(await service.provisionDue(task.signal)).toBe(0);
    },
  );

  it.each(databases.eachSupportedId())(
    "stops reconcile at its task's abort signal between entities, removes nothing and records why, %p",
    async databaseId => {
      const knex = await setupDb(databaseId);
      const [old, x, y, z] = slugs('old', 'x', 'y', 'z');
      await serviceFor(knex, {
        entities: [application(old)],
      }).service.reconcile();
      const { service, store, taskRuns } = serviceFor(knex, {
        entities: [x, y, z].map(application),
      });
      const task = new AbortController();
      store.afterUpsert = () => task.abort();

      const message =
        "Reconcile stopped: the task's time ran out after recording 1 of 3 applications; nothing was removed";
      await expect(service.reconcile(task.signal)).rejects.toThrow(message);

      expect(
        (await store.list({ includeRemoved: true }))
          .map(app => [app.application, app.removedAt])
          .sort(),
      ).toEqual([
        [old, undefined],
        [x, undefined],
      ]);
      expect((await taskRuns.list())[0]).toMatchObject({
        task: 'reconcile',
        error: message,
      });
    },
  );
  it.each(databases.eachSupportedId())(
    "hands the scheduler's abort signal to both provisioning tasks, %p",
    async databaseId => {
      const knex = await setupDb(databaseId);
      const [app] = slugs('scheduled');
      const { service, store, taskRuns } = serviceFor(knex, {
        entities: [application(app)],
      });
      const scheduler = mockServices.scheduler.mock();
      // Read from config as the plugin does (which sets every key).
      const schedule = readSchedulerServiceTaskScheduleDefinitionFromConfig(
        new ConfigReader({
          frequency: { minutes: 1 },
          timeout: { minutes: 5 },
        }),
      );
      await scheduleProvisioningTasks({
        scheduler,
        logger,
        service,
        taskRuns,
        config: { schedule, reconcileSchedule: schedule },
      });
      const task = (id: string) =>
        scheduler.scheduleTask.mock.calls
          .map(([t]) => t as Parameters<SchedulerService['scheduleTask']>[0])
          .find(t => t.id === id)!;
      const reconcile = task('kafka-hub:provisioning:reconcile');
      const runDue = task('kafka-hub:provisioning:run-due');
      // Run-due on every replica: a killed one's scheduler lock must not
      // hold up the recovery of its runs (replicaKilled.chaos.test.ts).
      expect(reconcile.scope).toBe('global');
      expect(runDue.scope).toBe('local');
      const aborted = new AbortController();
      aborted.abort();

      // A reconcile whose time already ran out reads nothing, and says so.
      await reconcile.fn(aborted.signal);
      expect(await store.list()).toEqual([]);
      expect((await taskRuns.list())[0].error).toBe(
        "Reconcile stopped: the task's time ran out before the catalog was read; nothing was removed",
      );
      await reconcile.fn(new AbortController().signal);
      expect((await store.get(refOf(app)))!.status).toBe('pending');

      // So does a run-due one: the due application is not claimed.
      await runDue.fn(aborted.signal);
      expect((await store.get(refOf(app)))!.status).toBe('pending');
      await runDue.fn(new AbortController().signal);
      expect((await store.get(refOf(app)))!.status).toBe('completed');
    },
  );
});
