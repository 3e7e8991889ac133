import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { migrationsDir } from '../migrations';
import { testDatabaseIds } from '../../testUtils/testServices';
import { SchemaStore } from './SchemaStore';
import { NewSchemaVersion, SubjectUpdate } from './types';

jest.setTimeout(60_000);

const t = (s: number) => new Date(Date.UTC(2026, 10, 22, 12, 0, s));

/** Beyond 32 bits, as Apicurio's content ids can be. */
const BIG_ID = 2 ** 40 + 7;

const version = (
  n: number,
  overrides: Partial<NewSchemaVersion> = {},
): NewSchemaVersion => ({
  version: n,
  globalId: 100 + n,
  format: 'AVRO',
  schema: `{"type":"record","name":"R","fields":[],"doc":"v${n}"}`,
  references: [],
  fingerprint: `fp${n}`,
  deleted: false,
  compatibility: { status: 'unknown' },
  ...overrides,
});

const subject = (
  name: string,
  overrides: Partial<SubjectUpdate> = {},
): SubjectUpdate => ({
  subject: name,
  status: 'registered',
  entityRef: 'component:default/orders',
  topic: name.replace(/-(key|value)$/, ''),
  role: name.endsWith('-key') ? 'key' : 'value',
  format: 'AVRO',
  latestVersion: 1,
  latestGlobalId: 101,
  versionCount: 1,
  compatibility: 'BACKWARD',
  compatibilitySource: 'subject',
  newVersions: [version(1)],
  deletedVersions: [],
  restoredVersions: [],
  compatibilityAnswers: [],
  ...overrides,
});

