import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  DefinitivePolicyDecision,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  KafkaTopicList,
  KafkaTopicListItem,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import express from 'express';
import request from 'supertest';
import { TopicsApi } from '../api/TopicsApi';
import { EnvironmentConfig } from '../config/types';
import { migrationsDir } from '../database/migrations';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import { SchemaStore } from '../database/schemas';
import { SampledTopic, TopicStore } from '../database/topics';
import { EntityAccess } from '../permissions/EntityAccess';
import { ReadableEntities } from '../permissions/ReadableEntities';
import { testDatabaseIds } from '../testUtils/testServices';
import { createKafkaHubRouter } from './kafkaHubRouter';
import { topicRoutes } from './topicRoutes';

jest.setTimeout(60_000);

const ADMIN = 'user:default/pat';
const ALICE = 'user:default/alice'; // team-a: owns orders
const BOB = 'user:default/bob'; // team-b: owns payments
const ORDERS = 'component:default/orders';
const PAYMENTS = 'component:default/payments';
const owners: Record<string, string> = { [ORDERS]: ALICE, [PAYMENTS]: BOB };
const at = (s: number) => new Date(Date.UTC(2026, 11, 6, 12, 0, s));

const entity = (entityRef: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: entityRef.split('/')[1],
    namespace: 'default',
    annotations: { 'kafka-hub.io/application': entityRef.split('/')[1] },
  },
  spec: { owner },
});

/**
 * Admins may do everything; users read the entities they own: per entity
 * for `authorize`, as catalog conditions (spec.owner, which the in-memory
 * catalog evaluates) for `authorizeConditional`.
 */
