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
 * Back to varchar(512) on PostgreSQL. Every subject that fits stays with
 * its versions; subjects longer than 512 characters cannot be stored in the
 * old column and are deleted with their versions (the code before this
 * migration could not sync them either). On SQLite every row stays.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  if (knex.client.dialect !== 'postgresql') return;
  for (const table of [...TABLES].reverse()) {
    await knex(table)
      .whereRaw('char_length(subject) > ?', [OLD_LENGTH])
      .delete();
  }
  for (const table of TABLES) {
    await knex.raw(
      `ALTER TABLE ?? ALTER COLUMN subject TYPE varchar(${OLD_LENGTH})`,
      [table],
    );
  }
};
