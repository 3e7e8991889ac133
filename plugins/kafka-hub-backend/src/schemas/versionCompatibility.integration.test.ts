import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { SchemaVersionCompatibility } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { Knex } from 'knex';
import { ClaimSet } from '../claims';
import { migrationsDir } from '../database/migrations';
import { SchemaStore } from '../database/schemas/SchemaStore';
import { SchemaRegistryClient } from '../schemaRegistry';
import {
  registryFaultProxy,
  requestsTo,
} from '../schemaRegistry/__testUtils__/registryFaultProxy';
import { RegistryFixtures } from '../schemaRegistry/__testUtils__/registryFixtures';
import { testDatabaseIds, testServices } from '../testUtils/testServices';
import { SchemaSync } from './SchemaSync';

jest.setTimeout(180_000);

type Field = [name: string, type: unknown, defaultValue?: unknown];

const avro = (fields: Field[]) =>
  JSON.stringify({
    type: 'record',
    name: 'Order',
    namespace: 'com.acme.compat',
    fields: fields.map(([name, type, defaultValue]) =>
      defaultValue === undefined
        ? { name, type }
        : { name, type, default: defaultValue },
    ),
  });
/** A field every compatibility level lets a version add. */
const optional = (name: string): Field => [name, ['null', 'string'], null];

/** The compatibility endpoint Kafka Hub asks, one earlier version at a time. */
const isCompatibilityCheck = (r: { method: string; path: string }) =>
  r.method === 'POST' && r.path.startsWith('/compatibility/');

