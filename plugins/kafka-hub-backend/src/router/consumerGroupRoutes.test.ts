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
import express from 'express';
import request from 'supertest';
import {
  ConsumerGroupStore,
  DiscoveredGroup,
  LagHistoryStore,
  TaskRunStore,
} from '../database/consumerGroups';
import { migrationsDir } from '../database/migrations';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import { EntityAccess } from '../permissions/EntityAccess';
import { ReadableEntities } from '../permissions/ReadableEntities';
import { testDatabaseIds } from '../testUtils/testServices';
import { createKafkaHubRouter } from './kafkaHubRouter';
import { consumerGroupRoutes } from './consumerGroupRoutes';
import { ConsumerGroupsApi } from '../api/ConsumerGroupsApi';

jest.setTimeout(60_000);

const ADMIN = 'user:default/pat';
const ALICE = 'user:default/alice';
const ORDERS = 'component:default/orders';
const PAYMENTS = 'component:default/payments';
const owners: Record<string, string> = { [ORDERS]: ALICE };
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

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
    const principal = (options.credentials as any).principal;
    const user = principal.userEntityRef;
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

// A KIP-848 consumer group, as ConsumerGroupDescribe describes it.
const group = (groupId: string): DiscoveredGroup => ({
  groupId,
  type: 'consumer',
  protocolType: 'consumer',
  assignmentStrategy: 'uniform',
  groupEpoch: 3,
  assignmentEpoch: 3,
  describedWith: 'ConsumerGroupDescribe',
  state: 'Stable',
  members: [
    {
      memberId: `${groupId}-1`,
      clientId: 'svc',
      host: '/10.0.0.1',
      memberEpoch: 3,
      subscribedTopics: ['orders.created'],
      assignments: [{ topic: 'orders.created', partitions: [0] }],
      targetAssignments: [{ topic: 'orders.created', partitions: [0] }],
    },
  ],
  subscribedTopics: ['orders.created'],
});

