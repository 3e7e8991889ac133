import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { kafkaHubEntityReadPermission } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import express from 'express';
import request from 'supertest';
import { EnvironmentConfig } from '../config/types';
import { migrationsDir } from '../database/migrations';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import { SchemaStore } from '../database/schemas/SchemaStore';
import { NewSchemaVersion, SubjectUpdate } from '../database/schemas/types';
import { EntityAccess } from '../permissions/EntityAccess';
import { ReadableEntities } from '../permissions/ReadableEntities';
import {
  registryFaultProxy,
  RegistryFaultProxy,
} from '../schemaRegistry/__testUtils__/registryFaultProxy';
import { RegistryFixtures } from '../schemaRegistry/__testUtils__/registryFixtures';
import { localHttpServer } from '../testUtils/localHttpServer';
import { testServices, unusedPort } from '../testUtils/testServices';
import { createKafkaHubRouter } from './kafkaHubRouter';
import { schemaRoutes } from './schemaRoutes';
import { SchemasApi } from '../api/SchemasApi';

jest.setTimeout(60_000);

const ORDERS = 'component:default/orders';
const PAYMENTS = 'component:default/payments';
const ADMIN = 'user:default/admin';
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

/**
 * The demo's policy in miniature: admins may do everything, Alice may read
 * the orders entity's Kafka data, Bob nothing; services are trusted.
 */
function decide(
  credentials: BackstageCredentials,
  permissionRequest: AuthorizePermissionRequest,
): AuthorizeResult {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
  };
  if (principal.type === 'service' || principal.userEntityRef === ADMIN) {
    return AuthorizeResult.ALLOW;
  }
  if (
    principal.userEntityRef === ALICE &&
    permissionRequest.permission.name === kafkaHubEntityReadPermission.name &&
    'resourceRef' in permissionRequest &&
    permissionRequest.resourceRef === ORDERS
  ) {
    return AuthorizeResult.ALLOW;
  }
  return AuthorizeResult.DENY;
}

/**
 * The same policy for lists: one conditional decision, with a catalog rule
 * the in-memory catalog evaluates (spec.owner).
 */
function decideConditional(credentials: BackstageCredentials): PolicyDecision {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
  };
  if (principal.type === 'service' || principal.userEntityRef === ADMIN) {
    return { result: AuthorizeResult.ALLOW };
  }
  if (principal.userEntityRef === ALICE) {
    return {
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        resourceType: 'catalog-entity',
        rule: 'HAS_SPEC',
        params: { key: 'owner', value: ALICE },
      },
    };
  }
  return { result: AuthorizeResult.DENY };
}

const catalogEntity = (entityRef: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: entityRef.split('/')[1],
    namespace: 'default',
    annotations: { 'kafka-hub.io/application': entityRef.split('/')[1] },
  },
  spec: { owner },
});

const as = (user: string) => mockCredentials.user.header(user);

/** A registry whose errors carry a stack trace after the first line. */
const STACKED_ERROR =
  'Invalid schema: unexpected token\n\tat io.apicurio.registry.Parser.parse(Parser.java:42)';

const avroRecord = (fields: string[]) =>
  JSON.stringify({
    type: 'record',
    name: 'Order',
    namespace: 'com.acme.routes',
    fields: fields.map(name => ({ name, type: 'string' })),
  });

const version = (
  n: number,
  overrides: Partial<NewSchemaVersion> = {},
): NewSchemaVersion => ({
  version: n,
  globalId: 500 + n,
  format: 'AVRO',
  schema: avroRecord(['id']),
  references: [],
  fingerprint: `f${n}`,
  deleted: false,
  compatibility: { status: 'unknown' },
  ...overrides,
});

const subject = (
  name: string,
  entityRef: string | undefined,
  overrides: Partial<SubjectUpdate> = {},
): SubjectUpdate => ({
  subject: name,
  status: 'registered',
  entityRef,
  topic: name.replace(/-(key|value)$/, ''),
  role: 'value',
  format: 'AVRO',
  latestVersion: 1,
  latestGlobalId: 501,
  versionCount: 1,
  compatibility: 'BACKWARD',
  compatibilitySource: 'global',
  newVersions: [version(1)],
  deletedVersions: [],
  restoredVersions: [],
  compatibilityAnswers: [],
  ...overrides,
});

