import { TestDatabases } from '@backstage/backend-test-utils';
import { migrationsDir } from '../migrations';
import { testDatabaseIds } from '../../testUtils/testServices';

jest.setTimeout(60_000);

const MIGRATION = '20261204010000_schema_version_compatibility.js';
const SCHEMAS = 'kafka_hub_schemas';
const VERSIONS = 'kafka_hub_schema_versions';
const COMPATIBILITY_COLUMNS = [
  'compatibility_against',
  'compatibility_checked_at',
  'compatibility_level',
  'compatibility_status',
];
const at = new Date(Date.UTC(2026, 11, 3, 12));

describe(`migration ${MIGRATION}`, () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  it.each(databases.eachSupportedId())(
    'leaves the versions stored before unknown (version 1 first), and its down keeps every version, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const config = { directory: migrationsDir, name: MIGRATION };
      await knex.migrate.latest({ directory: migrationsDir });
      await knex.migrate.down(config);
      expect(Object.keys(await knex(VERSIONS).columnInfo())).not.toContain(
        'compatibility_status',
      );
      await knex(SCHEMAS).insert({
        environment: 'dev',
        subject: 'orders-value',
        format: 'AVRO',
        latest_version: 3,
        latest_global_id: 3,
        version_count: 3,
        compatibility: 'BACKWARD',
        status: 'registered',
        first_seen_at: at,
        last_seen_at: at,
        updated_at: at,
      });
      const version = (n: number) => ({
        environment: 'dev',
        subject: 'orders-value',
        version: n,
        global_id: n,
        format: 'AVRO',
        schema_text: `{"type":"record","name":"R${n}","fields":[]}`,
        schema_references: '[]',
        fingerprint: String(n).repeat(64),
        deleted: n === 2,
        first_seen_at: at,
        synced_at: at,
      });
      await knex(VERSIONS).insert([1, 2, 3].map(version));
      const rows = async (columns: string[]) =>
        (await knex(VERSIONS).orderBy('version').select(columns)).map(r => ({
          ...r,
          version: Number(r.version),
          global_id: Number(r.global_id),
          deleted: Boolean(r.deleted),
        }));
      const kept = Object.keys(version(1)).filter(c => !c.endsWith('_at'));
      const before = await rows(kept);

      await knex.migrate.up(config);
      expect(
        await knex(VERSIONS)
          .orderBy('version')
          .select('version', ...COMPATIBILITY_COLUMNS),
      ).toEqual([
        {
          version: 1,
          compatibility_status: 'first',
          compatibility_level: null,
          compatibility_against: null,
          compatibility_checked_at: null,
        },
        ...[2, 3].map(n => ({
          version: n,
          compatibility_status: 'unknown',
          compatibility_level: null,
          compatibility_against: null,
          compatibility_checked_at: null,
        })),
      ]);
      expect(await rows(kept)).toEqual(before);

      // Answers recorded since, then down: the versions stay, with their data.
      await knex(VERSIONS).where({ version: 3 }).update({
        compatibility_status: 'compatible',
        compatibility_level: 'BACKWARD',
        compatibility_against: '[2]',
        compatibility_checked_at: at,
      });
      await knex.migrate.down(config);
      const columns = Object.keys(await knex(VERSIONS).columnInfo());
      for (const column of COMPATIBILITY_COLUMNS) {
        expect(columns).not.toContain(column);
      }
      expect(await rows(kept)).toEqual(before);
      expect(Number((await knex(SCHEMAS).count({ n: '*' }))[0].n)).toBe(1);

      // And up again.
      await knex.migrate.up(config);
      expect(
        (await knex(VERSIONS).orderBy('version')).map(
          r => r.compatibility_status,
        ),
      ).toEqual(['first', 'unknown', 'unknown']);
      await knex.destroy();
    },
  );
});