describe('Per-version compatibility, asked of the real Apicurio', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const cleanUps: Array<() => Promise<void> | void> = [];
  const checks = jest.spyOn(
    SchemaRegistryClient.prototype,
    'checkCompatibilityWithVersion',
  );
  afterEach(async () => {
    for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
  });
  afterAll(() => checks.mockRestore());

  async function setup(databaseId: TestDatabaseId) {
    const knex: Knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    cleanUps.push(() => knex.destroy());
    const fixtures = new RegistryFixtures(testServices.registryUrl);
    cleanUps.push(() => fixtures.cleanUp());
    const proxy = await registryFaultProxy(testServices.registryUrl, {
      onlySubjects: s => fixtures.owns(s),
    });
    cleanUps.push(() => proxy.close());
    const store = new SchemaStore(knex);
    const logger = mockServices.logger.mock();
    const name = (base: string) => `compat-${fixtures.suffix}.${base}-value`;

    /** Each subject's schemas in registration order: version n is index n-1. */
    const registered = new Map<string, string[]>();
    const register = async (subject: string, fields: Field[]) => {
      const schema = avro(fields);
      await fixtures.register(subject, schema);
      const schemas = registered.get(subject) ?? [];
      schemas.push(schema);
      registered.set(subject, schemas);
      return schemas.length;
    };
    /** The questions asked since the last call, as `subject vN→vM`, sorted. */
    const questionsAsked = () => {
      const asked = checks.mock.calls.map(([subject, target, proposal]) => {
        const version = (registered.get(subject) ?? []).indexOf(
          proposal.schema,
        );
        return `${subject.split('.')[1]} v${version + 1}→v${target}`;
      });
      checks.mockClear();
      return asked.sort();
    };
    const sync = () =>
      new SchemaSync({
        environment: 'dev',
        client: new SchemaRegistryClient(
          { url: proxy.url, timeoutMs: 5000 },
          { retries: 1, retryDelayMs: 10 },
        ),
        store,
        claims: async () => new ClaimSet([], []),
        logger,
        concurrency: 2,
        subjectListingLimit: 1000,
        batchSize: 3,
      }).run();
    /** Each stored version's compatibility, newest first. */
    const compatibilityOf = async (subject: string) =>
      Object.fromEntries(
        (await store.listVersions('dev', subject)).map(v => [
          v.version,
          v.compatibility,
        ]),
      ) as Record<number, SchemaVersionCompatibility>;
    checks.mockClear();
    return {
      knex,
      fixtures,
      proxy,
      store,
      logger,
      name,
      register,
      questionsAsked,
      sync,
      compatibilityOf,
    };
  }

  const answered = (
    status: 'compatible' | 'incompatible',
    level: string,
    against: number[],
  ) => ({ status, level, against, checkedAt: expect.any(String) });

  it.each(databases.eachSupportedId())(
    'records the level and the answer once per version seen arriving, unchecked under NONE, unknown before Kafka Hub, on %p',
    async databaseId => {
      const {
        fixtures,
        name,
        register,
        questionsAsked,
        sync,
        compatibilityOf,
      } = await setup(databaseId);
      // Apicurio drops a subject's NONE for the global level: NONE takes a
      // registry whose global level is NONE, its default.
      expect(await fixtures.call('GET', '/config')).toEqual({
        compatibilityLevel: 'NONE',
      });
      const legacy = name('legacy');
      const orders = name('orders');
      const ledger = name('ledger');
      const fresh = name('fresh');

      // Registered before Kafka Hub's first sync of the environment.
      await register(legacy, [['id', 'string']]);
      await register(legacy, [['id', 'string'], optional('note')]);
      await register(legacy, [
        ['id', 'string'],
        optional('note'),
        optional('channel'),
      ]);
      await fixtures.setCompatibility(legacy, 'BACKWARD');
      await register(orders, [['id', 'string']]);
      await fixtures.setCompatibility(orders, 'BACKWARD');
      await register(ledger, [['a', 'string']]);
      await fixtures.setCompatibility(ledger, 'BACKWARD');

      // 1. The first sync asks nothing: versions 1 have nothing before
      // them, the others predate Kafka Hub and stay unknown.
      expect(await sync()).toMatchObject({ status: 'succeeded' });
      expect(questionsAsked()).toEqual([]);
      expect(await compatibilityOf(legacy)).toEqual({
        3: { status: 'unknown' },
        2: { status: 'unknown' },
        1: { status: 'first' },
      });
      expect(await compatibilityOf(orders)).toEqual({ 1: { status: 'first' } });

      // 2. New versions, and a subject new since that complete sync: each
      // version asked about once, against the one before, or under a
      // transitive level against each one before.
      await register(orders, [['id', 'string'], optional('note')]);
      await register(legacy, [
        ['id', 'string'],
        optional('note'),
        optional('channel'),
        optional('coupon'),
      ]);
      // Registered under BACKWARD (each compatible with the one before),
      // seen under BACKWARD_TRANSITIVE: v3 reads no v1 data (b has no default).
      await register(ledger, [
        ['a', 'string'],
        ['b', 'string', 'x'],
      ]);
      await register(ledger, [['b', 'string']]);
      await fixtures.setCompatibility(ledger, 'BACKWARD_TRANSITIVE');
      await register(fresh, [['id', 'string']]);
      await register(fresh, [['id', 'string'], optional('note')]);
      await fixtures.setCompatibility(fresh, 'FORWARD');
      expect(await sync()).toMatchObject({ status: 'succeeded' });
      expect(questionsAsked()).toEqual([
        'fresh-value v2→v1',
        'ledger-value v2→v1',
        'ledger-value v3→v1',
        'ledger-value v3→v2',
        'legacy-value v4→v3',
        'orders-value v2→v1',
      ]);
      expect(await compatibilityOf(orders)).toEqual({
        2: answered('compatible', 'BACKWARD', [1]),
        1: { status: 'first' },
      });
      expect(await compatibilityOf(legacy)).toEqual({
        4: answered('compatible', 'BACKWARD', [3]),
        3: { status: 'unknown' },
        2: { status: 'unknown' },
        1: { status: 'first' },
      });
      expect(await compatibilityOf(ledger)).toEqual({
        3: answered('incompatible', 'BACKWARD_TRANSITIVE', [1]),
        2: answered('compatible', 'BACKWARD_TRANSITIVE', [1]),
        1: { status: 'first' },
      });
      expect(await compatibilityOf(fresh)).toEqual({
        2: answered('compatible', 'FORWARD', [1]),
        1: { status: 'first', level: 'FORWARD' },
      });

      // 3. Nothing new: nothing asked again.
      await sync();
      expect(questionsAsked()).toEqual([]);

      // 4. An incompatible version registered under NONE.
      await fixtures.setCompatibility(orders, 'NONE');
      const incompatible: Field[] = [['id', 'long'], optional('note')];
      expect(await register(orders, incompatible)).toBe(3);
      expect(await sync()).toMatchObject({ status: 'succeeded' });
      expect(questionsAsked()).toEqual([]);
      expect((await compatibilityOf(orders))[3]).toEqual({
        status: 'unchecked',
        level: 'NONE',
      });
      // Why it is not asked: under NONE the registry calls anything
      // compatible; under BACKWARD it says what v3 really is.
      const check = () =>
        fixtures.call(
          'POST',
          `/compatibility/subjects/${encodeURIComponent(orders)}/versions/2`,
          { schema: avro(incompatible) },
        );
      expect(await check()).toEqual({ is_compatible: true });
      await fixtures.setCompatibility(orders, 'BACKWARD');
      expect(await check()).toEqual({ is_compatible: false });

      // 5. Registered under NONE, seen under BACKWARD: the registry's answer.
      await fixtures.setCompatibility(orders, 'NONE');
      expect(
        await register(orders, [
          ['id', 'string'],
          optional('note'),
          optional('channel'),
        ]),
      ).toBe(4);
      await fixtures.setCompatibility(orders, 'BACKWARD');
      await sync();
      expect(questionsAsked()).toEqual(['orders-value v4→v3']);
      expect(await compatibilityOf(orders)).toEqual({
        4: answered('incompatible', 'BACKWARD', [3]),
        3: { status: 'unchecked', level: 'NONE' },
        2: answered('compatible', 'BACKWARD', [1]),
        1: { status: 'first' },
      });

      await sync();
      expect(questionsAsked()).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps syncing when the registry fails the question, asks it again at the next sync only, and keeps earlier answers, on %p',
    async databaseId => {
      const {
        knex,
        fixtures,
        proxy,
        logger,
        name,
        register,
        questionsAsked,
        sync,
        compatibilityOf,
      } = await setup(databaseId);
      const orders = name('orders');
      const v = (n: number) =>
        [
          ['id', 'string'],
          ...[1, 2, 3, 4, 5].slice(0, n).map(i => optional(`f${i}`)),
        ] as Field[];
      await register(orders, v(0));
      await fixtures.setCompatibility(orders, 'BACKWARD');
      await sync();
      const failing = (fault: Parameters<typeof proxy.on>[1]) => {
        proxy.reset();
        proxy.on(isCompatibilityCheck, fault);
      };

      // A 500, then garbage: the versions are stored, their question pending.
      await register(orders, v(1));
      failing({ kind: 'error', status: 500 });
      expect(await sync()).toMatchObject({
        status: 'succeeded',
        fetchedVersions: 1,
      });
      expect(questionsAsked()).toEqual(['orders-value v2→v1']);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /^Schema sync of dev: the registry did not answer 1 compatibility question, asked again at the next sync: ".*orders-value" v2: .*HTTP 500/,
        ),
      );
      await register(orders, v(2));
      failing({
        kind: 'garbage',
        contentType: 'text/html',
        body: '<html><body>502 Bad Gateway</body></html>',
      });
      expect(await sync()).toMatchObject({
        status: 'succeeded',
        fetchedVersions: 1,
      });
      expect(questionsAsked()).toEqual([
        'orders-value v2→v1',
        'orders-value v3→v2',
      ]);
      expect(await compatibilityOf(orders)).toEqual({
        3: { status: 'pending', level: 'BACKWARD' },
        2: { status: 'pending', level: 'BACKWARD' },
        1: { status: 'first' },
      });

      // The registry answers again: asked once more, then never.
      proxy.reset();
      await sync();
      expect(questionsAsked()).toEqual([
        'orders-value v2→v1',
        'orders-value v3→v2',
      ]);
      const answers = {
        3: answered('compatible', 'BACKWARD', [2]),
        2: answered('compatible', 'BACKWARD', [1]),
        1: { status: 'first' },
      };
      expect(await compatibilityOf(orders)).toEqual(answers);
      await sync();
      expect(questionsAsked()).toEqual([]);

      // Stored answers survive a failed sync and a failed question.
      const stored = await knex('kafka_hub_schema_versions').orderBy('version');
      proxy.on(requestsTo.listing, { kind: 'error', status: 503 });
      expect(await sync()).toMatchObject({ status: 'failed' });
      expect(
        await knex('kafka_hub_schema_versions').orderBy('version'),
      ).toEqual(stored);
      await register(orders, v(3));
      failing({ kind: 'reset' });
      expect(await sync()).toMatchObject({ status: 'succeeded' });
      expect(questionsAsked()).toEqual(['orders-value v4→v3']);
      expect(await compatibilityOf(orders)).toEqual({
        4: { status: 'pending', level: 'BACKWARD' },
        ...answers,
      });

      // The level changed before the registry answered: it would answer
      // under the new one, so v4 stays unknown, and is not asked.
      await fixtures.setCompatibility(orders, 'FORWARD');
      proxy.reset();
      await sync();
      expect(questionsAsked()).toEqual([]);
      expect((await compatibilityOf(orders))[4]).toEqual({
        status: 'unknown',
        level: 'BACKWARD',
      });

      // The registry's own 404 (a version gone meanwhile) is final.
      await register(orders, v(4));
      failing({
        kind: 'error',
        status: 404,
        body: JSON.stringify({
          error_code: 40402,
          message: 'Version not found',
        }),
      });
      await sync();
      proxy.reset();
      await sync();
      expect(questionsAsked()).toEqual(['orders-value v5→v4']);
      expect((await compatibilityOf(orders))[5]).toEqual({
        status: 'unknown',
        level: 'FORWARD',
      });
      // A refusal (Confluent files the check under SUBJECT_WRITE, which a
      // read-only identity lacks) is final too, and said in the log.
      await register(orders, v(5));
      failing({
        kind: 'error',
        status: 403,
        body: JSON.stringify({
          error_code: 40301,
          message: 'User is denied operation Write on Subject',
        }),
      });
      await sync();
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /^Schema sync of dev: the registry did not answer 1 compatibility question, those versions stay unknown: ".*orders-value" v6: HTTP 403 from .*denied operation Write/,
        ),
      );
      proxy.reset();
      await sync();
      expect(questionsAsked()).toEqual(['orders-value v6→v5']);
      expect((await compatibilityOf(orders))[6]).toEqual({
        status: 'unknown',
        level: 'FORWARD',
      });

      // Always against one version, never the versionless check.
      const paths = proxy.requests
        .filter(isCompatibilityCheck)
        .map(r => r.path);
      expect(paths.length).toBeGreaterThan(0);
      expect(
        paths.filter(p => !/\/versions\/\d+\?verbose=true$/.test(p)),
      ).toEqual([]);
    },
  );
});
