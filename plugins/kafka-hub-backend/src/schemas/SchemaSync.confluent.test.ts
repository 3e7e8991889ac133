import {
  mockServices,
  registerMswTestHooks,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { migrationsDir } from '../database/migrations';
import { SchemaStore } from '../database/schemas/SchemaStore';
import { SchemaRegistryClient } from '../schemaRegistry';
import { testDatabaseIds, unusedPort } from '../testUtils/testServices';
import { ClaimSet } from '../claims';
import {
  linkClaim,
  namespaceClaim,
  recordClaims,
} from '../claims/__testUtils__/claims';
import { kafkaEntity } from './__testUtils__/kafkaEntities';
import { SchemaSync } from './SchemaSync';

jest.setTimeout(60_000);

/**
 * Confluent Schema Registry 7.x behaviour that Apicurio lacks, served by msw
 * from an in-test registry: soft-deleted versions readable with
 * `?deleted=true`, soft-deleted subjects whose versions stay readable,
 * `GET /config/{subject}` answering 404 (40408) without `defaultToGlobal`,
 * and Confluent's error bodies.
 */
interface ConfluentVersion {
  id: number;
  schema: string;
  schemaType?: 'PROTOBUF' | 'JSON';
  deleted?: boolean;
}
interface ConfluentSubject {
  versions: Record<number, ConfluentVersion>;
  deleted?: boolean;
  compatibility?: string;
}
interface ConfluentRegistry {
  global: string;
  /** Registries before 7.0 ignore `defaultToGlobal` and answer 404. */
  supportsDefaultToGlobal: boolean;
  subjects: Record<string, ConfluentSubject>;
}

const avro = (doc: string) =>
  JSON.stringify({ type: 'record', name: 'R', doc, fields: [] });

function initialRegistry(): ConfluentRegistry {
  return {
    global: 'BACKWARD',
    supportsDefaultToGlobal: true,
    subjects: {
      'conf.orders-value': {
        compatibility: 'FULL',
        versions: {
          1: { id: 11, schema: avro('v1') },
          2: { id: 12, schema: avro('v2'), deleted: true },
          3: { id: 13, schema: avro('v3') },
        },
      },
      'conf.orders-key': { versions: { 1: { id: 10, schema: '"string"' } } },
      'conf.payments-value': {
        versions: {
          1: {
            id: 21,
            schemaType: 'PROTOBUF',
            schema: 'syntax = "proto3";\nmessage P { string id = 1; }\n',
          },
          2: {
            id: 22,
            schemaType: 'PROTOBUF',
            schema:
              'syntax = "proto3";\nmessage P { string id = 1; int64 cents = 2; }\n',
          },
        },
      },
      'conf.gone-value': {
        deleted: true,
        versions: { 1: { id: 31, schema: avro('gone'), deleted: true } },
      },
      'conf.audit-value': {
        versions: {
          1: { id: 41, schemaType: 'JSON', schema: '{"type":"object"}' },
        },
      },
    },
  };
}

const notFound = (code: number, message: string) =>
  HttpResponse.json({ error_code: code, message }, { status: 404 });

function confluentHandlers(base: string, registry: ConfluentRegistry) {
  const deletedParam = (request: Request) =>
    new URL(request.url).searchParams.get('deleted') === 'true';
  return [
    http.get(`${base}/subjects`, ({ request }) =>
      HttpResponse.json(
        Object.entries(registry.subjects)
          .filter(([, s]) => deletedParam(request) || !s.deleted)
          .map(([name]) => name),
      ),
    ),
    http.get(`${base}/subjects/:subject/versions`, ({ request, params }) => {
      const subject = registry.subjects[params.subject as string];
      if (!subject || (subject.deleted && !deletedParam(request))) {
        return notFound(40401, `Subject '${params.subject}' not found.`);
      }
      return HttpResponse.json(
        Object.entries(subject.versions)
          .filter(([, v]) => deletedParam(request) || !v.deleted)
          .map(([n]) => Number(n)),
      );
    }),
    http.get(
      `${base}/subjects/:subject/versions/:version`,
      ({ request, params }) => {
        const subject = registry.subjects[params.subject as string];
        const version = subject?.versions[Number(params.version)];
        if (!subject) {
          return notFound(40401, `Subject '${params.subject}' not found.`);
        }
        if (!version || (version.deleted && !deletedParam(request))) {
          return notFound(40402, `Version ${params.version} not found.`);
        }
        return HttpResponse.json({
          subject: params.subject,
          version: Number(params.version),
          id: version.id,
          ...(version.schemaType ? { schemaType: version.schemaType } : {}),
          schema: version.schema,
        });
      },
    ),
    http.get(`${base}/config`, () =>
      HttpResponse.json({ compatibilityLevel: registry.global }),
    ),
    http.get(`${base}/config/:subject`, ({ request, params }) => {
      const level = registry.subjects[params.subject as string]?.compatibility;
      if (level) {
        return HttpResponse.json({ compatibilityLevel: level });
      }
      const defaultToGlobal =
        registry.supportsDefaultToGlobal &&
        new URL(request.url).searchParams.get('defaultToGlobal') === 'true';
      return defaultToGlobal
        ? HttpResponse.json({ compatibilityLevel: registry.global })
        : notFound(
            40408,
            `Subject '${params.subject}' does not have subject-level compatibility configured`,
          );
    }),
    // The sync asks about each version it sees arrive. The schemas here
    // differ only in their doc: compatible under any level.
    http.post(
      `${base}/compatibility/subjects/:subject/versions/:version`,
      ({ params }) =>
        registry.subjects[params.subject as string]?.versions[
          Number(params.version)
        ]
          ? HttpResponse.json({ is_compatible: true, messages: [] })
          : notFound(40402, `Version ${params.version} not found.`),
    ),
  ];
}

describe('SchemaSync against Confluent answers (msw)', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const server = setupServer();
  registerMswTestHooks(server);

  let base: string;
  beforeAll(async () => {
    // A port nothing listens on: a request msw did not answer fails loudly.
    base = `http://127.0.0.1:${await unusedPort()}/ccompat`;
  });

  async function setup(
    databaseId: TestDatabaseId,
    options: {
      claims?: () => Promise<ClaimSet>;
      subjectListingLimit?: number;
    } = {},
  ) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const store = new SchemaStore(knex);
    const claims =
      options.claims ??
      (await recordClaims(knex, [
        kafkaEntity('confluent-app', { application: 'conf' }),
      ]));
    const registry = initialRegistry();
    /** The registry's answers, with `overrides` taking precedence. */
    const serve = (...overrides: Parameters<typeof server.use>) => {
      server.resetHandlers();
      server.use(...confluentHandlers(base, registry));
      server.use(...overrides);
    };
    serve();
    const client = new SchemaRegistryClient(
      { url: base, timeoutMs: 300 },
      { retries: 1, retryDelayMs: 10 },
    );
    const sync = (signal?: AbortSignal) =>
      new SchemaSync({
        environment: 'dev',
        client,
        store,
        claims,
        logger: mockServices.logger.mock(),
        concurrency: 2,
        subjectListingLimit: options.subjectListingLimit ?? 1000,
      }).run(signal);
    const first = await sync();
    return { knex, store, registry, serve, sync, first };
  }

  async function dump(knex: Knex) {
    return {
      schemas: await knex('kafka_hub_schemas').orderBy('subject'),
      versions: await knex('kafka_hub_schema_versions').orderBy([
        'subject',
        'version',
      ]),
    };
  }

  const versionStates = async (store: SchemaStore, subject: string) =>
    (await store.listVersions('dev', subject)).map(v => [
      v.version,
      v.globalId,
      v.deleted,
    ]);

  it.each(databases.eachSupportedId())(
    'stores soft-deleted versions and subjects and reads compatibility with defaultToGlobal on %p',
    async databaseId => {
      const { knex, store, registry, sync, first } = await setup(databaseId);
      expect(first).toMatchObject({
        status: 'succeeded',
        subjects: 5,
        fetchedVersions: 8,
      });
      expect(await versionStates(store, 'conf.orders-value')).toEqual([
        [3, 13, false],
        [2, 12, true],
        [1, 11, false],
      ]);
      expect(await store.getSubject('dev', 'conf.orders-value')).toMatchObject({
        entityRef: 'component:default/confluent-app',
        latestVersion: 3,
        latestGlobalId: 13,
        versionCount: 3,
        compatibility: 'FULL',
        compatibilitySource: 'subject',
        status: 'registered',
      });
      expect(await store.getSubject('dev', 'conf.orders-key')).toMatchObject({
        compatibility: 'BACKWARD',
        compatibilitySource: 'global',
      });
      expect(
        await store.getSubject('dev', 'conf.payments-value'),
      ).toMatchObject({ format: 'PROTOBUF', latestVersion: 2 });
      // Confluent still serves the versions of a soft-deleted subject.
      expect(await store.getSubject('dev', 'conf.gone-value')).toMatchObject({
        status: 'deleted',
        latestVersion: 1,
        versionCount: 1,
      });
      expect(await versionStates(store, 'conf.gone-value')).toEqual([
        [1, 31, true],
      ]);

      // An older registry without defaultToGlobal: a 404 means the global level.
      registry.supportsDefaultToGlobal = false;
      const before = await dump(knex);
      expect(await sync()).toMatchObject({
        status: 'succeeded',
        fetchedVersions: 0,
      });
      const withoutLastSeen = (d: typeof before) => ({
        ...d,
        schemas: d.schemas.map(({ last_seen_at, ...rest }) => rest),
      });
      expect(withoutLastSeen(await dump(knex))).toEqual(
        withoutLastSeen(before),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps stored data when the listing fails: a 500, a malformed body, a slow answer on %p',
    async databaseId => {
      const { knex, store, serve, sync } = await setup(databaseId);
      const snapshot = await dump(knex);

      serve(
        http.get(`${base}/subjects`, () =>
          HttpResponse.json(
            { error_code: 50001, message: 'Error in the backend datastore' },
            { status: 500 },
          ),
        ),
      );
      const failed = await sync();
      expect(failed).toMatchObject({ status: 'failed', httpCalls: 5 });
      expect(failed.error).toMatch(
        /^Listing failed: HTTP 500 from \/subjects: \{"error_code":50001/,
      );
      expect(await dump(knex)).toEqual(snapshot);

      serve(
        http.get(`${base}/subjects`, () =>
          HttpResponse.text('<html><body>Please sign in</body></html>', {
            headers: { 'Content-Type': 'text/html' },
          }),
        ),
      );
      const garbage = await sync();
      expect(garbage.status).toBe('failed');
      expect(garbage.error).toMatch(
        /^Listing failed: Malformed JSON from \/subjects: <html><body>Please sign in/,
      );
      expect(await dump(knex)).toEqual(snapshot);

      serve(
        http.get(`${base}/config`, async () => {
          await delay(2000);
          return HttpResponse.json({ compatibilityLevel: 'NONE' });
        }),
      );
      const started = Date.now();
      const slow = await sync();
      expect(Date.now() - started).toBeLessThan(1900);
      expect(slow).toMatchObject({
        status: 'failed',
        error: 'Listing failed: /config: No answer within 300 ms',
      });
      expect(await dump(knex)).toEqual(snapshot);

      const runs = await store.getSyncRuns();
      expect(runs).toEqual([
        expect.objectContaining({
          status: 'failed',
          error: slow.error,
          lastSuccessAt: expect.any(String),
        }),
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'writes the subjects it could read and marks nothing stale after a partial read on %p',
    async databaseId => {
      const { knex, store, registry, serve, sync } = await setup(databaseId);
      const intact = async (subject: string) => ({
        schema: await knex('kafka_hub_schemas').where({ subject }).first(),
        versions: await knex('kafka_hub_schema_versions')
          .where({ subject })
          .orderBy('version'),
      });
      const payments = await intact('conf.payments-value');
      const audit = await intact('conf.audit-value');
      const gone = await intact('conf.gone-value');

      registry.subjects['conf.orders-value'].versions[4] = {
        id: 14,
        schema: avro('v4'),
      };
      delete registry.subjects['conf.audit-value'];
      // One subject's versions fail every attempt; another's answer too slowly.
      serve(
        http.get(`${base}/subjects/conf.payments-value/versions`, () =>
          HttpResponse.json({ message: 'overloaded' }, { status: 503 }),
        ),
        http.get(`${base}/subjects/conf.gone-value/versions`, async () => {
          await delay(2000);
          return HttpResponse.json([1]);
        }),
      );
      const partial = await sync();
      expect(partial).toMatchObject({
        status: 'partial',
        failedSubjects: 2,
        staleMarked: 0,
        fetchedVersions: 1,
      });
      expect(partial.error).toContain(
        '2 of 4 subjects could not be read, nothing was marked stale',
      );
      expect(partial.error).toContain(
        '"conf.payments-value": HTTP 503 from /subjects/conf.payments-value/versions?deleted=true: {"message":"overloaded"}',
      );
      expect(partial.error).toContain(
        '"conf.gone-value": /subjects/conf.gone-value/versions?deleted=true: No answer within 300 ms',
      );
      // Readable subjects are updated...
      expect(
        (await store.getSubject('dev', 'conf.orders-value'))?.latestVersion,
      ).toBe(4);
      // ...the failed ones stay as they were, and the missing one is not stale.
      expect(await intact('conf.payments-value')).toEqual(payments);
      expect(await intact('conf.gone-value')).toEqual(gone);
      expect(await intact('conf.audit-value')).toEqual(audit);

      // Once every subject reads again, the missing one turns stale.
      serve();
      expect(await sync()).toMatchObject({
        status: 'succeeded',
        staleMarked: 1,
      });
      expect((await store.getSubject('dev', 'conf.audit-value'))?.status).toBe(
        'stale',
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'leaves a subject intact when a new version answers garbage, and retries a 429 on %p',
    async databaseId => {
      const { knex, store, registry, serve, sync } = await setup(databaseId);
      const before = await knex('kafka_hub_schemas')
        .where({ subject: 'conf.orders-value' })
        .first();
      registry.subjects['conf.orders-value'].versions[4] = {
        id: 14,
        schema: avro('v4'),
      };
      let throttled = 0;
      serve(
        http.get(`${base}/subjects/conf.orders-value/versions/4`, () =>
          HttpResponse.json({ version: 4, schema: avro('v4') }),
        ),
        http.get(`${base}/subjects/conf.orders-key/versions`, () => {
          if (throttled++ === 0) {
            return HttpResponse.json(
              { error_code: 42901, message: 'Too many requests' },
              { status: 429, headers: { 'Retry-After': '0' } },
            );
          }
          return undefined;
        }),
      );
      const run = await sync();
      expect(run).toMatchObject({ status: 'partial', failedSubjects: 1 });
      expect(run.error).toContain(
        '"conf.orders-value": Malformed answer from /subjects/conf.orders-value/versions/4?deleted=true: id must be a whole number',
      );
      expect(throttled).toBeGreaterThanOrEqual(2);
      expect(
        await knex('kafka_hub_schemas')
          .where({ subject: 'conf.orders-value' })
          .first(),
      ).toEqual(before);
      expect(await versionStates(store, 'conf.orders-value')).toEqual([
        [3, 13, false],
        [2, 12, true],
        [1, 11, false],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'treats a subject deleted between listing and reading as gone on %p',
    async databaseId => {
      const { store, registry, serve, sync } = await setup(databaseId);
      const listedBefore = Object.keys(registry.subjects).filter(
        name => !registry.subjects[name].deleted,
      );
      // Hard-deleted after the listing below was taken.
      delete registry.subjects['conf.audit-value'];
      // Soft-deleted after the listing: its live versions answer 404.
      registry.subjects['conf.orders-key'].deleted = true;
      registry.subjects['conf.orders-key'].versions[1].deleted = true;
      serve(
        http.get(`${base}/subjects`, ({ request }) =>
          new URL(request.url).searchParams.get('deleted') === 'true'
            ? HttpResponse.json([...listedBefore, 'conf.gone-value'])
            : HttpResponse.json(listedBefore),
        ),
      );
      expect(await sync()).toMatchObject({
        status: 'succeeded',
        staleMarked: 1,
        failedSubjects: 0,
      });
      expect((await store.getSubject('dev', 'conf.audit-value'))?.status).toBe(
        'stale',
      );
      expect(await store.getSubject('dev', 'conf.orders-key')).toMatchObject({
        status: 'deleted',
      });
      expect(await versionStates(store, 'conf.orders-key')).toEqual([
        [1, 10, true],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'follows claim changes, and keeps links while the claims cannot be read on %p',
    async databaseId => {
      let claims: ClaimSet | Error = new ClaimSet(
        [namespaceClaim('conf', 'component:default/confluent-app')],
        [],
      );
      const { store, registry, sync } = await setup(databaseId, {
        claims: async () => {
          if (claims instanceof Error) throw claims;
          return claims;
        },
      });
      const links = async () =>
        Object.fromEntries(
          (await store.listSubjects({}, { limit: 100, offset: 0 })).items.map(
            s => [s.subject, s.entityRef ?? null],
          ),
        );
      expect(await links()).toEqual({
        'conf.audit-value': 'component:default/confluent-app',
        'conf.gone-value': 'component:default/confluent-app',
        'conf.orders-key': 'component:default/confluent-app',
        'conf.orders-value': 'component:default/confluent-app',
        'conf.payments-value': 'component:default/confluent-app',
      });

      // The claims cannot be read: links stay, the run says why it is partial.
      claims = new Error('database: connection terminated');
      const partial = await sync();
      expect(partial).toMatchObject({ status: 'partial', failedSubjects: 0 });
      expect(partial.error).toBe(
        'Claims unavailable, links kept as they were: database: connection terminated',
      );
      expect(Object.values(await links()).every(l => l !== null)).toBe(true);

      // The namespace changes hands; a stale subject follows it too, and
      // a link claim inside the namespace does not count.
      delete registry.subjects['conf.audit-value'];
      await sync();
      const paymentsLink = linkClaim({
        environment: 'dev',
        kind: 'schema-subject',
        name: 'conf.payments-value',
        entityRef: 'component:default/payments',
      });
      claims = new ClaimSet(
        [namespaceClaim('conf', 'component:default/new-holder')],
        [paymentsLink],
      );
      expect(await sync()).toMatchObject({ status: 'succeeded' });
      expect(Object.values(await links())).toEqual(
        Array(5).fill('component:default/new-holder'),
      );

      // Without the namespace claim, the explicit link claim applies.
      claims = new ClaimSet([], [paymentsLink]);
      await sync();
      expect(await links()).toEqual({
        'conf.audit-value': null,
        'conf.gone-value': null,
        'conf.orders-key': null,
        'conf.orders-value': null,
        'conf.payments-value': 'component:default/payments',
      });
      claims = new ClaimSet([], []);
      await sync();
      expect(Object.values(await links())).toEqual(Array(5).fill(null));
    },
  );

  it.each(databases.eachSupportedId())(
    'marks nothing stale when the listing may be cut off or the run is aborted on %p',
    async databaseId => {
      const { store, registry, sync } = await setup(databaseId, {
        subjectListingLimit: 4,
      });
      delete registry.subjects['conf.audit-value'];
      const cutOff = await sync();
      expect(cutOff).toMatchObject({ status: 'partial', staleMarked: 0 });
      expect(cutOff.error).toBe(
        'The registry listed 4 subjects, at least the listing limit of 4: the listing may be cut off, nothing was marked stale',
      );
      expect((await store.getSubject('dev', 'conf.audit-value'))?.status).toBe(
        'registered',
      );

      // Aborted before it starts: not even the listing is asked for.
      const controller = new AbortController();
      controller.abort();
      const aborted = await sync(controller.signal);
      expect(aborted).toMatchObject({
        status: 'failed',
        staleMarked: 0,
        httpCalls: 0,
      });
      expect(aborted.error).toMatch(
        /^Aborted during the listing: the scheduler cancelled the run/,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'records a database failure as a failed run and rethrows it on %p',
    async databaseId => {
      const { knex, store, sync } = await setup(databaseId);
      await knex.schema.dropTable('kafka_hub_schema_versions');
      // The database's own error (compared by message: better-sqlite3's
      // errors can come from another realm when jest reuses a worker).
      const error = await sync().then(
        () => undefined,
        e => e,
      );
      expect(String(error?.message)).toMatch(/kafka_hub_schema_versions/);
      const [run] = await store.getSyncRuns();
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/^Sync failed: .*kafka_hub_schema_versions/);
    },
  );
});
