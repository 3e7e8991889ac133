import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  DefinitivePolicyDecision,
} from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import request from 'supertest';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import { kafkaHubPlugin } from '../plugin';
import { LocalTcpServer, silentBroker } from '../testUtils/tcpServers';
import { testDatabaseIds } from '../testUtils/testServices';

jest.setTimeout(60_000);

const ADMIN = 'user:default/pat';
const ALICE = 'user:default/alice'; // team-a: owns orders
const BOB = 'user:default/bob'; // team-b: owns payments

const ORDERS = 'component:default/orders';
const PAYMENTS = 'component:default/payments';
const FRAUD = 'component:default/fraud';

const owners: Record<string, string> = {
  [ORDERS]: ALICE,
  [FRAUD]: ALICE,
  [PAYMENTS]: BOB,
};

/**
 * The policy the demo installs, decided in memory: admins get everything,
 * users get the entity permissions on what they own and nothing else.
 */
const ownerPolicy = mockServices.permissions.mock({
  authorize: async (requests, options) => {
    const user = (
      (options as { credentials: BackstageCredentials }).credentials
        .principal as BackstageUserPrincipal
    ).userEntityRef;
    return requests.map((req): DefinitivePolicyDecision => {
      if (user === ADMIN) return { result: AuthorizeResult.ALLOW };
      const resourceRef = (req as { resourceRef?: string }).resourceRef;
      return {
        result:
          resourceRef !== undefined && owners[resourceRef] === user
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      };
    });
  },
});

const auditor = mockServices.auditor.mock();

const TWO_LINE_ERROR =
  'dev: creating topics: Connection error: connect ECONNREFUSED 127.0.0.1:1\n    at Socket.connect (net.js:1)';

