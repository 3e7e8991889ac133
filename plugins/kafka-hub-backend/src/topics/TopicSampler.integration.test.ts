import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  DefinitivePolicyDecision,
} from '@backstage/plugin-permission-common';
import { KafkaApplicationTopics } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import request from 'supertest';
import { ClaimSet } from '../claims';
import { namespaceClaim } from '../claims/__testUtils__/claims';
import { GroupSync } from '../consumerGroups/GroupSync';
import {
  createProducer,
  liveEnvironment,
  produce,
  startConsumer,
  brokerScratch,
  uniqueSuffix,
  waitFor,
  committedOffsets,
} from '../consumerGroups/__testUtils__/testKafka';
import { ConsumerGroupStore, TaskRunStore } from '../database/consumerGroups';
import { migrationsDir } from '../database/migrations';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import { SchemaStore } from '../database/schemas';
import { TopicStore } from '../database/topics';
import { EntityAccess } from '../permissions/EntityAccess';
import { ReadableEntities } from '../permissions/ReadableEntities';
import { createKafkaHubRouter } from '../router/kafkaHubRouter';
import { TopicsApi } from '../api/TopicsApi';
import { topicRoutes } from '../router/topicRoutes';
import { testDatabaseIds, testServices } from '../testUtils/testServices';
import { TopicSampler } from './TopicSampler';

jest.setTimeout(120_000);

const logger = mockServices.logger.mock();
const ENTITY = 'component:default/topics-app';
const USER = 'user:default/alice';

const allowEveryone = mockServices.permissions.mock({
  authorize: async requests =>
    requests.map(
      (): DefinitivePolicyDecision => ({ result: AuthorizeResult.ALLOW }),
    ),
  authorizeConditional: async requests =>
    requests.map(
      (): DefinitivePolicyDecision => ({ result: AuthorizeResult.ALLOW }),
    ),
});

