import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { migrationsDir } from '../database/migrations';
import { SchemaStore } from '../database/schemas/SchemaStore';
import { SchemaRegistryClient } from '../schemaRegistry';
import {
  RecordedCall,
  recordingFetch,
  RegistryFixtures,
} from '../schemaRegistry/__testUtils__/registryFixtures';
import {
  testDatabaseIds,
  testServices,
  unusedPort,
} from '../testUtils/testServices';
import { recordClaims } from '../claims/__testUtils__/claims';
import { kafkaEntity } from './__testUtils__/kafkaEntities';
import { schemaFingerprint } from './fingerprint';
import { SchemaSync } from './SchemaSync';

jest.setTimeout(120_000);

const url = testServices.registryUrl;

type AvroField = [name: string, type: unknown, defaultValue?: null];

const avroRecord = (name: string, fields: AvroField[]) =>
  JSON.stringify({
    type: 'record',
    name,
    namespace: 'com.acme',
    fields: fields.map(([field, type, defaultValue]) =>
      defaultValue === undefined
        ? { name: field, type }
        : { name: field, type, default: defaultValue },
    ),
  });
/** A field BACKWARD compatibility allows to add: nullable, default null. */
const optional = (field: string): AvroField => [
  field,
  ['null', 'string'],
  null,
];

/** The registry's own view of a subject, read through its raw API. */
async function registryView(fixtures: RegistryFixtures, subject: string) {
  const s = encodeURIComponent(subject);
  const all = (await fixtures.call(
    'GET',
    `/subjects/${s}/versions?deleted=true`,
  )) as number[];
  const live = new Set(
    ((await fixtures
      .call('GET', `/subjects/${s}/versions`)
      .catch(() => [])) as number[]) ?? [],
  );
  const versions = [];
  for (const v of [...all].sort((a, b) => b - a)) {
    const body = (await fixtures.call(
      'GET',
      `/subjects/${s}/versions/${v}?deleted=true`,
    )) as {
      id: number;
      schema: string;
      schemaType?: string;
      references?: unknown[];
    };
    const format = (body.schemaType ?? 'AVRO') as 'AVRO';
    versions.push({
      version: v,
      globalId: body.id,
      format,
      schema: body.schema,
      references: body.references ?? [],
      fingerprint: schemaFingerprint(format, body.schema),
      deleted: !live.has(v),
    });
  }
  return versions;
}

/** Every row of the schema tables, to prove that a run changed nothing. */
async function dump(knex: Knex) {
  return {
    schemas: await knex('kafka_hub_schemas').orderBy([
      'environment',
      'subject',
    ]),
    versions: await knex('kafka_hub_schema_versions').orderBy([
      'environment',
      'subject',
      'version',
    ]),
  };
}

/** Calls that fetched a version's body, as `subject@version`. */
function versionFetches(calls: RecordedCall[]): string[] {
  return calls.flatMap(c => {
    const match = /^\/subjects\/([^/?]+)\/versions\/(\d+)/.exec(c.path);
    return match ? [`${decodeURIComponent(match[1])}@${match[2]}`] : [];
  });
}

