import { randomBytes } from 'crypto';
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AclOperations,
  AclPermissionTypes,
  ConfigResourceTypes,
  ResourcePatternTypes,
  ResourceTypes,
} from '@platformatic/kafka';
import knexFactory, { Knex } from 'knex';
import { KafkaEntitiesReader } from '../catalog/KafkaEntitiesReader';
import { ClaimResolver } from '../claims';
import { readKafkaHubConfig } from '../config/readKafkaHubConfig';
import { DEFAULT_ALLOWED_TOPIC_CONFIGS } from '../config/readProvisioningSettings';
import { EnvironmentConfig } from '../config/types';
import { createKafkaAdmin } from '../kafka';
import { migrationsDir } from '../database/migrations';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import { ProvisioningTaskRunStore } from '../database/provisioning/ProvisioningTaskRunStore';
import { tcpProxy } from '../testUtils/tcpServers';
import { testDatabaseIds, testServices } from '../testUtils/testServices';
import { GatedEngine } from './__testUtils__/GatedEngine';
import { ProvisioningEngine } from './ProvisioningEngine';
import { ProvisioningService } from './ProvisioningService';

jest.setTimeout(90_000);

const logger = mockServices.logger.mock();

const environment = (name: string, brokers: string[]): EnvironmentConfig => ({
  name,
  kafka: {
    brokers,
    clientId: 'kafka-hub-service-test',
    ssl: false,
    connectionTimeoutMs: 1000,
    requestTimeoutMs: 5000,
  },
});

const DEAD = environment('dead', testServices.deadBrokers);
const DEV = environment('dev', testServices.kafkaPlaintextBrokers);

const uniqueSlug = (base: string) =>
  `${base}-${randomBytes(4).toString('hex')}`;

/** A component with Kafka Hub annotations, owned by team-a. */
const component = (
  name: string,
  annotations: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
});

const application = (slug: string, environments: string, topics = 'events') =>
  component(slug, {
    'kafka-hub.io/application': slug,
    'kafka-hub.io/environments': environments,
    'kafka-hub.io/topics': topics,
  });

const refOf = (entity: Entity) => `component:default/${entity.metadata.name}`;

