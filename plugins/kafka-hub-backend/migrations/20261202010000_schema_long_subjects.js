// @ts-check

/** Every table keyed by a subject; the referenced one first. */
const TABLES = ['kafka_hub_schemas', 'kafka_hub_schema_versions'];

/** The subject column's size before this migration. */
const OLD_LENGTH = 512;

/**
 * Subjects longer than 512 characters (Confluent sets no limit): `subject`
 * becomes text on PostgreSQL, whose varchar(512) refused them and failed a
 * whole environment's sync. Subjects still live in btree keys, whose
 * entries PostgreSQL caps at about 2.7 kB: the schema sync refuses longer
 * subjects one by one (MAX_SUBJECT_BYTES in
 * src/database/schemas/SchemaStore.ts). SQLite never enforced the declared
 * length: nothing changes there.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (knex.client.dialect !== 'postgresql') return;
  for (const table of TABLES) {
    await knex.raw('ALTER TABLE ?? ALTER COLUMN subject TYPE text', [table]);
  }
};

/**
 * Back to varchar(512) on PostgreSQL when every stored subject fits it. A
 * down keeps data: while any subject is longer, the columns stay text and
 * every row stays (the code before this migration reads and writes text
 * columns as it did varchar ones). On SQLite nothing changes.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  if (knex.client.dialect !== 'postgresql') return;
  const longer = await knex('kafka_hub_schemas')
    .whereRaw('char_length(subject) > ?', [OLD_LENGTH])
    .first('subject');
  if (longer) return;
  for (const table of TABLES) {
    await knex.raw(
      `ALTER TABLE ?? ALTER COLUMN subject TYPE varchar(${OLD_LENGTH})`,
      [table],
    );
  }
};
