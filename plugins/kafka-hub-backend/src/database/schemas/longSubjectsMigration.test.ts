import { randomBytes } from 'crypto';
import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { migrationsDir } from '../migrations';
import { testDatabaseIds } from '../../testUtils/testServices';
import { MAX_SUBJECT_BYTES } from './SchemaStore';

jest.setTimeout(120_000);

const MIGRATION = '20261202010000_schema_long_subjects.js';
const at = new Date(Date.UTC(2026, 11, 2, 12));

/** Random ASCII: PostgreSQL cannot compress it below the btree limit. */
const randomText = (length: number) =>
  randomBytes(length).toString('base64').slice(0, length);

async function insertSubject(knex: Knex, environment: string, subject: string) {
  await knex('kafka_hub_schemas').insert({
    environment,
    subject,
    format: 'AVRO',
    latest_version: 1,
    latest_global_id: 1,
    version_count: 1,
    status: 'registered',
    first_seen_at: at,
    last_seen_at: at,
    updated_at: at,
  });
  await knex('kafka_hub_schema_versions').insert({
    environment,
    subject,
    version: 1,
    global_id: 1,
    format: 'AVRO',
    schema_text: '"string"',
    schema_references: '[]',
    fingerprint: 'f'.repeat(64),
    deleted: false,
    first_seen_at: at,
    synced_at: at,
  });
}

async function subjectsIn(knex: Knex, table: string): Promise<number[]> {
  const rows: Array<{ subject: string }> = await knex(table).select('subject');
  return rows.map(r => r.subject.length).sort((a, b) => a - b);
}

/** The declared length of both subject columns; undefined for text. SQLite keeps varchar(512) throughout. */
async function subjectColumnLengths(knex: Knex) {
  const lengths = [];
  for (const table of ['kafka_hub_schemas', 'kafka_hub_schema_versions']) {
    const info = await knex(table).columnInfo('subject');
    lengths.push(info.maxLength ? Number(info.maxLength) : undefined);
  }
  return lengths;
}

describe('migration 20261202010000_schema_long_subjects', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  it.each(databases.eachSupportedId())(
    'stores subjects up to the sync limit, and its down keeps every row on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const postgres = knex.client.dialect === 'postgresql';
      await knex.migrate.latest({ directory: migrationsDir });

      // The longest subject the sync stores, beside the longest environment.
      const environment = 'e'.repeat(63);
      const lengths = [20, 512, 600, 3000 - 1000, MAX_SUBJECT_BYTES];
      for (const length of lengths) {
        await insertSubject(knex, environment, randomText(length));
      }
      const all = [...lengths].sort((a, b) => a - b);
      const rows = async () => ({
        schemas: await subjectsIn(knex, 'kafka_hub_schemas'),
        versions: await subjectsIn(knex, 'kafka_hub_schema_versions'),
      });
      expect(await rows()).toEqual({ schemas: all, versions: all });

      // Subjects longer than the old varchar(512): the down keeps them, and
      // so keeps the columns text.
      await knex.migrate.down({ directory: migrationsDir, name: MIGRATION });
      expect(await rows()).toEqual({ schemas: all, versions: all });
      expect(await subjectColumnLengths(knex)).toEqual(
        postgres ? [undefined, undefined] : [512, 512],
      );

      // Up again, then down with every subject fitting: the old columns
      // come back, every row with them.
      await knex.migrate.latest({ directory: migrationsDir });
      await knex('kafka_hub_schemas')
        .whereRaw('length(subject) > 512')
        .delete();
      await knex('kafka_hub_schema_versions')
        .whereRaw('length(subject) > 512')
        .delete();
      await knex.migrate.down({ directory: migrationsDir, name: MIGRATION });
      const fitting = all.filter(l => l <= 512);
      expect(await rows()).toEqual({ schemas: fitting, versions: fitting });
      expect(await subjectColumnLengths(knex)).toEqual([512, 512]);
      const tooLong = await insertSubject(
        knex,
        environment,
        randomText(513),
      ).then(
        () => 'stored',
        (error: Error) => error.message,
      );
      // SQLite never enforced the declared length.
      expect(tooLong).toMatch(postgres ? /value too long/ : /^stored$/);

      // And up again: long subjects are stored once more.
      await knex.migrate.latest({ directory: migrationsDir });
      await insertSubject(knex, environment, randomText(MAX_SUBJECT_BYTES - 1));
      expect((await rows()).versions).toContain(MAX_SUBJECT_BYTES - 1);
      await knex.destroy();
    },
  );
});