describe('SchemaSync against the real Apicurio', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const allFixtures: RegistryFixtures[] = [];

  afterAll(async () => {
    for (const fixtures of allFixtures) await fixtures.cleanUp();
  });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const fixtures = new RegistryFixtures(url);
    allFixtures.push(fixtures);
    const s = fixtures.suffix;
    const orders = `orders-${s}`;
    const payments = `payments-${s}`;
    const subjects = {
      ordersValue: `${orders}.created-value`,
      ordersKey: `${orders}.created-key`,
      shippedKey: `${orders}.shipped-key`,
      odd: `${orders}.sp/é c:ial-value`,
      captured: `${payments}.captured-value`,
      authorized: `${payments}.authorized-value`,
      money: `com.acme.${s}.Money`,
      refunds: `${payments}.refunds-value`,
      legacy: `legacy-${s}.audit-log-value`,
    };
    const claims = await recordClaims(knex, [
      kafkaEntity('orders', { application: orders }),
      kafkaEntity('payments', {
        application: payments,
        schemaSubjects: [{ environment: 'dev', subject: subjects.money }],
      }),
    ]);
    const store = new SchemaStore(knex);
    const recorded = recordingFetch(url, {
      onlySubjects: subject => fixtures.owns(subject),
    });
    const sync = (registryUrl = url, fetchImpl = recorded.fetch) =>
      new SchemaSync({
        environment: 'dev',
        client: new SchemaRegistryClient(
          { url: registryUrl, timeoutMs: 5000 },
          { fetch: fetchImpl, retries: 1, retryDelayMs: 50 },
        ),
        store,
        claims,
        logger: mockServices.logger.mock(),
        concurrency: 4,
        subjectListingLimit: 1000,
        batchSize: 3,
      }).run();
    return {
      knex,
      fixtures,
      subjects,
      store,
      recorded,
      sync,
      orders,
      payments,
    };
  }

  it.each(databases.eachSupportedId())(
    'mirrors the registry, fetches only new versions and survives failures on %p',
    async databaseId => {
      const { knex, fixtures, subjects, store, recorded, sync } = await setup(
        databaseId,
      );

      // Several versions in each format, a shared id and a reference.
      for (const fields of [
        [['id', 'string']],
        [['id', 'string'], optional('note')],
        [['id', 'string'], optional('note'), optional('channel')],
      ] as AvroField[][]) {
        await fixtures.register(
          subjects.ordersValue,
          avroRecord('Order', fields),
        );
      }
      await fixtures.setCompatibility(subjects.ordersValue, 'BACKWARD');
      const keyId = await fixtures.register(subjects.ordersKey, '"string"');
      expect(await fixtures.register(subjects.shippedKey, '"string"')).toBe(
        keyId,
      );
      await fixtures.register(subjects.odd, avroRecord('Odd', [['x', 'int']]));
      const proto = (fields: string) =>
        `syntax = "proto3";\npackage com.acme;\n\nmessage Captured {\n${fields}}\n`;
      await fixtures.register(
        subjects.captured,
        proto('  string id = 1;\n  int64 amount = 2;\n'),
        { format: 'PROTOBUF' },
      );
      await fixtures.register(
        subjects.captured,
        proto(
          '  string id = 1;\n  int64 amount = 2;\n  string currency = 3;\n',
        ),
        { format: 'PROTOBUF' },
      );
      const json = (props: string[]) =>
        JSON.stringify({
          type: 'object',
          properties: Object.fromEntries(
            props.map(p => [p, { type: 'string' }]),
          ),
          additionalProperties: false,
        });
      await fixtures.register(subjects.authorized, json(['id']), {
        format: 'JSON',
      });
      await fixtures.register(subjects.authorized, json(['id', 'card']), {
        format: 'JSON',
      });
      await fixtures.register(
        subjects.money,
        avroRecord('Money', [
          ['amount', 'long'],
          ['currency', 'string'],
        ]),
      );
      await fixtures.register(
        subjects.refunds,
        avroRecord('Refund', [['amount', 'com.acme.Money']]),
        {
          references: [
            { name: 'com.acme.Money', subject: subjects.money, version: 1 },
          ],
        },
      );
      await fixtures.register(
        subjects.legacy,
        avroRecord('Audit', [['line', 'string']]),
      );
      const all = Object.values(subjects);

      // 1. The first sync stores every subject and version as the registry has them.
      const first = await sync();
      expect(first).toMatchObject({
        status: 'succeeded',
        subjects: all.length,
        fetchedVersions: 13,
        staleMarked: 0,
        failedSubjects: 0,
      });
      expect(first.error).toBeUndefined();
      const globalLevel = (
        (await fixtures.call('GET', '/config')) as {
          compatibilityLevel: string;
        }
      ).compatibilityLevel;
      for (const subject of all) {
        expect({
          subject,
          versions: await store.listVersions('dev', subject),
        }).toEqual({
          subject,
          versions: (await registryView(fixtures, subject)).map(v =>
            expect.objectContaining(v),
          ),
        });
      }
      const detail = (subject: string) => store.getSubject('dev', subject);
      expect(await detail(subjects.ordersValue)).toMatchObject({
        entityRef: 'component:default/orders',
        topic: subjects.ordersValue.replace(/-value$/, ''),
        role: 'value',
        format: 'AVRO',
        latestVersion: 3,
        versionCount: 3,
        compatibility: 'BACKWARD',
        compatibilitySource: globalLevel === 'BACKWARD' ? 'global' : 'subject',
        status: 'registered',
      });
      expect(await detail(subjects.ordersKey)).toMatchObject({
        role: 'key',
        latestGlobalId: keyId,
        compatibility: globalLevel,
        compatibilitySource: 'global',
      });
      expect((await detail(subjects.shippedKey))?.latestGlobalId).toBe(keyId);
      expect(await detail(subjects.odd)).toMatchObject({
        entityRef: 'component:default/orders',
        topic: subjects.odd.replace(/-value$/, ''),
      });
      expect(await detail(subjects.captured)).toMatchObject({
        entityRef: 'component:default/payments',
        format: 'PROTOBUF',
        latestVersion: 2,
      });
      expect(await detail(subjects.authorized)).toMatchObject({
        format: 'JSON',
        versionCount: 2,
      });
      // Record-name strategy: linked only through the annotation.
      expect(await detail(subjects.money)).toMatchObject({
        entityRef: 'component:default/payments',
        topic: undefined,
        role: undefined,
      });
      expect((await detail(subjects.refunds))?.references).toEqual([
        { name: 'com.acme.Money', subject: subjects.money, version: 1 },
      ]);
      expect((await detail(subjects.legacy))?.entityRef).toBeUndefined();
      expect((await store.getSyncRuns())[0]).toMatchObject({
        environment: 'dev',
        status: 'succeeded',
        fetchedVersions: 13,
        httpCalls: first.httpCalls,
      });

      // 2. Nothing changed: no version is fetched again, no row changes but last seen.
      const before = await dump(knex);
      recorded.calls.length = 0;
      const unchanged = await sync();
      expect(unchanged).toMatchObject({
        status: 'succeeded',
        fetchedVersions: 0,
      });
      expect(versionFetches(recorded.calls)).toEqual([]);
      expect(recorded.calls.some(c => c.path.startsWith('/schemas/'))).toBe(
        false,
      );
      // Per subject: versions (with and without deleted) and its config.
      expect(unchanged.httpCalls).toBe(3 + all.length * 3);
      const after = await dump(knex);
      const withoutLastSeen = (d: typeof before) => ({
        ...d,
        schemas: d.schemas.map(({ last_seen_at, ...rest }) => rest),
      });
      expect(withoutLastSeen(after)).toEqual(withoutLastSeen(before));

      // 3. A new version: exactly that version is fetched.
      await fixtures.register(
        subjects.ordersValue,
        avroRecord('Order', [
          ['id', 'string'],
          optional('note'),
          optional('channel'),
          optional('coupon'),
        ]),
      );
      recorded.calls.length = 0;
      expect(await sync()).toMatchObject({
        status: 'succeeded',
        fetchedVersions: 1,
      });
      expect(versionFetches(recorded.calls)).toEqual([
        `${subjects.ordersValue}@4`,
      ]);
      expect(await detail(subjects.ordersValue)).toMatchObject({
        latestVersion: 4,
        versionCount: 4,
      });
      expect(await store.listVersions('dev', subjects.ordersValue)).toEqual(
        (await registryView(fixtures, subjects.ordersValue)).map(v =>
          expect.objectContaining(v),
        ),
      );

      // 4. A soft-deleted version and a soft-deleted subject are kept, flagged deleted.
      await fixtures.deleteVersion(subjects.authorized, 1);
      await fixtures.deleteSubject(subjects.legacy);
      await sync();
      expect(
        (await store.listVersions('dev', subjects.authorized)).map(v => [
          v.version,
          v.deleted,
        ]),
      ).toEqual([
        [2, false],
        [1, true],
      ]);
      expect((await detail(subjects.authorized))?.latestVersion).toBe(2);
      expect(await detail(subjects.legacy)).toMatchObject({
        status: 'deleted',
        versionCount: 1,
      });
      expect(
        (await store.listVersions('dev', subjects.legacy)).map(v => v.deleted),
      ).toEqual([true]);

      // 5. A subject gone from the registry turns stale; its versions stay.
      await fixtures.deleteSubject(subjects.legacy, true);
      const gone = await sync();
      expect(gone).toMatchObject({ status: 'succeeded', staleMarked: 1 });
      expect((await detail(subjects.legacy))?.status).toBe('stale');
      expect(await store.listVersions('dev', subjects.legacy)).toHaveLength(1);

      // 6. An unreachable registry changes nothing and the error is recorded.
      const snapshot = await dump(knex);
      const deadUrl = `http://127.0.0.1:${await unusedPort()}/apis/ccompat/v7`;
      const failed = await sync(deadUrl, fetch);
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(/^Listing failed: \/subjects.*ECONNREFUSED/);
      expect(await dump(knex)).toEqual(snapshot);
      expect((await store.getSyncRuns())[0]).toMatchObject({
        status: 'failed',
        error: failed.error,
        fetchedVersions: 0,
        lastSuccessAt: gone.startedAt.toISOString(),
      });
      await knex.destroy();
    },
  );
});