describe('application routes', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  let broker: LocalTcpServer;

  beforeEach(async () => {
    // Runs started by the tests hang on it until the test ends.
    broker = await silentBroker();
    auditor.createEvent.mockImplementation(async () => ({
      success: jest.fn(),
      fail: jest.fn(),
    }));
  });
  afterEach(async () => {
    await broker.close();
  });

  async function startBackend(knex: Knex) {
    const { server } = await startTestBackend({
      features: [
        kafkaHubPlugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            kafkaHub: {
              environments: {
                dev: {
                  kafka: {
                    brokers: [broker.address],
                    connectionTimeoutMs: 1000,
                    requestTimeoutMs: 30_000,
                  },
                },
              },
            },
          },
        }),
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        catalogServiceMock.factory({ entities: [] }),
        ownerPolicy.factory,
        auditor.factory,
      ],
    });
    return server;
  }

  /** A backend whose store holds orders (partial), payments (failed) and fraud (malformed). */
  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const server = await startBackend(knex);
    const store = new ProvisioningStore(knex);
    const now = new Date();
    const desiredState = { environments: ['dev'], topics: [{ name: 'x' }] };
    for (const [entityRef, ownerRef, status] of [
      [ORDERS, 'group:default/team-a', 'partial'],
      [PAYMENTS, 'group:default/team-b', 'failed'],
    ] as const) {
      await store.upsertDesired({
        entityRef,
        application: entityRef.split('/')[1],
        ownerRef,
        desiredState,
        desiredStateHash: `hash-${entityRef}`,
        now,
      });
      await store.claimRun({
        entityRef,
        runId: `seed-${entityRef}`,
        trigger: 'schedule',
        environments: ['dev'],
        now,
        leaseMs: 60_000,
      });
      await store.finishRun({
        entityRef,
        runId: `seed-${entityRef}`,
        status,
        error: TWO_LINE_ERROR,
        environments: {
          dev: { status: 'failed', error: TWO_LINE_ERROR, finishedAt: '' },
        },
        now,
      });
    }
    await store.recordInvalid({
      entityRef: FRAUD,
      application: 'fraud',
      ownerRef: 'group:default/team-a',
      errors: [
        {
          annotation: 'kafka-hub.io/topics',
          value: 'scores:0',
          message: 'has an invalid partition count',
        },
      ],
      now,
    });
    return { knex, server, store };
  }

  const as = (user: string) => ({
    Authorization: mockCredentials.user.header(user),
  });
  const path = (entityRef: string, suffix = '') =>
    `/api/kafka-hub/applications/${encodeURIComponent(entityRef)}${suffix}`;

  const countRuns = async (knex: Knex, entityRef: string) => {
    const [{ n }] = await knex('kafka_hub_provisioning_runs')
      .where({ entity_ref: entityRef })
      .count({ n: '*' });
    return Number(n);
  };

  it.each(databases.eachSupportedId())(
    'lists only what the caller may read, with brief errors for non-admins, %p',
    async databaseId => {
      const { server } = await setup(databaseId);

      const alice = await request(server)
        .get('/api/kafka-hub/applications')
        .set(as(ALICE));
      expect(alice.status).toBe(200);
      expect(alice.body.errorDetail).toBe('brief');
      expect(alice.body.items.map((a: any) => a.entityRef)).toEqual([
        FRAUD,
        ORDERS,
      ]);
      const orders = alice.body.items[1];
      expect(orders).toMatchObject({
        application: 'orders',
        prefix: 'orders.',
        status: 'partial',
        desiredEnvironments: ['dev'],
        topics: [{ name: 'x' }],
        error:
          'dev: creating topics: Connection error: connect ECONNREFUSED 127.0.0.1:1',
      });
      expect(orders.environments.dev.error).not.toContain('at Socket');
      expect(orders).not.toHaveProperty('currentRunId');
      expect(alice.body.items[0].annotationErrors).toEqual([
        expect.objectContaining({ annotation: 'kafka-hub.io/topics' }),
      ]);

      const admin = await request(server)
        .get('/api/kafka-hub/applications?status=failed,partial')
        .set(as(ADMIN));
      expect(admin.body.errorDetail).toBe('full');
      expect(admin.body.items.map((a: any) => a.entityRef)).toEqual([
        FRAUD,
        ORDERS,
        PAYMENTS,
      ]);
      expect(admin.body.items[1].error).toBe(TWO_LINE_ERROR);

      const byOwner = await request(server)
        .get(
          `/api/kafka-hub/applications?owner=${encodeURIComponent(
            'group:default/team-b',
          )}`,
        )
        .set(as(ALICE));
      expect(byOwner.body.items).toEqual([]);
      const byOwnerBob = await request(server)
        .get('/api/kafka-hub/applications?owner=group:default/team-b')
        .set(as(BOB));
      expect(byOwnerBob.body.items.map((a: any) => a.entityRef)).toEqual([
        PAYMENTS,
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers one application with run history for admins only, 403 and 404 otherwise, %p',
    async databaseId => {
      const { server } = await setup(databaseId);
      const mine = await request(server).get(path(ORDERS)).set(as(ALICE));
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({
        entityRef: ORDERS,
        errorDetail: 'brief',
      });
      expect(mine.body).not.toHaveProperty('runs');

      const admin = await request(server).get(path(ORDERS)).set(as(ADMIN));
      expect(admin.body.runs).toEqual([
        expect.objectContaining({
          runId: `seed-${ORDERS}`,
          trigger: 'schedule',
          result: 'partial',
          error: TWO_LINE_ERROR,
        }),
      ]);

      const other = await request(server).get(path(PAYMENTS)).set(as(ALICE));
      expect(other.status).toBe(403);
      expect(other.body.error.message).toContain('kafka-hub.entity.read');

      const unknown = await request(server)
        .get(path('component:default/nope'))
        .set(as(ADMIN));
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toBe(
        'No Kafka application for component:default/nope',
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects bad parameters with 400 naming them, %p',
    async databaseId => {
      const { server } = await setup(databaseId);
      const cases: Array<[string, 'get' | 'post', string]> = [
        ['/api/kafka-hub/applications?status=broken', 'get', 'status must be'],
        [
          '/api/kafka-hub/applications?entityRef=orders',
          'get',
          'entityRef must be an entity ref',
        ],
        [
          '/api/kafka-hub/applications?owner=',
          'get',
          'owner must be one entity ref',
        ],
        [path('no-kind'), 'get', 'entityRef must be an entity ref'],
        [path(ORDERS, '/retry?all=maybe'), 'post', 'all must be true or false'],
      ];
      for (const [url, method, message] of cases) {
        const res = await request(server)[method](url).set(as(ADMIN));
        expect({ url, status: res.status }).toEqual({ url, status: 400 });
        expect(res.body.error.message).toContain(message);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'retries for owners only, refuses malformed annotations, and audits who asked, %p',
    async databaseId => {
      const { knex, server, store } = await setup(databaseId);

      const denied = await request(server)
        .post(path(ORDERS, '/retry'))
        .set(as(BOB));
      expect(denied.status).toBe(403);
      expect(await countRuns(knex, ORDERS)).toBe(1);

      const invalid = await request(server)
        .post(path(FRAUD, '/retry'))
        .set(as(ALICE));
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.message).toContain(
        'kafka-hub.io/topics "scores:0" has an invalid partition count',
      );

      const started = await request(server)
        .post(path(ORDERS, '/retry'))
        .set(as(ALICE));
      expect(started.status).toBe(202);
      expect(started.body).toEqual({
        runId: expect.any(String),
        environments: ['dev'],
      });
      const app = (await store.get(ORDERS))!;
      expect(app.status).toBe('in_progress');
      expect(app.currentRunId).toBe(started.body.runId);
      expect((await store.getRun(started.body.runId))!.requestedBy).toBe(ALICE);
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId: 'provisioning-retry',
          meta: { entityRef: ORDERS, all: false },
        }),
      );

      const again = await request(server)
        .post(path(ORDERS, '/retry'))
        .set(as(ALICE));
      expect(again.status).toBe(409);
      expect(again.body.error.message).toBe(
        `Provisioning of ${ORDERS} is already in progress`,
      );

      const missing = await request(server)
        .post(path('component:default/nope', '/retry'))
        .set(as(ADMIN));
      expect(missing.status).toBe(404);
    },
  );

  it.each(databases.eachSupportedId())(
    'starts exactly one run for 20 parallel retries, %p',
    async databaseId => {
      const { knex, server } = await setup(databaseId);
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          request(server).post(path(ORDERS, '/retry')).set(as(ALICE)),
        ),
      );
      const statuses = responses.map(r => r.status).sort();
      expect(statuses.filter(s => s === 202)).toHaveLength(1);
      expect(statuses.filter(s => s === 409)).toHaveLength(19);
      expect(await countRuns(knex, ORDERS)).toBe(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'retries every failed application for admins only, %p',
    async databaseId => {
      const { knex, server } = await setup(databaseId);
      const denied = await request(server)
        .post('/api/kafka-hub/admin/retry-failed')
        .set(as(ALICE));
      expect(denied.status).toBe(403);

      const res = await request(server)
        .post('/api/kafka-hub/admin/retry-failed')
        .set(as(ADMIN));
      expect(res.status).toBe(200);
      // orders (partial) and payments (failed); fraud waits for its fix.
      expect(res.body).toEqual({ total: 2, started: 2, skipped: 0 });
      expect(await countRuns(knex, ORDERS)).toBe(2);
      expect(await countRuns(knex, PAYMENTS)).toBe(2);

      const again = await request(server)
        .post('/api/kafka-hub/admin/retry-failed')
        .set(as(ADMIN));
      // Both now in progress: neither failed nor partial any more.
      expect(again.body).toEqual({ total: 0, started: 0, skipped: 0 });
    },
  );

  const postgres = databases
    .eachSupportedId()
    .filter(([id]) => id.startsWith('POSTGRES'));

  it.each(postgres)(
    'starts exactly one run for retries spread over two backends sharing %p',
    async databaseId => {
      const { knex, server } = await setup(databaseId);
      const second = await startBackend(knex);
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          request(i % 2 === 0 ? server : second)
            .post(path(PAYMENTS, '/retry'))
            .set(as(BOB)),
        ),
      );
      expect(responses.filter(r => r.status === 202)).toHaveLength(1);
      expect(responses.filter(r => r.status === 409)).toHaveLength(19);
      expect(await countRuns(knex, PAYMENTS)).toBe(2);
    },
  );
});
