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
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  DefinitivePolicyDecision,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import request from 'supertest';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import { kafkaHubPlugin } from '../plugin';
import { LocalTcpServer, silentBroker } from '../testUtils/tcpServers';
import { testDatabaseIds } from '../testUtils/testServices';

jest.setTimeout(60_000);

const ADMIN = 'user:default/pat';
const ALICE = 'user:default/alice'; // team-a: owns orders and fraud
const BOB = 'user:default/bob'; // team-b: owns payments
const DANA = 'user:default/dana'; // reads team-a's entities, retries nothing

const TEAM_A = 'group:default/team-a';
const TEAM_B = 'group:default/team-b';

const ORDERS = 'component:default/orders';
const PAYMENTS = 'component:default/payments';
const FRAUD = 'component:default/fraud';

const ownerOf: Record<string, string> = {
  [ORDERS]: TEAM_A,
  [FRAUD]: TEAM_A,
  [PAYMENTS]: TEAM_B,
};

/** The team each user reads (and, unless read-only, retries) for. */
const teams: Record<string, { team: string; retries: boolean }> = {
  [ALICE]: { team: TEAM_A, retries: true },
  [BOB]: { team: TEAM_B, retries: true },
  [DANA]: { team: TEAM_A, retries: false },
};

function kafkaEntity(entityRef: string): Entity {
  const name = entityRef.split('/')[1];
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'kafka-hub.io/application': name },
    },
    spec: { owner: ownerOf[entityRef], type: 'service' },
  };
}

const userOf = (options: unknown) =>
  (
    (options as { credentials: BackstageCredentials }).credentials
      .principal as BackstageUserPrincipal
  ).userEntityRef;

/**
 * Admins get everything; users get the entity permissions on their team's
 * entities (retry only if not read-only): per entity for `authorize`, as
 * catalog conditions for `authorizeConditional` (HAS_SPEC on spec.owner,
 * which the in-memory catalog evaluates; the real catalog's ownership
 * rule is tested with the real permission framework in packages/backend).
 */