describe('schemaRoutes', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const fixtures = new RegistryFixtures(testServices.registryUrl);
  const checked = fixtures.name('routes-{suffix}.orders-value');
  const odd = 'orders.sp/é c:ial-value';
  let app: express.Express;
  let store: SchemaStore;
  let permissionChecks: AuthorizePermissionRequest[][];
  let conditionalChecks: number;
  let stackedRegistry: { url: string; close: () => void };
  let proxy: RegistryFaultProxy;

  beforeAll(async () => {
    await fixtures.register(checked, avroRecord(['id']));
    await fixtures.setCompatibility(checked, 'BACKWARD_TRANSITIVE');

    const knex = await databases.init('SQLITE_3');
    await knex.migrate.latest({ directory: migrationsDir });
    store = new SchemaStore(knex);
    const now = new Date(Date.UTC(2026, 10, 22, 9));
    await store.saveSubjects(
      'dev',
      [
        subject('orders.created-value', ORDERS, {
          latestVersion: 2,
          latestGlobalId: 502,
          versionCount: 2,
          newVersions: [
            version(1, { deleted: true, compatibility: { status: 'first' } }),
            version(2, {
              compatibility: {
                status: 'incompatible',
                level: 'BACKWARD',
                against: [1],
                checkedAt: now,
              },
              schema: avroRecord(['id', 'money']),
              references: [
                {
                  name: 'com.acme.Money',
                  subject: 'com.acme.Money',
                  version: 1,
                },
              ],
            }),
          ],
        }),
        subject('orders.created-key', ORDERS, { role: 'key' }),
        subject(odd, ORDERS),
        subject(checked, ORDERS),
        subject('payments.captured-value', PAYMENTS, { format: 'PROTOBUF' }),
        subject('legacy.audit-log-value', undefined, { status: 'deleted' }),
      ],
      now,
    );
    await store.saveSubjects(
      'prod',
      [subject('orders.created-value', ORDERS, { format: 'JSON' })],
      now,
    );

    const environment = (name: string, url?: string): EnvironmentConfig => ({
      name,
      kafka: {
        brokers: ['127.0.0.1:9092'],
        clientId: 'test',
        ssl: false,
        connectionTimeoutMs: 1000,
        requestTimeoutMs: 1000,
      },
      schemaRegistry: url ? { url, timeoutMs: 2000 } : undefined,
    });
    const deadPort = await unusedPort();
    await store.saveSubjects(
      'down',
      [subject('orders.down-value', ORDERS)],
      now,
    );

    const applications = new ProvisioningStore(knex);
    await applications.upsertDesired({
      entityRef: PAYMENTS,
      application: 'payments',
      ownerRef: 'group:default/team-b',
      desiredState: { environments: ['dev'], topics: [] },
      desiredStateHash: 'h',
      now,
    });
    // One version under BACKWARD; the check of the schema fails.
    stackedRegistry = await localHttpServer((req, res) => {
      const answers: Record<string, unknown> = {
        config: { compatibilityLevel: 'BACKWARD' },
        versions: [1],
        check: { error_code: 42201, message: STACKED_ERROR },
      };
      let asked = 'check';
      if (req.method === 'GET') {
        asked = req.url?.includes('/config/') ? 'config' : 'versions';
      }
      res.writeHead(asked === 'check' ? 422 : 200, {
        'content-type': 'application/json',
      });
      res.end(JSON.stringify(answers[asked]));
    });
    proxy = await registryFaultProxy(testServices.registryUrl, {
      onlySubjects: s => fixtures.owns(s),
    });
    const permissions = mockServices.permissions.mock({
      authorize: async (requests, options) => {
        permissionChecks.push(requests as AuthorizePermissionRequest[]);
        return requests.map(r => ({
          result: decide(options.credentials, r as AuthorizePermissionRequest),
        })) as any;
      },
      authorizeConditional: async (requests, options) => {
        conditionalChecks++;
        return requests.map(() => decideConditional(options.credentials));
      },
    });
    const router = await createKafkaHubRouter();
    const api = new SchemasApi({
      entityAccess: new EntityAccess(permissions),
      ownedEntityRefs: owner => applications.ownedEntityRefs(owner),
      readable: new ReadableEntities({
        permissions,
        catalog: catalogServiceMock({
          entities: [
            catalogEntity(ORDERS, ALICE),
            catalogEntity(PAYMENTS, BOB),
          ],
        }),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        // Every request resolves afresh, so each test counts its own calls.
        cacheTtlMs: 0,
      }),
      store,
      environments: [
        environment('dev', testServices.registryUrl),
        environment('prod'),
        environment('down', `http://127.0.0.1:${deadPort}/ccompat`),
        environment('stacked', stackedRegistry.url),
        environment('proxied', proxy.url),
      ],
      retries: 0,
    });
    schemaRoutes(router, { httpAuth: mockServices.httpAuth(), api });
    app = express();
    app.use(router);
    app.use(mockErrorHandler());
  });

  beforeEach(() => {
    permissionChecks = [];
    conditionalChecks = 0;
  });

  afterAll(async () => {
    stackedRegistry.close();
    proxy.close();
    await fixtures.cleanUp();
  });

  const list = async (user: string, query = '') => {
    const res = await request(app)
      .get(`/schemas${query}`)
      .set('Authorization', as(user));
    expect(res.status).toBe(200);
    return res.body;
  };
  const names = (body: {
    items: Array<{ environment: string; subject: string }>;
  }) => body.items.map(i => `${i.environment}/${i.subject}`);

  describe('GET /schemas', () => {
    it('shows admins everything, unlinked subjects included', async () => {
      const body = await list(ADMIN);
      expect(body.total).toBe(8);
      expect(names(body)).toContain('dev/legacy.audit-log-value');
      expect(body).toMatchObject({ limit: 50, offset: 0 });
    });

    it('shows a user only the subjects of entities they may read', async () => {
      const body = await list(ALICE);
      expect(names(body)).toEqual([
        'dev/orders.created-key',
        'dev/orders.created-value',
        'prod/orders.created-value',
        'down/orders.down-value',
        `dev/${odd}`,
        `dev/${checked}`,
      ]);
      expect(body.total).toBe(6);
      expect(body.items[0]).not.toHaveProperty('schema');
      // One conditional decision; no per-entity check.
      expect(conditionalChecks).toBe(1);
      expect(permissionChecks.flat().some(r => 'resourceRef' in r)).toBe(false);
      expect(await list(BOB)).toEqual({
        items: [],
        total: 0,
        limit: 50,
        offset: 0,
      });
    });

    it('narrows by entity, never beyond what the caller may read', async () => {
      expect(
        (await list(ALICE, `?entityRef=${encodeURIComponent(PAYMENTS)}`)).total,
      ).toBe(0);
      const admin = await list(
        ADMIN,
        `?entityRef=${PAYMENTS}&entityRef=Component:default/Orders`,
      );
      expect(admin.total).toBe(7);
      expect(names(admin)).not.toContain('dev/legacy.audit-log-value');
    });

    it("narrows to an owner's applications, never beyond what the caller may read", async () => {
      const owner = `?owner=${encodeURIComponent('group:default/team-b')}`;
      expect(names(await list(ADMIN, owner))).toEqual([
        'dev/payments.captured-value',
      ]);
      expect((await list(ALICE, owner)).total).toBe(0);
      expect((await list(ADMIN, '?owner=group:default/nobody')).total).toBe(0);
      const summary = await request(app)
        .get(`/schemas/summary${owner}`)
        .set('Authorization', as(ADMIN));
      expect(summary.body.total).toBe(1);
    });

    it('filters by environment, format, status and search, and pages', async () => {
      expect(names(await list(ADMIN, '?environment=prod'))).toEqual([
        'prod/orders.created-value',
      ]);
      expect(names(await list(ADMIN, '?format=protobuf,json'))).toEqual([
        'prod/orders.created-value',
        'dev/payments.captured-value',
      ]);
      expect(names(await list(ADMIN, '?status=deleted'))).toEqual([
        'dev/legacy.audit-log-value',
      ]);
      expect(names(await list(ALICE, '?search=CREATED-V'))).toEqual([
        'dev/orders.created-value',
        'prod/orders.created-value',
      ]);
      const page = await list(ALICE, '?limit=2&offset=1');
      expect(page).toMatchObject({ total: 6, limit: 2, offset: 1 });
      expect(names(page)).toEqual([
        'dev/orders.created-value',
        'prod/orders.created-value',
      ]);
    });

    it.each(
      [
        ['?limit=0', 'request/query/limit must be >= 1'],
        ['?limit=501', 'request/query/limit must be <= 500'],
        ['?limit=ten', 'request/query/limit must be integer'],
        ['?limit=1&limit=2', 'request/query/limit must be integer'],
        ['?offset=-1', 'request/query/offset must be >= 0'],
        [
          '?format=XML',
          'request/query/format/0 must be equal to one of the allowed values: AVRO, PROTOBUF, JSON, avro, protobuf, json',
        ],
        [
          '?status=gone',
          'request/query/status/0 must be equal to one of the allowed values: registered, deleted, stale',
        ],
        [
          '?environment=no%20such',
          "request/query/environment must be an environment name (letters, digits, '-' and '_')",
        ],
        [
          '?entityRef=orders',
          'request/query/entityRef/0 must be an entity ref like component:default/my-service',
        ],
        ['?entityRef=', "Empty value found for query parameter 'entityRef'"],
        ['?owner=team-b', 'request/query/owner must be an entity ref'],
        [
          `?search=${'x'.repeat(201)}`,
          'request/query/search must NOT have more than 200 characters',
        ],
        ['?sort=name', "Unknown query parameter 'sort'"],
      ].map(([query, message]) => [query.slice(0, 30), query, message]),
    )('answers 400 to %s', async (_label, query, message) => {
      const res = await request(app)
        .get(`/schemas${query}`)
        .set('Authorization', as(ADMIN));
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ name: 'InputError' });
      expect(res.body.error.message).toContain(message);
    });

    it('answers 401 without valid credentials, and serves services', async () => {
      const res = await request(app)
        .get('/schemas')
        .set('Authorization', mockCredentials.user.invalidHeader());
      expect(res.status).toBe(401);
      const service = await request(app)
        .get('/schemas/summary')
        .set('Authorization', mockCredentials.service.header());
      expect(service.status).toBe(200);
      expect(service.body.total).toBe(8);
    });
  });

  describe('GET /schemas/summary', () => {
    it('counts what the caller may read, by format and status', async () => {
      const res = await request(app)
        .get('/schemas/summary')
        .set('Authorization', as(ALICE));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        total: 6,
        byFormat: { AVRO: 5, PROTOBUF: 0, JSON: 1 },
        byStatus: { registered: 6, deleted: 0, stale: 0 },
      });
      const admin = await request(app)
        .get(`/schemas/summary?entityRef=${PAYMENTS}`)
        .set('Authorization', as(ADMIN));
      expect(admin.body).toEqual({
        total: 1,
        byFormat: { AVRO: 0, PROTOBUF: 1, JSON: 0 },
        byStatus: { registered: 1, deleted: 0, stale: 0 },
      });
      const bad = await request(app)
        .get('/schemas/summary?format=yaml')
        .set('Authorization', as(ALICE));
      expect(bad.status).toBe(400);
    });
  });

  describe('GET /schemas/:environment/:subject and its versions', () => {
    const path = (env: string, name: string, rest = '') =>
      `/schemas/${env}/${encodeURIComponent(name)}${rest}`;

    it('returns the detail with references, and versions newest first', async () => {
      const detail = await request(app)
        .get(path('dev', 'orders.created-value'))
        .set('Authorization', as(ALICE));
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({
        environment: 'dev',
        subject: 'orders.created-value',
        entityRef: ORDERS,
        latestVersion: 2,
        compatibility: 'BACKWARD',
        compatibilitySource: 'global',
        references: [
          { name: 'com.acme.Money', subject: 'com.acme.Money', version: 1 },
        ],
      });
      const versions = await request(app)
        .get(path('dev', 'orders.created-value', '/versions'))
        .set('Authorization', as(ALICE));
      expect(versions.status).toBe(200);
      expect(
        versions.body.items.map((v: { version: number; deleted: boolean }) => [
          v.version,
          v.deleted,
        ]),
      ).toEqual([
        [2, false],
        [1, true],
      ]);
      expect(versions.body.items[0].schema).toBe(avroRecord(['id', 'money']));
      expect(
        versions.body.items.map(
          (v: { compatibility: unknown }) => v.compatibility,
        ),
      ).toEqual([
        {
          status: 'incompatible',
          level: 'BACKWARD',
          against: [1],
          checkedAt: '2026-11-22T09:00:00.000Z',
        },
        { status: 'first' },
      ]);
      expect(versions.body).toMatchObject({ total: 2, limit: 100, offset: 0 });
    });

    it('pages versions with limit and offset, at most 500', async () => {
      const page = async (query: string) =>
        request(app)
          .get(path('dev', 'orders.created-value', `/versions${query}`))
          .set('Authorization', as(ALICE));
      const first = await page('?limit=1');
      expect(first.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
      expect(first.body.items.map((v: any) => v.version)).toEqual([2]);
      const second = await page('?limit=1&offset=1');
      expect(second.body.items.map((v: any) => v.version)).toEqual([1]);
      const beyond = await page('?offset=5');
      expect(beyond.body).toMatchObject({ items: [], total: 2 });
      for (const [query, message] of [
        ['?limit=501', 'request/query/limit must be <= 500'],
        ['?limit=0', 'request/query/limit must be >= 1'],
        ['?offset=x', 'request/query/offset must be integer'],
      ]) {
        const res = await page(query);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(message);
      }
    });

    it('decodes subjects with /, :, spaces and unicode', async () => {
      const res = await request(app)
        .get(path('dev', odd, '/versions'))
        .set('Authorization', as(ALICE));
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(1);
      const detail = await request(app)
        .get(path('dev', odd))
        .set('Authorization', as(ALICE));
      expect(detail.body.subject).toBe(odd);
    });

    it('answers a subject the caller may not read (or an unlinked one) exactly like a missing one', async () => {
      for (const [user, env, name] of [
        [ALICE, 'dev', 'payments.captured-value'],
        [ALICE, 'dev', 'legacy.audit-log-value'],
        [BOB, 'dev', 'orders.created-value'],
      ]) {
        for (const rest of ['', '/versions']) {
          const forbidden = await request(app)
            .get(path(env, name, rest))
            .set('Authorization', as(user));
          const missing = await request(app)
            .get(path(env, 'no-such-subject', rest))
            .set('Authorization', as(ADMIN));
          expect(missing.status).toBe(404);
          expect(forbidden.status).toBe(404);
          expect(JSON.stringify(forbidden.body)).toBe(
            JSON.stringify(missing.body).replaceAll('no-such-subject', name),
          );
        }
      }
      const admin = await request(app)
        .get(path('dev', 'legacy.audit-log-value'))
        .set('Authorization', as(ADMIN));
      expect(admin.status).toBe(200);
      expect(admin.body.entityRef).toBeUndefined();
    });

    it('answers 404 for unknown subjects and 400 for bad names', async () => {
      for (const url of [
        path('dev', 'nope-value'),
        path('dev', 'nope-value', '/versions'),
        path('staging', 'orders.created-value'),
      ]) {
        const res = await request(app).get(url).set('Authorization', as(ADMIN));
        expect(res.status).toBe(404);
        expect(res.body.error.message).toMatch(/^No schema subject "/);
      }
      const bad = await request(app)
        .get(path('d.e.v', 'orders.created-value'))
        .set('Authorization', as(ADMIN));
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toBe(
        "request/params/environment must be an environment name (letters, digits, '-' and '_')",
      );
      const long = await request(app)
        .get(path('dev', 'x'.repeat(513)))
        .set('Authorization', as(ADMIN));
      expect(long.status).toBe(400);
      expect(long.body.error.message).toBe(
        'request/params/subject must NOT have more than 512 characters',
      );
    });
  });

  describe('POST /schemas/:environment/:subject/compatibility', () => {
    const check = (user: string, body: unknown, env = 'dev', name = checked) =>
      request(app)
        .post(`/schemas/${env}/${encodeURIComponent(name)}/compatibility`)
        .set('Authorization', as(user))
        .send(body as object);

    it('returns the verdict of the real registry, with the level and the versions checked', async () => {
      const compatible = await check(ALICE, {
        schema: avroRecord(['id']),
      });
      expect(compatible.status).toBe(200);
      expect(compatible.body).toEqual({
        compatible: true,
        messages: [],
        level: 'BACKWARD_TRANSITIVE',
        against: [1],
      });
      const incompatible = await check(ALICE, {
        schema: avroRecord(['id', 'required']),
        schemaType: 'avro',
      });
      expect(incompatible.status).toBe(200);
      expect(incompatible.body.compatible).toBe(false);
      expect(incompatible.body.messages).toEqual(expect.any(Array));
      expect(incompatible.body.against).toEqual([1]);
    });

    it('answers 400 for a bad body or a schema the registry rejects', async () => {
      for (const [body, message] of [
        [{}, "request/body must have required property 'schema'"],
        [{ schema: '  ' }, 'request/body/schema must be a non-blank string'],
        [
          { schema: '"x"', schemaType: 'XML' },
          'request/body/schemaType must be equal to one of the allowed values',
        ],
        [
          { schema: '"x"', references: [{ name: 'a' }] },
          "request/body/references/0 must have required property 'subject'",
        ],
        [['not', 'an', 'object'], 'request/body must be object'],
        [{ schema: '{not avro' }, 'The registry rejected the schema: '],
      ] as const) {
        const res = await check(ALICE, body);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(message);
      }
    });

    it('needs read on the linked entity, and answers 404 like a missing subject without it', async () => {
      const forbidden = await check(BOB, { schema: '"x"' });
      expect(forbidden.status).toBe(404);
      expect(forbidden.body.error.message).toBe(
        `No schema subject "${checked}" in environment "dev"`,
      );
      expect(
        (
          await check(
            ALICE,
            { schema: '"x"' },
            'dev',
            'payments.captured-value',
          )
        ).status,
      ).toBe(404);
    });

    it('answers 404 without a registry or subject, 503 when the registry is down', async () => {
      const noRegistry = await check(
        ADMIN,
        { schema: '"x"' },
        'prod',
        'orders.created-value',
      );
      expect(noRegistry.status).toBe(404);
      expect(noRegistry.body.error.message).toBe(
        'No Schema Registry is configured for environment "prod"',
      );
      // Stored, but not in the registry (a unique name, so that a registry
      // seeded with demo data cannot have it; the last test of the file, as
      // it adds a subject).
      const gone = fixtures.name('routes-{suffix}.gone-value');
      await store.saveSubjects('dev', [subject(gone, ORDERS)], new Date());
      const unregistered = await check(ADMIN, { schema: '"x"' }, 'dev', gone);
      expect(unregistered.status).toBe(404);
      expect(unregistered.body.error.message).toContain(
        `The registry of "dev" has no subject "${gone}"`,
      );
      const down = await check(
        ADMIN,
        { schema: '"x"' },
        'down',
        'orders.down-value',
      );
      expect(down.status).toBe(503);
      expect(down.body.error.message).toMatch(
        /^The Schema Registry of "down" could not check the schema: \/subjects\/orders\.down-value\/versions: fetch failed: .*ECONNREFUSED/,
      );
    });

    it("tiers the registry's error text like every error: first line for non-admins", async () => {
      // Adds a subject: after the tests that count them.
      await store.saveSubjects(
        'stacked',
        [subject('orders.stacked-value', ORDERS)],
        new Date(),
      );
      const asAlice = await check(
        ALICE,
        { schema: '"x"' },
        'stacked',
        'orders.stacked-value',
      );
      expect(asAlice.status).toBe(400);
      expect(asAlice.body.error.message).toBe(
        'The registry rejected the schema: Invalid schema: unexpected token',
      );
      const asAdmin = await check(
        ADMIN,
        { schema: '"x"' },
        'stacked',
        'orders.stacked-value',
      );
      expect(asAdmin.status).toBe(400);
      expect(asAdmin.body.error.message).toBe(
        `The registry rejected the schema: ${STACKED_ERROR}`,
      );
    });

    describe('against the versions the level covers, as registration would', () => {
      const historyRecord = (extra: Record<string, unknown>[]) =>
        JSON.stringify({
          type: 'record',
          name: 'Order',
          namespace: 'com.acme.routes.history',
          fields: [{ name: 'id', type: 'string' }, ...extra],
        });
      // Version 2 adds `note` with a default; the proposal drops the default:
      // it reads what version 2 wrote, not what version 1 wrote.
      const proposal = historyRecord([{ name: 'note', type: 'string' }]);

      /** A subject of two versions in the real registry, stored in `env`. */
      async function history(base: string, level: string, env = 'dev') {
        const name = fixtures.name(`routes-{suffix}.${base}-value`);
        await fixtures.register(name, historyRecord([]));
        await fixtures.register(
          name,
          historyRecord([{ name: 'note', type: 'string', default: '' }]),
        );
        await fixtures.setCompatibility(name, level);
        // Adds a subject: after the tests that count them.
        await store.saveSubjects(env, [subject(name, ORDERS)], new Date());
        return name;
      }

      it('answers compatible under BACKWARD, checked against the latest version, and registration agrees', async () => {
        const name = await history('backward', 'BACKWARD');
        const res = await check(ALICE, { schema: proposal }, 'dev', name);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          compatible: true,
          messages: [],
          level: 'BACKWARD',
          against: [2],
        });
        await expect(fixtures.register(name, proposal)).resolves.toEqual(
          expect.any(Number),
        );
      });

      it('answers incompatible under BACKWARD_TRANSITIVE, naming the version it breaks, and registration agrees', async () => {
        const name = await history('transitive', 'BACKWARD_TRANSITIVE');
        const res = await check(ALICE, { schema: proposal }, 'dev', name);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          compatible: false,
          level: 'BACKWARD_TRANSITIVE',
          against: [1],
        });
        await expect(fixtures.register(name, proposal)).rejects.toThrow(
          /HTTP 409/,
        );
      });

      it('answers compatible under NONE without asking the registry about any version', async () => {
        const name = await history('none', 'NONE', 'proxied');
        const unrelated = JSON.stringify({
          type: 'record',
          name: 'Other',
          fields: [{ name: 'count', type: 'int' }],
        });
        proxy.requests.length = 0;
        const res = await check(ALICE, { schema: unrelated }, 'proxied', name);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          compatible: true,
          messages: [],
          level: 'NONE',
          against: [],
        });
        expect(
          proxy.requests.filter(r => r.path.startsWith('/compatibility/')),
        ).toEqual([]);
      });

      it('answers 503 naming the version whose check the registry failed with a 500', async () => {
        const name = await history('failing', 'BACKWARD_TRANSITIVE', 'proxied');
        const againstVersion1 = `/compatibility/subjects/${encodeURIComponent(
          name,
        )}/versions/1?verbose=true`;
        proxy.on(r => r.method === 'POST' && r.path === againstVersion1, {
          kind: 'error',
          status: 500,
          body: '{"error_code":50001,"message":"Store unavailable"}',
        });
        try {
          const res = await check(ALICE, { schema: proposal }, 'proxied', name);
          expect(res.status).toBe(503);
          expect(res.body.error.message).toBe(
            `The Schema Registry of "proxied" could not check the schema: HTTP 500 from ${againstVersion1}: {"error_code":50001,"message":"Store unavailable"}`,
          );
        } finally {
          proxy.reset();
        }
      });
    });
  });
});