describe('SchemaStore', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    return { knex, store: new SchemaStore(knex) };
  }

  it.each(databases.eachSupportedId())(
    'migrates the schema tables up and down on %p',
    async databaseId => {
      const { knex } = await setup(databaseId);
      for (const table of [
        'kafka_hub_schemas',
        'kafka_hub_schema_versions',
        'kafka_hub_schema_sync_runs',
      ]) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      expect(
        Object.keys(
          await knex('kafka_hub_schema_versions').columnInfo(),
        ).sort(),
      ).toEqual([
        'compatibility_against',
        'compatibility_checked_at',
        'compatibility_level',
        'compatibility_status',
        'deleted',
        'environment',
        'fingerprint',
        'first_seen_at',
        'format',
        'global_id',
        'schema_references',
        'schema_text',
        'subject',
        'synced_at',
        'version',
      ]);
      await knex.migrate.rollback({ directory: migrationsDir }, true);
      expect(await knex.schema.hasTable('kafka_hub_schemas')).toBe(false);
      expect(await knex.schema.hasTable('kafka_hub_schema_versions')).toBe(
        false,
      );
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable('kafka_hub_schemas')).toBe(true);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'stores subjects with versions and reads them back for the sync on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const odd = 'a/b: ordres créés ✓-value';
      await store.saveSubjects(
        'dev',
        [
          subject(odd, {
            latestVersion: 2,
            latestGlobalId: BIG_ID,
            versionCount: 2,
            newVersions: [
              version(1, { deleted: true }),
              version(2, {
                globalId: BIG_ID,
                references: [
                  { name: 'com.acme.Money', subject: 'm', version: 1 },
                ],
              }),
            ],
          }),
          subject('orders.created-key', { entityRef: undefined }),
        ],
        t(0),
      );
      const state = await store.loadSyncState('dev');
      expect([...state.keys()].sort()).toEqual(
        ['orders.created-key', odd].sort(),
      );
      expect(state.get(odd)).toEqual({
        subject: odd,
        entityRef: 'component:default/orders',
        format: 'AVRO',
        latestVersion: 2,
        latestGlobalId: BIG_ID,
        versionCount: 2,
        compatibility: 'BACKWARD',
        compatibilitySource: 'subject',
        status: 'registered',
        versions: new Map([
          [
            1,
            {
              globalId: 101,
              format: 'AVRO',
              deleted: true,
              compatibility: { status: 'unknown', level: undefined },
            },
          ],
          [
            2,
            {
              globalId: BIG_ID,
              format: 'AVRO',
              deleted: false,
              compatibility: { status: 'unknown', level: undefined },
            },
          ],
        ]),
      });
      expect(state.get('orders.created-key')?.entityRef).toBeUndefined();
      expect(await store.loadSyncState('prod')).toEqual(new Map());

      expect(await store.getSubject('dev', odd)).toEqual({
        environment: 'dev',
        subject: odd,
        entityRef: 'component:default/orders',
        topic: 'a/b: ordres créés ✓',
        role: 'value',
        format: 'AVRO',
        latestVersion: 2,
        latestGlobalId: BIG_ID,
        versionCount: 2,
        compatibility: 'BACKWARD',
        compatibilitySource: 'subject',
        status: 'registered',
        firstSeenAt: t(0).toISOString(),
        lastSeenAt: t(0).toISOString(),
        references: [{ name: 'com.acme.Money', subject: 'm', version: 1 }],
      });
      expect(await store.getSubject('dev', 'nope')).toBeUndefined();
      expect(await store.getSubject('prod', odd)).toBeUndefined();

      const versions = await store.listVersions('dev', odd);
      expect(versions.map(v => [v.version, v.deleted, v.globalId])).toEqual([
        [2, false, BIG_ID],
        [1, true, 101],
      ]);
      expect(versions[1]).toEqual({
        version: 1,
        globalId: 101,
        format: 'AVRO',
        schema: version(1).schema,
        references: [],
        fingerprint: 'fp1',
        deleted: true,
        firstSeenAt: t(0).toISOString(),
        syncedAt: t(0).toISOString(),
        compatibility: { status: 'unknown' },
      });
    },
  );

  it.each(databases.eachSupportedId())(
    "keeps each version's compatibility and answers only pending questions on %p",
    async databaseId => {
      const { store } = await setup(databaseId);
      await store.saveSubject(
        'dev',
        subject('c-value', {
          newVersions: [
            version(1, { compatibility: { status: 'first' } }),
            version(2, {
              compatibility: {
                status: 'compatible',
                level: 'BACKWARD_TRANSITIVE',
                against: [1],
                checkedAt: t(1),
              },
            }),
            version(3, {
              compatibility: {
                status: 'incompatible',
                level: 'BACKWARD',
                against: [2],
                checkedAt: t(2),
              },
            }),
            version(4, {
              compatibility: { status: 'unchecked', level: 'NONE' },
            }),
            version(5, {
              compatibility: { status: 'pending', level: 'FORWARD' },
            }),
          ],
        }),
        t(3),
      );
      const compatibilities = async () =>
        (await store.listVersions('dev', 'c-value')).map(v => [
          v.version,
          v.compatibility,
        ]);
      const before = [
        [5, { status: 'pending', level: 'FORWARD' }],
        [4, { status: 'unchecked', level: 'NONE' }],
        [
          3,
          {
            status: 'incompatible',
            level: 'BACKWARD',
            against: [2],
            checkedAt: t(2).toISOString(),
          },
        ],
        [
          2,
          {
            status: 'compatible',
            level: 'BACKWARD_TRANSITIVE',
            against: [1],
            checkedAt: t(1).toISOString(),
          },
        ],
        [1, { status: 'first' }],
      ];
      expect(await compatibilities()).toEqual(before);
      expect(
        [...(await store.loadSyncState('dev')).get('c-value')!.versions].map(
          ([v, state]) => [v, state.compatibility],
        ),
      ).toEqual(
        expect.arrayContaining([
          [5, { status: 'pending', level: 'FORWARD' }],
          [1, { status: 'first', level: undefined }],
        ]),
      );
      expect(await store.getVersionSchemas('dev', 'c-value', [5, 9])).toEqual(
        new Map([
          [5, { schema: version(5).schema, format: 'AVRO', references: [] }],
        ]),
      );

      // An answer replaces a pending question, never an answer.
      const answer = {
        status: 'compatible' as const,
        level: 'FORWARD',
        against: [4],
        checkedAt: t(4),
      };
      await store.saveSubject(
        'dev',
        subject('c-value', {
          newVersions: [],
          compatibilityAnswers: [
            { version: 5, compatibility: answer },
            { version: 3, compatibility: answer },
          ],
        }),
        t(5),
      );
      expect(await compatibilities()).toEqual([
        [5, { ...answer, checkedAt: t(4).toISOString() }],
        ...before.slice(1),
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'tells when an environment was last synced whole on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const run = (status: 'succeeded' | 'partial', at: Date) => ({
        environment: 'dev',
        status,
        startedAt: at,
        finishedAt: at,
        durationMs: 1,
        subjects: 0,
        fetchedVersions: 0,
        staleMarked: 0,
        failedSubjects: 0,
        httpCalls: 3,
      });
      expect(await store.lastSuccessfulSync('dev')).toBeUndefined();
      await store.recordSyncRun(run('partial', t(1)));
      expect(await store.lastSuccessfulSync('dev')).toBeUndefined();
      await store.recordSyncRun(run('succeeded', t(2)));
      await store.recordSyncRun(run('partial', t(3)));
      expect(await store.lastSuccessfulSync('dev')).toEqual(t(2));
      expect(await store.lastSuccessfulSync('prod')).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'updates a subject, keeps when it was first seen and flags versions on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      await store.saveSubjects(
        'dev',
        [subject('s-value', { newVersions: [version(1), version(2)] })],
        t(0),
      );
      await store.saveSubjects(
        'dev',
        [
          subject('s-value', {
            status: 'deleted',
            compatibility: 'NONE',
            compatibilitySource: 'global',
            latestVersion: 3,
            versionCount: 3,
            newVersions: [version(3, { deleted: true })],
            deletedVersions: [1, 2],
          }),
        ],
        t(10),
      );
      const detail = await store.getSubject('dev', 's-value');
      expect(detail).toMatchObject({
        status: 'deleted',
        compatibility: 'NONE',
        compatibilitySource: 'global',
        latestVersion: 3,
        firstSeenAt: t(0).toISOString(),
        lastSeenAt: t(10).toISOString(),
      });
      const versions = await store.listVersions('dev', 's-value');
      expect(versions.map(v => [v.version, v.deleted, v.syncedAt])).toEqual([
        [3, true, t(10).toISOString()],
        [2, true, t(10).toISOString()],
        [1, true, t(10).toISOString()],
      ]);
      expect(versions[2].firstSeenAt).toBe(t(0).toISOString());

      await store.saveSubjects(
        'dev',
        [subject('s-value', { newVersions: [], restoredVersions: [2] })],
        t(20),
      );
      expect(
        (await store.listVersions('dev', 's-value')).map(v => v.deleted),
      ).toEqual([true, false, true]);

      await store.markSeen('dev', ['s-value'], t(30));
      expect((await store.getSubject('dev', 's-value'))?.lastSeenAt).toBe(
        t(30).toISOString(),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'writes a batch whole or not at all on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const broken = subject('b-value', {
        format: null as unknown as 'AVRO',
      });
      // Not rejects.toThrow: better-sqlite3's errors may come from another
      // realm when jest reuses a worker, and fail its instanceof Error check.
      const error = await store
        .saveSubjects('dev', [subject('a-value'), broken], t(0))
        .then(
          () => undefined,
          e => e,
        );
      expect(String(error?.message)).toMatch(
        /NOT NULL constraint failed|violates not-null constraint/,
      );
      expect(await store.loadSyncState('dev')).toEqual(new Map());
    },
  );

  it.each(databases.eachSupportedId())(
    'marks only unlisted subjects stale, once, and relinks on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      await store.saveSubjects(
        'dev',
        [subject('a-value'), subject('b-value'), subject('c-value')],
        t(0),
      );
      await store.saveSubjects('prod', [subject('a-value')], t(0));

      expect(await store.markStale('dev', new Set(['a-value']), t(5))).toBe(2);
      expect(await store.markStale('dev', new Set(['a-value']), t(6))).toBe(0);
      const dev = await store.listSubjects(
        { environment: 'dev' },
        {
          limit: 10,
          offset: 0,
        },
      );
      expect(dev.items.map(s => [s.subject, s.status])).toEqual([
        ['a-value', 'registered'],
        ['b-value', 'stale'],
        ['c-value', 'stale'],
      ]);
      // Other environments are untouched; stale rows keep their versions.
      expect((await store.getSubject('prod', 'a-value'))?.status).toBe(
        'registered',
      );
      expect(await store.listVersions('dev', 'b-value')).toHaveLength(1);

      await store.setLinks(
        'dev',
        [
          { subject: 'b-value', entityRef: 'component:default/billing' },
          { subject: 'c-value' },
        ],
        t(7),
      );
      expect(await store.linkedEntityRefs()).toEqual(
        expect.arrayContaining([
          'component:default/orders',
          'component:default/billing',
        ]),
      );
      expect((await store.linkedEntityRefs()).length).toBe(2);
      expect((await store.getSubject('dev', 'c-value'))?.entityRef).toBe(
        undefined,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'filters, searches, pages and summarizes on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const orders = 'component:default/orders';
      const payments = 'component:default/payments';
      await store.saveSubjects(
        'dev',
        [
          subject('orders.created-value'),
          subject('orders.created-key', { format: 'JSON' }),
          subject('orders.100%_done-value', { status: 'deleted' }),
          subject('payments.captured-value', {
            entityRef: payments,
            format: 'PROTOBUF',
          }),
          subject('legacy.audit-log-value', { entityRef: undefined }),
        ],
        t(0),
      );
      await store.saveSubjects(
        'prod',
        [subject('orders.created-value'), subject('ORDERS.upper-value')],
        t(0),
      );
      await store.markStale('prod', new Set(['orders.created-value']), t(1));
      const page = { limit: 100, offset: 0 };
      const names = async (
        filter: Parameters<SchemaStore['listSubjects']>[0],
      ) =>
        (await store.listSubjects(filter, page)).items.map(
          s => `${s.environment}/${s.subject}`,
        );

      expect(await names({})).toEqual([
        'prod/ORDERS.upper-value',
        'dev/legacy.audit-log-value',
        'dev/orders.100%_done-value',
        'dev/orders.created-key',
        'dev/orders.created-value',
        'prod/orders.created-value',
        'dev/payments.captured-value',
      ]);
      expect(await names({ entityRefs: [] })).toEqual([]);
      expect(await names({ entityRefs: [payments] })).toEqual([
        'dev/payments.captured-value',
      ]);
      expect(
        await names({ entityRefs: [orders, payments], environment: 'prod' }),
      ).toEqual(['prod/ORDERS.upper-value', 'prod/orders.created-value']);
      expect(await names({ formats: ['JSON', 'PROTOBUF'] })).toEqual([
        'dev/orders.created-key',
        'dev/payments.captured-value',
      ]);
      expect(await names({ statuses: ['deleted', 'stale'] })).toEqual([
        'prod/ORDERS.upper-value',
        'dev/orders.100%_done-value',
      ]);
      // Case-insensitive; % and _ are literal characters, not wildcards.
      expect(await names({ search: 'orders.u' })).toEqual([
        'prod/ORDERS.upper-value',
      ]);
      expect(await names({ search: '100%_' })).toEqual([
        'dev/orders.100%_done-value',
      ]);
      expect(await names({ search: '%' })).toEqual([
        'dev/orders.100%_done-value',
      ]);

      const second = await store.listSubjects(
        { entityRefs: [orders] },
        { limit: 2, offset: 2 },
      );
      expect(second.total).toBe(5);
      expect(second.items.map(s => `${s.environment}/${s.subject}`)).toEqual([
        'dev/orders.created-key',
        'dev/orders.created-value',
      ]);

      expect(await store.summarize({})).toEqual({
        total: 7,
        byFormat: { AVRO: 5, PROTOBUF: 1, JSON: 1 },
        byStatus: { registered: 5, deleted: 1, stale: 1 },
      });
      expect(await store.summarize({ entityRefs: [payments] })).toEqual({
        total: 1,
        byFormat: { AVRO: 0, PROTOBUF: 1, JSON: 0 },
        byStatus: { registered: 1, deleted: 0, stale: 0 },
      });
      expect(await store.summarize({ entityRefs: [] })).toEqual({
        total: 0,
        byFormat: { AVRO: 0, PROTOBUF: 0, JSON: 0 },
        byStatus: { registered: 0, deleted: 0, stale: 0 },
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'records the latest sync run per environment on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const run = {
        environment: 'dev',
        status: 'succeeded' as const,
        startedAt: t(0),
        finishedAt: t(2),
        durationMs: 2000,
        subjects: 10,
        fetchedVersions: 30,
        staleMarked: 0,
        failedSubjects: 0,
        httpCalls: 52,
      };
      await store.recordSyncRun(run);
      await store.recordSyncRun({
        ...run,
        status: 'failed',
        startedAt: t(60),
        finishedAt: t(61),
        durationMs: 1000,
        fetchedVersions: 0,
        httpCalls: 3,
        error: 'Listing failed: /subjects: No answer within 800 ms',
      });
      await store.recordSyncRun({ ...run, environment: 'prod' });
      expect(await store.getSyncRuns()).toEqual([
        {
          environment: 'dev',
          status: 'failed',
          startedAt: t(60).toISOString(),
          finishedAt: t(61).toISOString(),
          durationMs: 1000,
          subjects: 10,
          fetchedVersions: 0,
          staleMarked: 0,
          failedSubjects: 0,
          httpCalls: 3,
          error: 'Listing failed: /subjects: No answer within 800 ms',
          // The failure keeps the time of the latest success.
          lastSuccessAt: t(0).toISOString(),
        },
        {
          environment: 'prod',
          status: 'succeeded',
          startedAt: t(0).toISOString(),
          finishedAt: t(2).toISOString(),
          durationMs: 2000,
          subjects: 10,
          fetchedVersions: 30,
          staleMarked: 0,
          failedSubjects: 0,
          httpCalls: 52,
          error: undefined,
          lastSuccessAt: t(0).toISOString(),
        },
      ]);
    },
  );
});