const ownerPolicy = mockServices.permissions.mock({
  authorize: async (requests, options) => {
    const user = userOf(options);
    return requests.map((req): DefinitivePolicyDecision => {
      if (user === ADMIN) return { result: AuthorizeResult.ALLOW };
      const resourceRef = (req as { resourceRef?: string }).resourceRef;
      const grant = teams[user];
      const allowed =
        resourceRef !== undefined &&
        grant !== undefined &&
        ownerOf[resourceRef] === grant.team &&
        (req.permission.name === 'kafka-hub.entity.read' || grant.retries);
      return {
        result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    });
  },
  authorizeConditional: async (requests, options) => {
    const user = userOf(options);
    return requests.map((): PolicyDecision => {
      if (user === ADMIN) return { result: AuthorizeResult.ALLOW };
      const grant = teams[user];
      if (!grant) return { result: AuthorizeResult.DENY };
      return {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          resourceType: 'catalog-entity',
          rule: 'HAS_SPEC',
          params: { key: 'owner', value: grant.team },
        },
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
        catalogServiceMock.factory({
          entities: [ORDERS, PAYMENTS, FRAUD].map(kafkaEntity),
        }),
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
      [ORDERS, TEAM_A, 'partial'],
      [PAYMENTS, TEAM_B, 'failed'],
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
      ownerRef: TEAM_A,
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

      ownerPolicy.authorize.mockClear();
      ownerPolicy.authorizeConditional.mockClear();
      const alice = await request(server)
        .get('/api/kafka-hub/applications')
        .set(as(ALICE));
      expect(alice.status).toBe(200);
      // One conditional decision for the list, one check of admin read.
      expect(ownerPolicy.authorizeConditional).toHaveBeenCalledTimes(1);
      expect(ownerPolicy.authorize).toHaveBeenCalledTimes(1);
      expect(ownerPolicy.authorize.mock.calls[0][0]).toHaveLength(1);
      expect(alice.body).toMatchObject({
        errorDetail: 'brief',
        total: 2,
        limit: 50,
        offset: 0,
      });
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

      // An entity filter outside the readable set is empty, not an error.
      const foreign = await request(server)
        .get(`/api/kafka-hub/applications?entityRef=${PAYMENTS}`)
        .set(as(ALICE));
      expect(foreign.body).toMatchObject({ items: [], total: 0 });
      const own = await request(server)
        .get(`/api/kafka-hub/applications?entityRef=${ORDERS}`)
        .set(as(ALICE));
      expect(own.body.items.map((a: any) => a.entityRef)).toEqual([ORDERS]);

      const stranger = await request(server)
        .get('/api/kafka-hub/applications')
        .set(as('user:default/nobody'));
      expect(stranger.body).toMatchObject({ items: [], total: 0 });
    },
  );

  it.each(databases.eachSupportedId())(
    'pages applications with limit and offset and counts them all, %p',
    async databaseId => {
      const { server } = await setup(databaseId);
      const page = async (query: string, user = ADMIN) =>
        (
          await request(server)
            .get(`/api/kafka-hub/applications?${query}`)
            .set(as(user))
        ).body;

      const first = await page('limit=2');
      expect(first).toMatchObject({ total: 3, limit: 2, offset: 0 });
      expect(first.items.map((a: any) => a.entityRef)).toEqual([FRAUD, ORDERS]);
      const second = await page('limit=2&offset=2');
      expect(second).toMatchObject({ total: 3, limit: 2, offset: 2 });
      expect(second.items.map((a: any) => a.entityRef)).toEqual([PAYMENTS]);
      const past = await page('limit=2&offset=10');
      expect(past).toMatchObject({ items: [], total: 3 });

      // Filters and the caller's readable set narrow the total too.
      const partial = await page('status=partial&limit=1');
      expect(partial).toMatchObject({ total: 1 });
      expect(partial.items.map((a: any) => a.entityRef)).toEqual([ORDERS]);
      const alices = await page('limit=1&offset=1', ALICE);
      expect(alices).toMatchObject({ total: 2 });
      expect(alices.items.map((a: any) => a.entityRef)).toEqual([ORDERS]);

      const max = await page('limit=500');
      expect(max.items).toHaveLength(3);
    },
  );

  it.each(databases.eachSupportedId())(
    'shows run ids to admins only, also inside error texts, %p',
    async databaseId => {
      const { server, store } = await setup(databaseId);
      const runId = randomUUID();
      const past = new Date(Date.now() - 3_600_000);
      await store.upsertDesired({
        entityRef: FRAUD,
        application: 'fraud',
        ownerRef: TEAM_A,
        desiredState: { environments: ['dev'], topics: [{ name: 'x' }] },
        desiredStateHash: 'fixed',
        now: past,
      });
      expect(
        await store.claimRun({
          entityRef: FRAUD,
          runId,
          trigger: 'schedule',
          environments: ['dev'],
          now: past,
          leaseMs: 1_000,
        }),
      ).toMatchObject({ claimed: true });
      // The run's process died: its lease expired.
      expect(await store.recoverExpired({ now: new Date() })).toEqual([FRAUD]);

      const admin = await request(server).get(path(FRAUD)).set(as(ADMIN));
      expect(admin.body.error).toBe(
        `Provisioning run ${runId} was interrupted (its process stopped before finishing)`,
      );
      expect(JSON.stringify(admin.body.runs)).toContain(runId);

      for (const url of [path(FRAUD), '/api/kafka-hub/applications']) {
        const res = await request(server).get(url).set(as(ALICE));
        expect(res.status).toBe(200);
        expect(JSON.stringify(res.body)).not.toContain(runId);
      }
      const alice = await request(server).get(path(FRAUD)).set(as(ALICE));
      expect(alice.body.error).toBe(
        'Provisioning run was interrupted (its process stopped before finishing)',
      );
      expect(alice.body).not.toHaveProperty('currentRunId');
      expect(alice.body).not.toHaveProperty('runs');
    },
  );

  it.each(databases.eachSupportedId())(
    'answers one application with run history for admins only, and 404 alike for a forbidden and a missing one, %p',
    async databaseId => {
      const { knex, server } = await setup(databaseId);
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

      ownerPolicy.authorize.mockClear();
      const forbidden = await request(server)
        .get(path(PAYMENTS))
        .set(as(ALICE));
      expect(forbidden.status).toBe(404);
      // One authorize call: admin read and the entity's read together.
      expect(ownerPolicy.authorize).toHaveBeenCalledTimes(1);
      expect(ownerPolicy.authorize.mock.calls[0][0]).toEqual([
        expect.objectContaining({
          permission: expect.objectContaining({ name: 'kafka-hub.admin.read' }),
        }),
        expect.objectContaining({ resourceRef: PAYMENTS }),
      ]);
      // Its owner asking once it is gone gets exactly the same answer.
      await knex('kafka_hub_applications')
        .where({ entity_ref: PAYMENTS })
        .delete();
      const gone = await request(server).get(path(PAYMENTS)).set(as(BOB));
      expect(gone.status).toBe(404);
      expect(forbidden.body).toEqual(gone.body);
      expect(forbidden.body.error.message).toBe(
        `No Kafka application for ${PAYMENTS}`,
      );

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
        [
          '/api/kafka-hub/applications?status=broken',
          'get',
          'request/query/status/0 must be equal to one of the allowed values: pending, in_progress, completed, partial, failed',
        ],
        [
          '/api/kafka-hub/applications?entityRef=orders',
          'get',
          'request/query/entityRef must be an entity ref like component:default/my-service',
        ],
        [
          '/api/kafka-hub/applications?owner=',
          'get',
          "Empty value found for query parameter 'owner'",
        ],
        [
          path('no-kind'),
          'get',
          'request/params/entityRef must be an entity ref like component:default/my-service',
        ],
        [
          path(ORDERS, '/retry?all=maybe'),
          'post',
          'request/query/all must be boolean',
        ],
        [
          '/api/kafka-hub/applications?limit=0',
          'get',
          'request/query/limit must be >= 1',
        ],
        [
          '/api/kafka-hub/applications?limit=501',
          'get',
          'request/query/limit must be <= 500',
        ],
        [
          '/api/kafka-hub/applications?limit=ten',
          'get',
          'request/query/limit must be integer',
        ],
        [
          '/api/kafka-hub/applications?offset=-1',
          'get',
          'request/query/offset must be >= 0',
        ],
        [
          '/api/kafka-hub/applications?offset=1&offset=2',
          'get',
          'request/query/offset must be integer',
        ],
        [
          '/api/kafka-hub/applications?verbose=true',
          'get',
          "Unknown query parameter 'verbose'",
        ],
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

      // Another team: as if it did not exist.
      const unreadable = await request(server)
        .post(path(ORDERS, '/retry'))
        .set(as(BOB));
      expect(unreadable.status).toBe(404);
      const missing = await request(server)
        .post(path('component:default/nope', '/retry'))
        .set(as(BOB));
      expect(unreadable.body.error).toEqual({
        ...missing.body.error,
        message: `No Kafka application for ${ORDERS}`,
      });
      // Readable, but no retry permission.
      const denied = await request(server)
        .post(path(ORDERS, '/retry'))
        .set(as(DANA));
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toBe(
        `Missing permission kafka-hub.provisioning.retry on ${ORDERS}`,
      );
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
      // No run id for non-admins.
      expect(started.body).toEqual({ environments: ['dev'] });
      const app = (await store.get(ORDERS))!;
      expect(app.status).toBe('in_progress');
      expect((await store.getRun(app.currentRunId!))!.requestedBy).toBe(ALICE);
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

      const adminMissing = await request(server)
        .post(path('component:default/nope', '/retry'))
        .set(as(ADMIN));
      expect(adminMissing.status).toBe(404);
      const adminRetry = await request(server)
        .post(path(PAYMENTS, '/retry'))
        .set(as(ADMIN));
      expect(adminRetry.status).toBe(202);
      expect(adminRetry.body.runId).toBe(
        (await store.get(PAYMENTS))!.currentRunId,
      );
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
      // Both now in progress: counted, not started again.
      expect(again.body).toEqual({ total: 2, started: 0, skipped: 2 });
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