describe('TopicSampler against the real broker', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const { admin, topics: created, groupIds } = brokerScratch();

  /** A fresh namespace `khtopics-<hex>.`, claimed by ENTITY. */
  function namespace() {
    const application = `khtopics-${uniqueSuffix()}`;
    const prefix = `${application}.`;
    const claims = new ClaimSet(
      [namespaceClaim(application, ENTITY, { prefix })],
      [],
    );
    return { application, prefix, claims: async () => claims };
  }

  async function stores(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    return {
      knex,
      topics: new TopicStore(knex),
      groups: new ConsumerGroupStore(knex),
      taskRuns: new TaskRunStore(knex),
    };
  }

  async function createTopic(
    topic: string,
    partitions: number,
    configs: Record<string, string> = {},
  ) {
    created.push(topic);
    await admin.createTopics({
      topics: [topic],
      partitions,
      replicas: 1,
      configs: Object.entries(configs).map(([name, value]) => ({
        name,
        value,
      })),
    });
    await waitFor(`leaders of ${topic}`, async () =>
      admin
        .listOffsets({
          topics: [
            {
              name: topic,
              partitions: Array.from({ length: partitions }, (_, i) => ({
                partitionIndex: i,
                timestamp: -1n,
              })),
            },
          ],
        })
        .then(() => true)
        .catch(() => false),
    );
  }

  it.each(databases.eachSupportedId())(
    'stores each topic of the namespace with its partitions, replicas, size, messages, configs set on it and readers, and the drift, %p',
    async databaseId => {
      const s = await stores(databaseId);
      const ns = namespace();
      const orders = `${ns.prefix}orders`;
      const payments = `${ns.prefix}payments`;
      const scratch = `${ns.prefix}scratch`;
      await createTopic(orders, 3, {
        'retention.ms': '3600000',
        'cleanup.policy': 'compact',
      });
      await createTopic(payments, 2);
      await createTopic(scratch, 1);
      // Outside every claimed namespace: never sampled.
      const outside = `khtopics-outside-${uniqueSuffix()}`;
      await createTopic(outside, 1);

      const producer = createProducer();
      try {
        // Compacted topics need keys.
        await producer.send({
          messages: Array.from({ length: 7 }, (_, i) => ({
            topic: orders,
            partition: i % 3,
            key: `k${i}`,
            value: `v${i}`,
          })),
        });
        await produce(producer, payments, 2, 2);
      } finally {
        await producer.close();
      }

      // A group reading payments, found by the group sync as in production.
      const groupId = `${ns.prefix}billing`;
      groupIds.push(groupId);
      const consumer = await startConsumer(groupId, payments);
      try {
        await waitFor('the reader to commit', async () => {
          const committed = await committedOffsets(admin, groupId, payments);
          return committed[0] === 2 && committed[1] === 2;
        });
        const sync = new GroupSync({
          environment: liveEnvironment(),
          logger,
          groups: s.groups,
          taskRuns: s.taskRuns,
          claims: ns.claims,
          describeBatchSize: 100,
          inactiveAfterMs: 86_400_000,
          archiveAfterMs: 7 * 86_400_000,
        });
        expect(await sync.sync()).toMatchObject({ ok: true });
      } finally {
        await consumer.close();
      }

      // The declaration: orders with more partitions than on the broker,
      // refunds missing, scratch undeclared.
      const provisioning = new ProvisioningStore(s.knex);
      await provisioning.upsertDesired({
        entityRef: ENTITY,
        application: ns.application,
        desiredState: {
          environments: ['dev'],
          topics: [
            { name: 'orders', partitions: 6 },
            { name: 'payments' },
            { name: 'refunds', partitions: 2 },
          ],
        },
        desiredStateHash: 'h1',
        now: new Date(),
      });
      const sampler = new TopicSampler({
        environment: liveEnvironment(),
        store: s.topics,
        groups: s.groups,
        claims: ns.claims,
        applications: entityRefs =>
          provisioning.list({ entityRefs, includeRemoved: true }),
        namespacePattern: '{application}.',
        concurrency: 4,
      });
      const result = await sampler.sample();
      expect(result).toMatchObject({ ok: true, topics: 3, partitions: 6 });
      expect(result.partial).toBeUndefined();

      const stored = await s.topics.listByEntity(ENTITY);
      expect(stored.map(t => t.topic)).toEqual([orders, payments, scratch]);
      const [o, p, x] = stored;
      expect(o).toMatchObject({
        environment: 'dev',
        entityRef: ENTITY,
        // Stored with the drift against the declaration at the sample.
        drift: 'fewer-partitions',
        declaredPartitions: 6,
        partitions: 3,
        replicationFactor: 1,
        underReplicatedPartitions: 0,
        offlinePartitions: 0,
        minInSyncReplicas: 1,
        messageEstimate: 7,
        retentionMs: 3_600_000,
        cleanupPolicy: 'compact',
        consumerGroups: [],
      });
      // Exactly what was set on the topic: nothing the broker gives every topic.
      expect(o.configOverrides).toEqual({
        'cleanup.policy': 'compact',
        'retention.ms': '3600000',
      });
      expect(o.sizeBytes).toBeGreaterThan(0);
      expect(o.diskBytes).toBe(o.sizeBytes); // one replica
      expect(o.partitionDetail).toHaveLength(3);
      for (const partition of o.partitionDetail) {
        expect(partition.leader).toBeDefined();
        expect(partition.inSyncReplicas).toEqual(partition.replicas);
      }

      expect(p.drift).toBeUndefined();
      expect(x.drift).toBe('undeclared');
      expect(x.declaredPartitions).toBeUndefined();
      expect(p).toMatchObject({
        partitions: 2,
        messageEstimate: 4,
        cleanupPolicy: 'delete',
        configOverrides: {},
        consumerGroups: [groupId],
      });
      expect(p.sizeBytes).toBeGreaterThan(0);
      expect(x).toMatchObject({
        partitions: 1,
        messageEstimate: 0,
        sizeBytes: 0,
        consumerGroups: [],
      });

      // The run is recorded with its requests, for the admin page.
      const run = await s.topics.getRun('dev');
      expect(run).toMatchObject({
        outcome: 'succeeded',
        topics: 3,
        sampledAtMs: result.sampledAtMs,
        kafkaRequests: result.kafkaRequests,
        requestCounts: result.requestCounts,
      });

      const router = await createKafkaHubRouter();
      topicRoutes(router, {
        httpAuth: mockServices.httpAuth(),
        api: new TopicsApi({
          access: new EntityAccess(allowEveryone),
          readable: new ReadableEntities({
            permissions: allowEveryone,
            catalog: catalogServiceMock(),
            auth: mockServices.auth(),
            logger,
          }),
          ownedEntityRefs: owner => provisioning.ownedEntityRefs(owner),
          topics: s.topics,
          applications: provisioning,
          schemas: new SchemaStore(s.knex),
          environments: [liveEnvironment()],
          namespacePattern: '{application}.',
        }),
      });
      const app = express().use(router).use(mockErrorHandler());
      const res = await request(app)
        .get(`/applications/${encodeURIComponent(ENTITY)}/topics`)
        .set('Authorization', mockCredentials.user.header(USER));
      expect(res.status).toBe(200);
      const body = res.body as KafkaApplicationTopics;
      expect(body.environments).toHaveLength(1);
      const [dev] = body.environments;
      expect(dev.sampledAt).toBe(new Date(result.sampledAtMs!).toISOString());
      expect(dev.error).toBeUndefined();
      expect(dev.topics.map(t => [t.name, t.declared])).toEqual([
        [orders, true],
        [payments, true],
        [scratch, false],
      ]);
      expect(dev.drift.map(d => [d.kind, d.topic])).toEqual([
        ['fewer-partitions', orders],
        ['missing', `${ns.prefix}refunds`],
        ['undeclared', scratch],
      ]);
      expect(dev.drift[0]).toMatchObject({
        declaredPartitions: 6,
        partitions: 3,
      });

      // The cross-entity list tells the same drift, and filters on it.
      const list = await request(app)
        .get(
          `/topics?entityRef=${encodeURIComponent(
            ENTITY,
          )}&drift=true&sort=size`,
        )
        .set('Authorization', mockCredentials.user.header(USER));
      expect(list.status).toBe(200);
      expect(list.body.total).toBe(2);
      expect(
        list.body.items.map((t: any) => [
          t.name,
          t.drift.kind,
          t.drift.message,
        ]),
      ).toEqual([
        [orders, 'fewer-partitions', dev.drift[0].message],
        [scratch, 'undeclared', dev.drift[2].message],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'sends as many DescribeConfigs, DescribeLogDirs and ListOffsets requests for 30 topics as for 3: per broker and leader, not per topic, %p',
    async databaseId => {
      const s = await stores(databaseId);
      const ns = namespace();
      const sampler = new TopicSampler({
        environment: liveEnvironment(),
        store: s.topics,
        groups: s.groups,
        claims: ns.claims,
        concurrency: 4,
      });
      const names = Array.from(
        { length: 30 },
        (_, i) => `${ns.prefix}t${String(i).padStart(2, '0')}`,
      );
      for (const name of names.slice(0, 3)) await createTopic(name, 2);
      const three = await sampler.sample();
      expect(three).toMatchObject({ ok: true, topics: 3 });

      for (const name of names.slice(3)) await createTopic(name, 2);
      const thirty = await sampler.sample();
      expect(thirty).toMatchObject({ ok: true, topics: 30 });

      const { brokers } = await admin.metadata({
        topics: [],
        forceUpdate: true,
      });
      const perSample = {
        Metadata: 1,
        DescribeConfigs: 1,
        DescribeLogDirs: brokers.size,
        // Earliest and latest, per leader.
        ListOffsets: 2 * brokers.size,
      };
      expect(three.requestCounts).toMatchObject(perSample);
      expect(thirty.requestCounts).toEqual(three.requestCounts);
      expect(thirty.kafkaRequests).toBe(three.kafkaRequests);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the stored topics when the cluster cannot be reached, and records why, %p',
    async databaseId => {
      const s = await stores(databaseId);
      const ns = namespace();
      const topic = `${ns.prefix}kept`;
      await createTopic(topic, 1);
      const options = {
        store: s.topics,
        groups: s.groups,
        claims: ns.claims,
        // The claim's application is not stored (yet): no drift is told.
        applications: async () => [],
        namespacePattern: '{application}.',
        concurrency: 4,
      };
      const good = await new TopicSampler({
        ...options,
        environment: liveEnvironment(),
      }).sample();
      expect(good).toMatchObject({ ok: true, topics: 1 });
      const before = await s.topics.listByEntity(ENTITY);
      expect(before).toEqual([
        expect.objectContaining({ topic, drift: undefined }),
      ]);

      const down = liveEnvironment();
      down.kafka = {
        ...down.kafka,
        brokers: testServices.deadBrokers,
        connectionTimeoutMs: 500,
        requestTimeoutMs: 1000,
      };
      const failed = await new TopicSampler({
        ...options,
        environment: down,
      }).sample();
      expect(failed.ok).toBe(false);
      expect(failed.error).toMatch(/ECONNREFUSED|connect/i);

      expect(await s.topics.listByEntity(ENTITY)).toEqual(before);
      expect(await s.topics.getRun('dev')).toMatchObject({
        outcome: 'failed',
        error: failed.error,
        sampledAtMs: good.sampledAtMs,
        topics: 1,
      });
    },
  );
});
