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
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import { KafkaApplicationTopics } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import request from 'supertest';
import { EnvironmentConfig } from '../config/types';
import { migrationsDir } from '../database/migrations';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import { SchemaStore } from '../database/schemas';
import { SampledTopic, TopicStore } from '../database/topics';
import { EntityAccess } from '../permissions/EntityAccess';
import { ReadableEntities } from '../permissions/ReadableEntities';
import { testDatabaseIds } from '../testUtils/testServices';
import { createKafkaHubRouter } from './kafkaHubRouter';
import { TopicsApi } from '../api/TopicsApi';
import { topicRoutes } from './topicRoutes';

const ALICE = 'user:default/alice'; // reads orders
const BOB = 'user:default/bob'; // reads nothing of orders
const ORDERS = 'component:default/orders';
const at = (s: number) => new Date(Date.UTC(2026, 11, 5, 12, 0, s));

const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) => {
    const user = (options.credentials.principal as { userEntityRef?: string })
      .userEntityRef;
    return requests.map(
      (r): DefinitivePolicyDecision => ({
        result:
          user === ALICE &&
          isResourcePermission(r.permission) &&
          (r as { resourceRef?: string }).resourceRef === ORDERS
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      }),
    );
  },
});

const environment = (name: string): EnvironmentConfig => ({
  name,
  kafka: {
    brokers: ['127.0.0.1:1'],
    clientId: 'test',
    ssl: false,
    connectionTimeoutMs: 1000,
    requestTimeoutMs: 1000,
  },
  provisioning: {
    defaultPartitions: 3,
    maxPartitions: 100,
    replicationFactor: 1,
    principalPattern: 'User:{application}',
    topicConfig: {},
  },
});

const topic = (name: string, partitions: number): SampledTopic => ({
  topic: name,
  entityRef: ORDERS,
  partitions,
  replicationFactor: 1,
  underReplicatedPartitions: 0,
  offlinePartitions: 0,
  minInSyncReplicas: 1,
  partitionDetail: Array.from({ length: partitions }, (_, partition) => ({
    partition,
    leader: 1,
    replicas: [1],
    inSyncReplicas: [1],
  })),
  sizeBytes: 2048,
  diskBytes: 2048,
  messageEstimate: 12,
  retentionMs: 604_800_000,
  retentionBytes: -1,
  cleanupPolicy: 'delete',
  configOverrides: { 'retention.ms': '604800000' },
  consumerGroups: ['orders.billing'],
});

const run = {
  durationMs: 1000,
  outcome: 'succeeded' as const,
  kafkaRequests: 6,
  requestCounts: { Metadata: 1 },
};