describe('ProvisioningService', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  async function setupDb(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    return knex;
  }

  function serviceFor(
    knex: Knex,
    options: {
      entities?: Entity[];
      environments?: EnvironmentConfig[];
      now?: () => Date;
      maxAttempts?: number;
      leaseTimeoutMs?: number;
      allowedTopicConfigs?: string[];
      /** Runs wait at this engine's gate until the test opens it. */
      gated?: boolean;
    } = {},
  ) {
    const environments = options.environments ?? [DEV, DEAD];
    const store = new ProvisioningStore(knex);
    const taskRuns = new ProvisioningTaskRunStore(knex);
    const engineDeps = {
      environments,
      logger,
      options: { defaultPartitions: 1, replicationFactor: 1, retries: 0 },
    };
    const engine = options.gated
      ? new GatedEngine(engineDeps)
      : new ProvisioningEngine(engineDeps);
    const service = new ProvisioningService({
      store,
      engine,
      entities: new KafkaEntitiesReader({
        catalog: catalogServiceMock({ entities: options.entities ?? [] }),
        auth: mockServices.auth(),
        namespacePattern: '{application}.',
      }),
      environmentNames: environments.map(e => e.name),
      config: {
        maxAttempts: options.maxAttempts ?? 5,
        initialBackoffMs: 1000,
        maxBackoffMs: 3000,
        leaseTimeoutMs: options.leaseTimeoutMs ?? 60_000,
        concurrency: 3,
        maxRemovalShare: 0.5,
        removalsAlwaysAllowed: 10,
        allowedTopicConfigs: options.allowedTopicConfigs ?? [
          ...DEFAULT_ALLOWED_TOPIC_CONFIGS,
        ],
      },
      claims: new ClaimResolver({ db: knex, releaseAfterMs: 60_000, logger }),
      taskRuns,
      logger,
      now: options.now,
    });
    return { store, service, taskRuns, engine };
  }

  const countRuns = async (knex: Knex, entityRef: string) => {
    const [{ n }] = await knex('kafka_hub_provisioning_runs')
      .where({ entity_ref: entityRef })
      .count({ n: '*' });
    return Number(n);
  };

  it.each(databases.eachSupportedId())(
    'records new, malformed and removed applications from the catalog, %p',
    async databaseId => {
      const knex = await setupDb(databaseId);
      const orders = application('orders', 'dev');
      const all = component('all-envs', {
        'kafka-hub.io/application': 'all-envs',
      });
      const fraud = component('fraud', {
        'kafka-hub.io/application': 'fraud',
        'kafka-hub.io/topics': 'scores:0,alerts',
      });
      const badSlug = component('bad-slug', {
        'kafka-hub.io/application': 'Bad_Slug',
      });
      // Only links consumer groups: not an application to provision.
      const community = component('legacy', {
        'kafka.apache.org/consumer-groups': 'dev/legacy-reader',
      });
      const { store, service } = serviceFor(knex, {
        entities: [orders, all, fraud, badSlug, community],
      });

      expect(await service.reconcile()).toEqual({
        created: 4,
        changed: 0,
        unchanged: 0,
        invalid: 2,
        removed: 0,
        restored: 0,
        failed: 0,
      });
      const apps = Object.fromEntries(
        (await store.list()).map(app => [app.entityRef, app]),
      );
      expect(Object.keys(apps).sort()).toEqual(
        [all, badSlug, fraud, orders].map(refOf),
      );
      expect(apps[refOf(orders)]).toMatchObject({
        application: 'orders',
        ownerRef: 'group:default/team-a',
        status: 'pending',
        desiredState: { environments: ['dev'], topics: [{ name: 'events' }] },
      });
      // No environments annotation: every configured environment.
      expect(apps[refOf(all)].desiredState.environments).toEqual([
        'dev',
        'dead',
      ]);
      expect(apps[refOf(fraud)]).toMatchObject({
        status: 'failed',
        annotationErrors: [
          { annotation: 'kafka-hub.io/topics', value: 'scores:0,alerts' },
        ],
      });
      expect(apps[refOf(badSlug)]).toMatchObject({
        application: 'Bad_Slug',
        status: 'failed',
        annotationErrors: [{ annotation: 'kafka-hub.io/application' }],
      });

      // Unchanged on the next pass; an entity gone from the catalog is
      // marked removed: kept, but not listed.
      const { service: later } = serviceFor(knex, {
        entities: [orders, fraud, badSlug],
      });
      expect(await later.reconcile()).toMatchObject({
        created: 0,
        changed: 0,
        unchanged: 3,
        removed: 1,
      });
      expect(await store.get(refOf(all))).toMatchObject({
        status: 'pending',
        removedAt: expect.any(String),
        removedNote: { application: 'all-envs', environments: [] },
      });
      expect((await store.list()).map(app => app.entityRef)).toEqual(
        [badSlug, fraud, orders].map(refOf),
      );

      // A changed annotation makes it pending again; the one that came back
      // is restored.
      const { service: changed, taskRuns } = serviceFor(knex, {
        entities: [application('orders', 'dev', 'events,audit'), fraud, all],
      });
      expect(await changed.reconcile()).toMatchObject({
        changed: 1,
        unchanged: 1,
        restored: 1,
        removed: 1,
      });
      expect((await store.get(refOf(all)))!.removedAt).toBeUndefined();
      expect(await taskRuns.list()).toMatchObject([
        {
          task: 'reconcile',
          summary:
            '0 new, 1 changed, 1 unchanged, 1 removed, 1 restored, 1 with malformed annotations',
        },
      ]);
      expect((await taskRuns.list())[0].error).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses to mark most applications removed at once and says why, %p',
    async databaseId => {
      const knex = await setupDb(databaseId);
      const entities = Array.from({ length: 30 }, (_, i) =>
        application(`mass-${String(i).padStart(2, '0')}`, 'dev'),
      );
      const reconcileWith = (present: Entity[]) =>
        serviceFor(knex, { entities: present }).service.reconcile();
      const { store, taskRuns } = serviceFor(knex);
      const notRemoved = async () => (await store.list()).length;
      expect(await reconcileWith(entities)).toMatchObject({ created: 30 });
      const [firstRun] = await taskRuns.list();
      logger.warn.mockClear();

      // The catalog comes back with 4 of 30: nothing is removed.
      const message =
        'Reconcile skipped removing 26 of 30 applications (87%, limit 50%): the catalog may be incomplete. If the removal is intended, raise kafkaHub.provisioning.maxRemovalShare.';
      expect(await reconcileWith(entities.slice(0, 4))).toMatchObject({
        unchanged: 4,
        removed: 0,
        removalSkipped: { missing: 26, total: 30, message },
      });
      expect(await notRemoved()).toBe(30);
      expect(logger.warn).toHaveBeenCalledWith(message);
      // The admin page shows why; the last success is the full reconcile.
      const [skipped] = await taskRuns.list();
      expect(skipped).toMatchObject({ task: 'reconcile', error: message });
      expect(skipped.lastSuccessAt).toEqual(firstRun.lastSuccessAt);

      // 12 of 30 (40%) is within the share: removed.
      expect(await reconcileWith(entities.slice(0, 18))).toMatchObject({
        removed: 12,
      });
      expect(await notRemoved()).toBe(18);
      expect((await taskRuns.list())[0].error).toBeUndefined();

      // 11 of the 18 left (61%): refused again.
      expect(await reconcileWith(entities.slice(0, 7))).toMatchObject({
        removed: 0,
        removalSkipped: { missing: 11, total: 18 },
      });
      // 10 (56%) is few enough to go whatever the share.
      expect(await reconcileWith(entities.slice(0, 8))).toMatchObject({
        removed: 10,
      });
      expect(await notRemoved()).toBe(8);
      expect(
        (await store.list({ includeRemoved: true })).map(a => a.entityRef),
      ).toEqual(entities.map(refOf));
    },
  );

  it.each(databases.eachSupportedId())(
    'provisions due applications: partial while a cluster is down, completed after it is back and retried, %p',
    async databaseId => {
      const knex = await setupDb(databaseId);
      const proxy = await tcpProxy(testServices.kafkaPlaintextBrokers[0]);
      await proxy.stop();
      const slug = uniqueSlug('svc');
      const entity = application(slug, 'dev,edge');
      const { store, service } = serviceFor(knex, {
        entities: [entity],
        environments: [DEV, environment('edge', [proxy.address])],
      });
      const ref = refOf(entity);
      try {
        await service.reconcile();
        const before = Date.now();
        expect(await service.provisionDue()).toBe(1);
        let app = (await store.get(ref))!;
        expect(app.status).toBe('partial');
        expect(app.environments.dev.status).toBe('success');
        expect(app.environments.edge).toMatchObject({ status: 'failed' });
        expect(app.environments.edge.error).toMatch(
          /ECONNREFUSED|Connection error/,
        );
        // First automatic retry one initial backoff later.
        const next = Date.parse(app.nextAttemptAt!);
        expect(next).toBeGreaterThanOrEqual(before + 1000);
        expect(await service.provisionDue()).toBe(0);

        await proxy.start();
        const outcome = await service.retry(ref, {
          requestedBy: 'user:default/alice',
        });
        expect(outcome).toMatchObject({
          started: true,
          environments: ['edge'],
        });
        await service.settle();
        app = (await store.get(ref))!;
        expect(app.status).toBe('completed');
        expect(app.error).toBeUndefined();
        expect(app.nextAttemptAt).toBeUndefined();
        expect(app.environments.edge.status).toBe('success');

        const runs = await store.listRuns(ref);
        expect(runs.map(r => [r.trigger, r.result, r.requestedBy])).toEqual([
          ['retry', 'completed', 'user:default/alice'],
          ['schedule', 'partial', 'kafka-hub:provisioning-task'],
        ]);
        expect(runs[0].environments).toEqual(['edge']);

        // The topic really exists on the cluster.
        const admin = createKafkaAdmin(DEV.kafka);
        try {
          expect(await admin.listTopics()).toContain(`${slug}.events`);
          await admin.deleteTopics({ topics: [`${slug}.events`] });
        } finally {
          await admin.close();
        }
      } finally {
        await proxy.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'backs off exponentially between automatic attempts and stops after the maximum, %p',
    async databaseId => {
      const knex = await setupDb(databaseId);
      let clock = Date.UTC(2026, 10, 22, 12, 0, 0);
      const entity = application(uniqueSlug('down'), 'dead');
      const { store, service } = serviceFor(knex, {
        entities: [entity],
        now: () => new Date(clock),
        maxAttempts: 3,
      });
      const ref = refOf(entity);
      await service.reconcile();
      const nextAttemptIn = async () => {
        const next = (await store.get(ref))!.nextAttemptAt;
        return next === undefined ? undefined : Date.parse(next) - clock;
      };

      expect(await service.provisionDue()).toBe(1);
      expect(await nextAttemptIn()).toBe(1000);
      clock += 999;
      expect(await service.provisionDue()).toBe(0);
      clock += 1;
      expect(await service.provisionDue()).toBe(1);
      expect(await nextAttemptIn()).toBe(2000);
      clock += 2000;
      expect(await service.provisionDue()).toBe(1);
      // Third attempt was the last automatic one.
      expect(await nextAttemptIn()).toBeUndefined();
      clock += 3_600_000;
      expect(await service.provisionDue()).toBe(0);
      const app = (await store.get(ref))!;
      expect(app).toMatchObject({ status: 'failed', attemptCount: 3 });
      expect(app.error).toContain('dead');
      expect(await countRuns(knex, ref)).toBe(3);

      // A manual retry still runs.
      expect(await service.retry(ref)).toMatchObject({ started: true });
      await service.settle();
      expect(await countRuns(knex, ref)).toBe(4);
    },
  );

  it.each(databases.eachSupportedId())(
    'recovers a run whose process died and runs the application again, %p',
    async databaseId => {
      const knex = await setupDb(databaseId);
      let clock = Date.UTC(2026, 10, 22, 12, 0, 0);
      const entity = application(uniqueSlug('crash'), 'dead');
      const ref = refOf(entity);
      const { store, service } = serviceFor(knex, {
        entities: [entity],
        now: () => new Date(clock),
        leaseTimeoutMs: 60_000,
      });
      await service.reconcile();
      // A replica claims the run and dies before finishing it.
      const claim = await store.claimRun({
        entityRef: ref,
        runId: 'run-of-a-dead-replica',
        trigger: 'schedule',
        environments: ['dead'],
        now: new Date(clock),
        leaseMs: 60_000,
      });
      expect(claim.claimed).toBe(true);
      expect(await service.provisionDue()).toBe(0);

      clock += 60_001;
      expect(await service.provisionDue()).toBe(1);
      const runs = await store.listRuns(ref);
      expect(
        runs.map(r => [r.runId === 'run-of-a-dead-replica', r.result]),
      ).toEqual([
        [false, 'failed'],
        [true, 'interrupted'],
      ]);
      expect((await store.get(ref))!.status).toBe('failed');
    },
  );

  /**
   * Three applications failed once against the dead broker, served by a
   * service whose runs wait at a gate the test opens.
   */
  async function threeFailed(knex: Knex) {
    const entities = [1, 2, 3].map(i =>
      application(uniqueSlug(`fail${i}`), 'dead'),
    );
    await serviceFor(knex, { entities }).service.reconcile();
    const first = serviceFor(knex, { entities });
    expect(await first.service.provisionDue()).toBe(3);
    const gated = serviceFor(knex, { entities, gated: true });
    return { entities, ...gated, engine: gated.engine as GatedEngine };
  }

  it.each(databases.eachSupportedId())(
    'starts each failed application once when retry-all is asked twice at the same time, %p',
    async databaseId => {
      const knex = await setupDb(databaseId);
      const { entities, service, engine } = await threeFailed(knex);

      // Both requests claim while the first one's runs are held open.
      const results = await Promise.all([
        service.retryAllFailed('user:default/admin'),
        service.retryAllFailed('user:default/admin'),
      ]);
      expect(results[0].started + results[1].started).toBe(3);
      // What one did not start, the other had: already in progress.
      for (const r of results) {
        expect(r).toEqual({
          total: 3,
          started: r.started,
          skipped: 3 - r.started,
        });
      }
      // And a third one, asked while they run, starts nothing and says so.
      expect(await service.retryAllFailed('user:default/admin')).toEqual({
        total: 3,
        started: 0,
        skipped: 3,
      });

      engine.open();
      await service.settle();
      expect(engine.started.sort()).toEqual(
        entities.map(e => e.metadata.name).sort(),
      );
      for (const entity of entities) {
        const runs = await knex('kafka_hub_provisioning_runs')
          .where({ entity_ref: refOf(entity) })
          .orderBy('started_at');
        expect(runs.map(r => [r.trigger, r.result])).toEqual([
          ['schedule', 'failed'],
          ['retry-all', 'failed'],
        ]);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'starts one run for 20 retries of one application at the same time, %p',
    async databaseId => {
      const knex = await setupDb(databaseId);
      const { entities, service, engine } = await threeFailed(knex);
      const ref = refOf(entities[0]);

      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () =>
          service.retry(ref, { requestedBy: 'user:default/alice' }),
        ),
      );
      const started = outcomes.flatMap(o => ('started' in o ? [o.runId] : []));
      expect(started).toHaveLength(1);
      expect(outcomes.filter(o => !('started' in o))).toEqual(
        Array(19).fill({
          claimed: false,
          reason: 'in-progress',
          currentRunId: started[0],
        }),
      );

      engine.open();
      await service.settle();
      expect(engine.started).toEqual([entities[0].metadata.name]);
      expect(await countRuns(knex, ref)).toBe(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'never provisions a removed application, %p',
    async databaseId => {
      const knex = await setupDb(databaseId);
      const { entities, store } = await threeFailed(knex);
      const [gone, ...kept] = entities;
      let clock = Date.now();
      const { service } = serviceFor(knex, {
        entities: kept,
        now: () => new Date(clock),
      });
      expect(await service.reconcile()).toMatchObject({ removed: 1 });
      const removedAt = (await store.get(refOf(gone)))!.removedAt!;

      expect(await service.retry(refOf(gone))).toEqual({
        claimed: false,
        reason: 'removed',
        removedAt,
      });
      // Well past every backoff: only the two kept ones are due.
      clock += 3_600_000;
      expect(await service.provisionDue()).toBe(2);
      expect(await service.retryAllFailed()).toEqual({
        total: 2,
        started: 2,
        skipped: 0,
      });
      await service.settle();
      expect(await countRuns(knex, refOf(gone))).toBe(1);
      for (const entity of kept) {
        expect(await countRuns(knex, refOf(entity))).toBe(3);
      }
    },
  );

  const postgres = databases
    .eachSupportedId()
    .filter(([id]) => id.startsWith('POSTGRES'));

  it.each(postgres)(
    'never runs an application twice across two replicas sharing %p',
    async databaseId => {
      const knex = await setupDb(databaseId);
      const entities = Array.from({ length: 12 }, (_, i) =>
        application(uniqueSlug(`replica${i}`), 'dead'),
      );
      const a = serviceFor(knex, { entities });
      // The second replica has its own pool, as another process would.
      const replica = knexFactory({
        client: knex.client.config.client,
        connection: knex.client.config.connection,
        pool: { min: 0, max: 10 },
      });
      try {
        const b = serviceFor(replica, { entities });
        await a.service.reconcile();

        const claimed = await Promise.all([
          a.service.provisionDue(),
          b.service.provisionDue(),
          a.service.provisionDue(),
          b.service.provisionDue(),
        ]);
        expect(claimed.reduce((sum, n) => sum + n, 0)).toBe(12);
        // Both replicas did some of the work.
        expect(claimed[0] + claimed[2]).toBeGreaterThan(0);
        for (const entity of entities) {
          expect(await countRuns(knex, refOf(entity))).toBe(1);
        }
      } finally {
        await replica.destroy();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    "provisions with app-config's per-environment settings and the annotation's topic configs; a forbidden config or too many partitions is an annotation error and creates nothing, %p",
    async databaseId => {
      const knex = await setupDb(databaseId);
      const config = readKafkaHubConfig(
        new ConfigReader({
          kafkaHub: {
            provisioning: {
              topicConfig: { 'retention.ms': '3d' },
              allowedTopicConfigs: ['retention.ms', 'cleanup.policy'],
            },
            environments: {
              dev: {
                kafka: {
                  brokers: testServices.kafkaPlaintextBrokers,
                  clientId: 'kafka-hub-service-test',
                },
                provisioning: {
                  principalPattern: 'User:svc-{application}',
                  maxPartitions: 4,
                  topicConfig: { 'segment.ms': '1h' },
                },
              },
            },
          },
        }),
      );
      const [good, forbidden, tooMany] = ['good', 'forbidden', 'toomany'].map(
        uniqueSlug,
      );
      const entities = [
        component(good, {
          'kafka-hub.io/application': good,
          'kafka-hub.io/topics': 'events,ledger:2',
          'kafka-hub.io/topic-config':
            'ledger: cleanup.policy=compact, retention.ms=7d',
        }),
        component(forbidden, {
          'kafka-hub.io/application': forbidden,
          'kafka-hub.io/topics': 'events',
          'kafka-hub.io/topic-config':
            'events: retention.ms=1d, compression.type=gzip',
        }),
        component(tooMany, {
          'kafka-hub.io/application': tooMany,
          'kafka-hub.io/topics': 'events:8',
        }),
      ];
      const { store, service } = serviceFor(knex, {
        entities,
        environments: config.environments,
        allowedTopicConfigs: config.provisioning.allowedTopicConfigs,
      });

      // Invalid applications are recorded too: three new, two of them invalid.
      expect(await service.reconcile()).toMatchObject({
        created: 3,
        invalid: 2,
      });
      expect(await store.get(refOf(entities[1]))).toMatchObject({
        status: 'failed',
        annotationErrors: [
          {
            annotation: 'kafka-hub.io/topic-config',
            value: 'events: compression.type=gzip',
            message:
              'sets compression.type, which is not a topic config teams may set here (allowed: retention.ms, cleanup.policy)',
          },
        ],
      });
      expect(await store.get(refOf(entities[2]))).toMatchObject({
        status: 'failed',
        annotationErrors: [
          {
            annotation: 'kafka-hub.io/topics',
            value: 'events:8',
            message: 'asks for 8 partitions; environment dev allows at most 4',
          },
        ],
      });

      expect(await service.provisionDue()).toBe(1);
      const app = await store.get(refOf(entities[0]));
      expect(app).toMatchObject({
        status: 'completed',
        desiredState: {
          topics: [
            { name: 'events' },
            {
              name: 'ledger',
              partitions: 2,
              config: { 'cleanup.policy': 'compact', 'retention.ms': '7d' },
            },
          ],
        },
      });
      expect(app!.environments.dev.message).toBe(
        'Created 2 topics, 0 already existed; 6 ACLs in place (6 created, 0 already existed)',
      );

      const admin = createKafkaAdmin(DEV.kafka);
      try {
        const described = await admin.describeConfigs({
          resources: ['events', 'ledger'].map(topic => ({
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName: `${good}.${topic}`,
            configurationKeys: ['retention.ms', 'cleanup.policy', 'segment.ms'],
          })),
        });
        expect(
          described.map(d => [
            d.resourceName,
            Object.fromEntries(d.configs.map(c => [c.name, c.value])),
          ]),
        ).toEqual([
          [
            `${good}.events`,
            {
              'retention.ms': '259200000',
              'cleanup.policy': 'delete',
              'segment.ms': '3600000',
            },
          ],
          [
            `${good}.ledger`,
            {
              'retention.ms': '604800000',
              'cleanup.policy': 'compact',
              'segment.ms': '3600000',
            },
          ],
        ]);
        // The KRaft controller applies new ACLs a moment after creating
        // them: read until all six are described.
        let principals: string[] = [];
        for (
          let attempt = 0;
          principals.length < 6 && attempt < 50;
          attempt++
        ) {
          if (attempt > 0) await new Promise(r => setTimeout(r, 100));
          const acls = await admin.describeAcls({
            filter: {
              resourceType: ResourceTypes.ANY,
              resourceName: `${good}.`,
              resourcePatternType: ResourcePatternTypes.PREFIXED,
              principal: null,
              host: null,
              operation: AclOperations.ANY,
              permissionType: AclPermissionTypes.ANY,
            },
          });
          principals = acls.flatMap(r => r.acls.map(acl => acl.principal));
        }
        expect(principals).toEqual(Array(6).fill(`User:svc-${good}`));
        const topics = await admin.listTopics();
        expect(
          topics.filter(
            t => t.startsWith(`${forbidden}.`) || t.startsWith(`${tooMany}.`),
          ),
        ).toEqual([]);
        await admin.deleteTopics({
          topics: [`${good}.events`, `${good}.ledger`],
        });
      } finally {
        await admin.close();
      }
    },
  );
});