const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) => {
    const user = (options.credentials as any).principal.userEntityRef;
    return requests.map((req): DefinitivePolicyDecision => {
      const resourceRef = (req as { resourceRef?: string }).resourceRef;
      const allowed =
        user === ADMIN ||
        (resourceRef !== undefined && owners[resourceRef] === user);
      return { result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    });
  },
  authorizeConditional: async (requests, options) => {
    const user = (options.credentials as any).principal.userEntityRef;
    return requests.map(
      (): PolicyDecision =>
        user === ADMIN
          ? { result: AuthorizeResult.ALLOW }
          : {
              result: AuthorizeResult.CONDITIONAL,
              pluginId: 'catalog',
              resourceType: 'catalog-entity',
              conditions: {
                resourceType: 'catalog-entity',
                rule: 'HAS_SPEC',
                params: { key: 'owner', value: user ?? 'nobody' },
              },
            },
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
});

const topic = (
  name: string,
  entityRef: string,
  more: Partial<SampledTopic> = {},
): SampledTopic => ({
  topic: name,
  entityRef,
  partitions: 3,
  replicationFactor: 3,
  underReplicatedPartitions: 0,
  offlinePartitions: 0,
  minInSyncReplicas: 3,
  partitionDetail: [0, 1, 2].map(partition => ({
    partition,
    leader: 1,
    replicas: [1, 2, 3],
    inSyncReplicas: [1, 2, 3],
  })),
  sizeBytes: 1000,
  messageEstimate: 10,
  retentionMs: 604_800_000,
  retentionBytes: -1,
  cleanupPolicy: 'delete',
  consumerGroups: [],
  declaredPartitions: 3,
  ...more,
});

describe('GET /topics', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const topics = new TopicStore(knex);
    const applications = new ProvisioningStore(knex);
    for (const [entityRef, ownerRef] of [
      [ORDERS, 'group:default/team-a'],
      [PAYMENTS, 'group:default/team-b'],
    ]) {
      await applications.upsertDesired({
        entityRef,
        application: entityRef.split('/')[1],
        ownerRef,
        desiredState: { environments: ['dev'], topics: [] },
        desiredStateHash: 'h',
        now: at(0),
      });
    }
    await topics.replaceEnvironment({
      environment: 'dev',
      sampledAtMs: at(10).getTime(),
      run: {
        lastRunAt: at(9),
        durationMs: 1000,
        outcome: 'succeeded',
        kafkaRequests: 6,
        requestCounts: { Metadata: 1 },
      },
      topics: [
        topic('orders.events', ORDERS, {
          drift: 'fewer-partitions',
          declaredPartitions: 6,
          sizeBytes: 5000,
          consumerGroups: ['orders.billing', 'orders.audit'],
        }),
        topic('orders.scratch', ORDERS, {
          drift: 'undeclared',
          declaredPartitions: undefined,
          partitions: 1,
          sizeBytes: undefined,
          messageEstimate: undefined,
        }),
        topic('orders.audit', ORDERS, {
          underReplicatedPartitions: 2,
          offlinePartitions: 1,
          messageEstimate: 999,
        }),
        topic('payments.events', PAYMENTS, {
          drift: 'undeclared',
          declaredPartitions: undefined,
        }),
        topic('payments.ledger', PAYMENTS, { underReplicatedPartitions: 1 }),
      ],
    });
    const router = await createKafkaHubRouter();
    topicRoutes(router, {
      httpAuth: mockServices.httpAuth(),
      api: new TopicsApi({
        access: new EntityAccess(permissions),
        readable: new ReadableEntities({
          permissions,
          catalog: catalogServiceMock({
            entities: [entity(ORDERS, ALICE), entity(PAYMENTS, BOB)],
          }),
          auth: mockServices.auth(),
          logger: mockServices.logger.mock(),
        }),
        ownedEntityRefs: owner => applications.ownedEntityRefs(owner),
        topics,
        applications,
        schemas: new SchemaStore(knex),
        environments: [environment('dev')],
        namespacePattern: '{application}.',
      }),
    });
    const app = express().use(router).use(mockErrorHandler());
    const get = (user: string, query = '') =>
      request(app)
        .get(`/topics${query}`)
        .set('Authorization', mockCredentials.user.header(user));
    return { app, get };
  }

  const names = (body: KafkaTopicList) => body.items.map(t => t.name);

  it.each(databases.eachSupportedId())(
    "answers a member with only their team's topics, in one conditional decision, and an admin with all, %p",
    async databaseId => {
      const { get } = await setup(databaseId);
      permissions.authorizeConditional.mockClear();
      const alice = await get(ALICE);
      expect(alice.status).toBe(200);
      expect(permissions.authorizeConditional).toHaveBeenCalledTimes(1);
      expect(alice.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
      expect(names(alice.body)).toEqual([
        'orders.audit',
        'orders.events',
        'orders.scratch',
      ]);
      const events = alice.body.items[1] as KafkaTopicListItem;
      expect(events).toEqual({
        environment: 'dev',
        entityRef: ORDERS,
        name: 'orders.events',
        partitions: 3,
        replicationFactor: 3,
        underReplicatedPartitions: 0,
        offlinePartitions: 0,
        sizeBytes: 5000,
        messageEstimate: 10,
        retentionMs: 604_800_000,
        retentionBytes: -1,
        cleanupPolicy: 'delete',
        consumerGroups: ['orders.billing', 'orders.audit'],
        drift: {
          kind: 'fewer-partitions',
          topic: 'orders.events',
          partitions: 3,
          declaredPartitions: 6,
          message: '3 partitions, 6 declared',
        },
        sampledAt: at(10).toISOString(),
      });
      expect(alice.body.items[2].drift).toMatchObject({
        kind: 'undeclared',
        message: 'On the broker under the namespace, not declared',
      });
      expect(alice.body.items[0].drift).toBeUndefined();

      const admin = await get(ADMIN, '?sort=name&limit=2&offset=2');
      expect(admin.body).toMatchObject({ total: 5, limit: 2, offset: 2 });
      expect(names(admin.body)).toEqual(['orders.scratch', 'payments.events']);

      const service = await request((await setup(databaseId)).app)
        .get('/topics')
        .set('Authorization', mockCredentials.service.header());
      expect(service.status).toBe(200);

      const anonymous = await request((await setup(databaseId)).app)
        .get('/topics')
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
    },
  );

  it.each(databases.eachSupportedId())(
    "shows a member of another team none of team A's topics, however asked, and no total that counts them, %p",
    async databaseId => {
      const { get } = await setup(databaseId);
      const asked = [
        '',
        `?entityRef=${encodeURIComponent(ORDERS)}`,
        `?entityRef=${encodeURIComponent(ORDERS)},${encodeURIComponent(
          PAYMENTS,
        )}`,
        '?owner=group:default/team-a',
        '?search=orders',
        '?drift=true',
        '?underReplicated=true',
        '?sort=size&limit=1&offset=3',
      ];
      const totals: number[] = [];
      for (const query of asked) {
        const res = await get(BOB, query);
        expect({ query, status: res.status }).toEqual({ query, status: 200 });
        expect({ query, body: JSON.stringify(res.body) }).not.toEqual({
          query,
          body: expect.stringContaining('orders'),
        });
        totals.push(res.body.total);
      }
      expect(totals).toEqual([2, 0, 2, 0, 0, 1, 1, 2]);
    },
  );

  it.each(databases.eachSupportedId())(
    'filters by environment, owner, search, drift and under-replication, and sorts by size and messages, %p',
    async databaseId => {
      const { get } = await setup(databaseId);
      const ask = async (query: string) =>
        names((await get(ADMIN, query)).body);
      expect(await ask('?environment=dev&owner=group:default/team-b')).toEqual([
        'payments.events',
        'payments.ledger',
      ]);
      expect(await ask('?environment=prod')).toEqual([]);
      expect(await ask('?search=EVENTS')).toEqual([
        'orders.events',
        'payments.events',
      ]);
      expect(await ask('?drift=true')).toEqual([
        'orders.events',
        'orders.scratch',
        'payments.events',
      ]);
      expect(await ask('?drift=false&underReplicated=true')).toEqual([
        'orders.audit',
        'payments.ledger',
      ]);
      // Descending; unknown sizes last.
      expect(
        await ask('?sort=size&entityRef=component:default/orders'),
      ).toEqual(['orders.events', 'orders.audit', 'orders.scratch']);
      expect(await ask('?sort=messages&limit=1')).toEqual(['orders.audit']);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers 400 naming the bad parameter, %p',
    async databaseId => {
      const { get } = await setup(databaseId);
      for (const [query, message] of [
        ['limit=201', 'request/query/limit must be <= 200'],
        ['limit=0', 'request/query/limit must be >= 1'],
        ['limit=abc', 'request/query/limit'],
        ['offset=-1', 'request/query/offset must be >= 0'],
        [
          'sort=lag',
          'request/query/sort must be equal to one of the allowed values: name, size, messages',
        ],
        ['drift=yes', 'request/query/drift must be boolean'],
        ['underReplicated=1x', 'request/query/underReplicated must be boolean'],
        ['search=a&search=b', 'request/query/search must be string'],
        [
          `search=${'x'.repeat(256)}`,
          'request/query/search must NOT have more than 255 characters',
        ],
        [
          'entityRef=orders',
          'request/query/entityRef/0 must be an entity ref like component:default/my-service',
        ],
        ['owner=team-a', 'request/query/owner must be an entity ref'],
        [
          'environment=d.e.v',
          'request/query/environment must be an environment name',
        ],
      ]) {
        const res = await get(ADMIN, `?${query}`);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect({ query, message: res.body.error.message }).toEqual({
          query,
          message: expect.stringContaining(message),
        });
      }
    },
  );
});