describe('GET /applications/:entityRef/topics', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const topics = new TopicStore(knex);
    const applications = new ProvisioningStore(knex);
    const schemas = new SchemaStore(knex);
    await applications.upsertDesired({
      entityRef: ORDERS,
      application: 'orders',
      ownerRef: 'group:default/team-a',
      desiredState: {
        environments: ['dev', 'prod'],
        topics: [{ name: 'events', partitions: 6 }, { name: 'audit' }],
      },
      desiredStateHash: 'h1',
      now: at(0),
    });
    const router = await createKafkaHubRouter();
    topicRoutes(router, {
      httpAuth: mockServices.httpAuth(),
      api: new TopicsApi({
        access: new EntityAccess(permissions),
        readable: new ReadableEntities({
          permissions,
          catalog: catalogServiceMock(),
          auth: mockServices.auth(),
          logger: mockServices.logger.mock(),
        }),
        ownedEntityRefs: owner => applications.ownedEntityRefs(owner),
        topics,
        applications,
        schemas,
        environments: [environment('dev'), environment('prod')],
        namespacePattern: '{application}.',
      }),
    });
    const app = express().use(router).use(mockErrorHandler());
    const get = (user: string, entityRef = ORDERS) =>
      request(app)
        .get(`/applications/${encodeURIComponent(entityRef)}/topics`)
        .set('Authorization', mockCredentials.user.header(user));
    return { topics, schemas, get };
  }

  it.each(databases.eachSupportedId())(
    'serves the stored topics with subjects and drift, and the error of a failed sample beside the topics it kept, %p',
    async databaseId => {
      const { topics, schemas, get } = await setup(databaseId);
      await topics.replaceEnvironment({
        environment: 'dev',
        topics: [topic('orders.events', 3), topic('orders.scratch', 1)],
        sampledAtMs: at(10).getTime(),
        run: { ...run, lastRunAt: at(9) },
      });
      await topics.recordFailedRun({
        ...run,
        environment: 'dev',
        lastRunAt: at(20),
        outcome: 'failed',
        error: 'Connection error: connect ECONNREFUSED 127.0.0.1:1\nat stack',
      });
      await schemas.saveSubject(
        'dev',
        {
          subject: 'orders.events-value',
          status: 'registered',
          entityRef: ORDERS,
          topic: 'orders.events',
          role: 'value',
          format: 'AVRO',
          versionCount: 0,
          newVersions: [],
          deletedVersions: [],
          restoredVersions: [],
          compatibilityAnswers: [],
        },
        at(0),
      );

      const res = await get(ALICE);
      expect(res.status).toBe(200);
      const body = res.body as KafkaApplicationTopics;
      expect(body.prefix).toBe('orders.');
      const [dev, prod] = body.environments;
      expect(dev).toMatchObject({
        environment: 'dev',
        sampledAt: at(10).toISOString(),
        lastRunAt: at(20).toISOString(),
        // The first line only: the caller is no admin.
        error: 'Connection error: connect ECONNREFUSED 127.0.0.1:1',
      });
      expect(dev.topics[0]).toMatchObject({
        name: 'orders.events',
        partitions: 3,
        leaders: [1],
        sizeBytes: 2048,
        messageEstimate: 12,
        configOverrides: { 'retention.ms': '604800000' },
        consumerGroups: ['orders.billing'],
        valueSubject: 'orders.events-value',
        declared: true,
        declaredPartitions: 6,
      });
      expect(dev.topics[0].keySubject).toBeUndefined();
      expect(dev.topics[1]).toMatchObject({
        name: 'orders.scratch',
        declared: false,
      });
      // audit takes the environment's default of 3 partitions.
      expect(dev.drift).toEqual([
        expect.objectContaining({
          kind: 'missing',
          topic: 'orders.audit',
          declaredPartitions: 3,
        }),
        expect.objectContaining({
          kind: 'fewer-partitions',
          topic: 'orders.events',
          message: '3 partitions, 6 declared',
        }),
        expect.objectContaining({
          kind: 'undeclared',
          topic: 'orders.scratch',
        }),
      ]);
      // Never sampled: nothing is known, so nothing is called missing.
      expect(prod).toEqual({ environment: 'prod', topics: [], drift: [] });
    },
  );

  it.each(databases.eachSupportedId())(
    'answers 404 to a caller who may not read the entity, exactly as for a missing one, %p',
    async databaseId => {
      const { topics, get } = await setup(databaseId);
      await topics.replaceEnvironment({
        environment: 'dev',
        topics: [topic('orders.events', 6)],
        sampledAtMs: at(10).getTime(),
        run: { ...run, lastRunAt: at(9) },
      });
      const forbidden = await get(BOB);
      const missing = await get(ALICE, 'component:default/nothing');
      expect(forbidden.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(forbidden.body.error.message).toBe(
        `No Kafka application for ${ORDERS}`,
      );
      expect(missing.body.error.message).toBe(
        'No Kafka application for component:default/nothing',
      );
      expect(JSON.stringify(forbidden.body)).not.toContain('orders.events');
    },
  );

  it.each(databases.eachSupportedId())(
    'names the parameter that breaks the contract, %p',
    async databaseId => {
      const { get } = await setup(databaseId);
      const res = await get(ALICE, 'not a ref');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/entityRef/);
    },
  );
});