describe('consumer group routes', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const groups = new ConsumerGroupStore(knex);
    const history = new LagHistoryStore(knex);
    const taskRuns = new TaskRunStore(knex);
    const links: Record<string, string> = {
      'orders.reader': ORDERS,
      'orders.audit': ORDERS,
      'payments.reader': PAYMENTS,
    };
    await groups.recordSync({
      environment: 'dev',
      groups: [
        'orders.reader',
        'orders.audit',
        'payments.reader',
        'unlinked',
      ].map(group),
      linkOf: id =>
        links[id] ? { entityRef: links[id], linkedBy: 'prefix' } : undefined,
      now: new Date(NOW - 60_000),
      inactiveAfterMs: 86_400_000,
      archiveAfterMs: 7 * 86_400_000,
    });
    for (const [i, ms] of [NOW - 120_000, NOW - 60_000].entries()) {
      await history.writeSample({
        environment: 'dev',
        sampledAtMs: ms,
        groups: [
          {
            groupId: 'orders.reader',
            state: 'Stable',
            memberCount: 1,
            partitions: [
              {
                topic: 'orders.created',
                partition: 0,
                committedOffset: 5,
                endOffset: 25 + i,
                lag: 20 + i,
                timeLagSeconds: 3,
              },
              { topic: 'orders.created', partition: 1, endOffset: 4 },
            ],
            totalLag: 20 + i,
            maxPartitionLag: 20 + i,
            timeLagSeconds: 3,
            partitionsWithoutCommit: 1,
            committedSum: 5,
            rewound: false,
            status: 'WARN',
            statusReason: 'Lag grew',
            trend: [20, 20 + i],
          },
        ],
        endOffsetPoints: [],
        endOffsetPrunes: [],
        keepPartitionHistory: false,
      });
    }
    await taskRuns.record({
      environment: 'dev',
      task: 'lag',
      startedAt: new Date(NOW),
      finishedAt: new Date(NOW),
      // The sampler's text for an environment: it names any team's group.
      error:
        '1 of 4 groups could not be sampled, e.g. payments.reader: The coordinator is not available\n  at Socket.connect',
    });
    // Applications, for owner=: orders is team-a's, payments team-b's.
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
        now: new Date(NOW),
      });
    }
    const router = await createKafkaHubRouter();
    const api = new ConsumerGroupsApi({
      ownedEntityRefs: owner => applications.ownedEntityRefs(owner),
      access: new EntityAccess(permissions),
      readable: new ReadableEntities({
        permissions,
        catalog: catalogServiceMock({
          entities: [
            entity(ORDERS, ALICE),
            entity(PAYMENTS, 'user:default/bob'),
          ],
        }),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
      }),
      groups,
      history,
      taskRuns,
      retention: {
        rawMs: 7 * 86_400_000,
        hourlyMs: 30 * 86_400_000,
        partitionHistoryMs: 3_600_000,
      },
      now: () => NOW,
    });
    consumerGroupRoutes(router, { httpAuth: mockServices.httpAuth(), api });
    const app = express();
    app.use(router);
    app.use(mockErrorHandler());
    return { app, knex };
  }

  const as = (user: string) => ({
    Authorization: mockCredentials.user.header(user),
  });

  it.each(databases.eachSupportedId())(
    'lists only what the caller may read; unlinked groups for admins on %p',
    async databaseId => {
      const { app } = await setup(databaseId);
      permissions.authorizeConditional.mockClear();
      const alice = await request(app).get('/consumer-groups').set(as(ALICE));
      expect(alice.status).toBe(200);
      expect(permissions.authorizeConditional).toHaveBeenCalledTimes(1);
      expect(alice.body.total).toBe(2);
      expect(alice.body.items.map((g: any) => g.groupId)).toEqual([
        'orders.reader',
        'orders.audit',
      ]);
      expect(alice.body.items[0]).toMatchObject({
        environment: 'dev',
        entityRef: ORDERS,
        type: 'consumer',
        protocolType: 'consumer',
        memberCount: 1,
        trend: [20, 21],
        lag: { totalLag: 21, status: 'WARN', partitionsWithoutCommit: 1 },
      });

      const admin = await request(app)
        .get('/consumer-groups?sort=name&limit=2&offset=2')
        .set(as(ADMIN));
      expect(admin.body).toMatchObject({ total: 4, limit: 2, offset: 2 });
      expect(admin.body.items.map((g: any) => g.groupId)).toEqual([
        'payments.reader',
        'unlinked',
      ]);

      const notHers = await request(app)
        .get(`/consumer-groups?entityRef=${encodeURIComponent(PAYMENTS)}`)
        .set(as(ALICE));
      expect(notHers.body).toMatchObject({ items: [], total: 0 });

      // Several entities at once (a team's applications): only the readable.
      const both = await request(app)
        .get(
          `/consumer-groups?entityRef=${encodeURIComponent(
            ORDERS,
          )}&entityRef=${encodeURIComponent(PAYMENTS)}`,
        )
        .set(as(ALICE));
      expect(both.body.items.map((g: any) => g.groupId).sort()).toEqual([
        'orders.audit',
        'orders.reader',
      ]);
      const bothForAdmin = await request(app)
        .get(`/consumer-groups/summary?entityRef=${ORDERS},${PAYMENTS}`)
        .set(as(ADMIN));
      expect(bothForAdmin.body.total).toBe(3);

      const service = await request(app)
        .get('/consumer-groups?hasLag=true')
        .set({ Authorization: mockCredentials.service.header() });
      expect(service.status).toBe(200);

      permissions.authorizeConditional.mockClear();
      permissions.authorize.mockClear();
      const summary = await request(app)
        .get('/consumer-groups/summary')
        .set(as(ALICE));
      const search = await request(app)
        .get('/consumer-groups?search=READER')
        .set(as(ALICE));
      expect(search.body.items.map((g: any) => g.groupId)).toEqual([
        'orders.reader',
      ]);
      // One conditional decision and one admin check per request.
      expect(permissions.authorizeConditional).toHaveBeenCalledTimes(2);
      expect(permissions.authorize).toHaveBeenCalledTimes(2);
      expect(summary.body).toMatchObject({
        total: 2,
        totalLag: 21,
        groupsWithLag: 1,
        byState: { Stable: 2, Empty: 0 },
        byStatus: { WARN: 1, OK: 0 },
        byLifecycle: { active: 2 },
      });

      // A team's groups: those of its applications, still only the readable.
      const teamA = await request(app)
        .get('/consumer-groups?owner=group:default/team-a&sort=name')
        .set(as(ADMIN));
      expect(teamA.body.items.map((g: any) => g.groupId)).toEqual([
        'orders.audit',
        'orders.reader',
      ]);
      const teamBForAlice = await request(app)
        .get('/consumer-groups/summary?owner=group:default/team-b')
        .set(as(ALICE));
      expect(teamBForAlice.body.total).toBe(0);
      const teamBForAdmin = await request(app)
        .get('/consumer-groups/summary?owner=group:default/team-b')
        .set(as(ADMIN));
      expect(teamBForAdmin.body.total).toBe(1);

      const anonymous = await request(app)
        .get('/consumer-groups')
        .set({ Authorization: mockCredentials.none.header() });
      expect(anonymous.status).toBe(401);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers 400 naming the bad parameter on %p',
    async databaseId => {
      const { app } = await setup(databaseId);
      for (const [query, name] of [
        ['sort=size', 'sort'],
        ['limit=0', 'limit'],
        ['limit=abc', 'limit'],
        ['offset=-1', 'offset'],
        ['hasLag=yes', 'hasLag'],
        ['state=Running', 'state'],
        ['lifecycle=gone', 'lifecycle'],
        ['search=a&search=b', 'search'],
        [
          'entityRef=orders',
          'request/query/entityRef/0 must be an entity ref like component:default/my-service',
        ],
        ['entityRef=', "Empty value found for query parameter 'entityRef'"],
        [
          'entityRef=component:default/a,orders',
          'request/query/entityRef/1 must be an entity ref',
        ],
        ['owner=team-a', 'request/query/owner must be an entity ref'],
        ['owner=a:b/c&owner=a:b/d', 'request/query/owner must be string'],
        [
          'environment=d.e.v',
          'request/query/environment must be an environment name',
        ],
      ]) {
        const res = await request(app)
          .get(`/consumer-groups?${query}`)
          .set(as(ADMIN));
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(name);
      }
      const range = await request(app)
        .get('/consumer-groups/dev/orders.reader/lag?range=2d')
        .set(as(ADMIN));
      expect(range.status).toBe(400);
      expect(range.body.error.message).toContain(
        'request/query/range must be equal to one of the allowed values: 1h, 6h, 24h, 7d, 30d',
      );
      for (const by of ['sum', 'topic&by=partition']) {
        const res = await request(app)
          .get(`/consumer-groups/dev/orders.reader/lag?by=${by}`)
          .set(as(ADMIN));
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain('request/query/by');
      }
      const byValues = await request(app)
        .get('/consumer-groups/dev/orders.reader/lag?by=sum')
        .set(as(ADMIN));
      expect(byValues.body.error.message).toContain(
        'request/query/by must be equal to one of the allowed values: total, topic, partition',
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'shows a readable group with partitions and history, and 404s the rest on %p',
    async databaseId => {
      const { app } = await setup(databaseId);
      const detail = await request(app)
        .get('/consumer-groups/dev/orders.reader')
        .set(as(ALICE));
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({
        groupId: 'orders.reader',
        type: 'consumer',
        protocolType: 'consumer',
        assignmentStrategy: 'uniform',
        groupEpoch: 3,
        assignmentEpoch: 3,
        describedWith: 'ConsumerGroupDescribe',
        members: [
          {
            memberId: 'orders.reader-1',
            clientId: 'svc',
            memberEpoch: 3,
            subscribedTopics: ['orders.created'],
            targetAssignments: [{ topic: 'orders.created', partitions: [0] }],
          },
        ],
        partitions: [
          {
            topic: 'orders.created',
            partition: 0,
            committedOffset: 5,
            endOffset: 26,
            lag: 21,
            memberId: 'orders.reader-1',
          },
          { topic: 'orders.created', partition: 1, endOffset: 4 },
        ],
      });
      expect(detail.body.partitions[1]).not.toHaveProperty('lag');
      expect(detail.body.partitions[1]).not.toHaveProperty('committedOffset');
      // The environment's sampling error names another team's group.
      expect(detail.body.samplingError).toBe(
        'The last lag sample of environment dev reported an error; Kafka Hub admins see the detail',
      );
      expect(JSON.stringify(detail.body)).not.toContain('payments');

      const full = await request(app)
        .get('/consumer-groups/dev/orders.reader')
        .set(as(ADMIN));
      expect(full.body.samplingError).toBe(
        '1 of 4 groups could not be sampled, e.g. payments.reader: The coordinator is not available\n  at Socket.connect',
      );

      const lag = await request(app)
        .get('/consumer-groups/dev/orders.reader/lag?range=1h')
        .set(as(ALICE));
      expect(lag.status).toBe(200);
      expect(lag.body).toMatchObject({
        range: '1h',
        resolution: 'raw',
        bucketSeconds: 10,
        by: 'total',
        points: [
          {
            totalLag: 20,
            maxTotalLag: 20,
            timeLagSeconds: 3,
            samples: 1,
            state: 'Stable',
            minMemberCount: 1,
            maxMemberCount: 1,
          },
          { totalLag: 21, maxTotalLag: 21, samples: 1, state: 'Stable' },
        ],
      });
      expect(lag.body).not.toHaveProperty('series');
      // Sampled without partition history: nothing by partition, said so.
      const byPartition = await request(app)
        .get('/consumer-groups/dev/orders.reader/lag?range=1h&by=partition')
        .set(as(ALICE));
      expect(byPartition.body).toMatchObject({
        by: 'partition',
        points: [{ totalLag: 20 }, { totalLag: 21 }],
        series: {
          by: 'partition',
          resolution: 'raw',
          bucketSeconds: 10,
          total: 0,
          items: [],
        },
      });
      const month = await request(app)
        .get('/consumer-groups/dev/orders.reader/lag?range=30d')
        .set(as(ALICE));
      expect(month.body).toMatchObject({
        resolution: 'hour',
        bucketSeconds: 7200,
      });

      for (const [path, user] of [
        ['/consumer-groups/dev/payments.reader', ALICE],
        ['/consumer-groups/dev/unlinked', ALICE],
        ['/consumer-groups/dev/payments.reader/lag', ALICE],
        ['/consumer-groups/dev/payments.reader/lag?by=partition', ALICE],
        ['/consumer-groups/dev/payments.reader/lag?by=topic', ALICE],
        ['/consumer-groups/dev/nope', ADMIN],
        ['/consumer-groups/dev/nope/lag?by=topic', ADMIN],
        ['/consumer-groups/prod/orders.reader', ADMIN],
      ]) {
        const res = await request(app).get(path).set(as(user));
        expect(res.status).toBe(404);
      }
      const unlinked = await request(app)
        .get('/consumer-groups/dev/unlinked')
        .set(as(ADMIN));
      expect(unlinked.status).toBe(200);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers a forbidden group exactly like a missing one on %p',
    async databaseId => {
      const { app, knex } = await setup(databaseId);
      for (const path of [
        '/consumer-groups/dev/payments.reader',
        '/consumer-groups/dev/payments.reader/lag',
        '/consumer-groups/dev/unlinked/lag?by=partition',
        '/consumer-groups/dev/unlinked',
      ]) {
        const forbidden = await request(app).get(path).set(as(ALICE));
        expect(forbidden.status).toBe(404);
        const groupId = path.split('/')[3].split('?')[0];
        await knex('kafka_hub_consumer_groups')
          .where({ environment: 'dev', group_id: groupId })
          .delete();
        const missing = await request(app).get(path).set(as(ADMIN));
        expect({ path, body: forbidden.body }).toEqual({
          path,
          body: missing.body,
        });
      }
    },
  );
});
