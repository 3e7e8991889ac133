// @ts-check

const VERSIONS = 'kafka_hub_schema_versions';
const COLUMNS = [
  'compatibility_level',
  'compatibility_status',
  'compatibility_against',
  'compatibility_checked_at',
];

/**
 * Per-version compatibility: the level in force when Kafka Hub first saw a
 * version, and the registry's answer, asked once, whether the version is
 * compatible with the ones before it under that level. Versions stored
 * before were seen without asking: their level and answer are unknown,
 * except version 1, which has nothing before it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable(VERSIONS, table => {
    table
      .string('compatibility_level', 32)
      .nullable()
      .comment(
        "The subject's level (or the global one) when a sync first saw the version; null when the version predates Kafka Hub",
      );
    table
      .string('compatibility_status', 16)
      .notNullable()
      .defaultTo('unknown')
      .comment(
        'compatible, incompatible (the registry answered), first (nothing before it), unchecked (level NONE), pending (asked again next sync) or unknown',
      );
    table
      .text('compatibility_against')
      .nullable()
      .comment(
        'JSON array of versions: those it was checked compatible with, or the one it is incompatible with',
      );
    table
      .timestamp('compatibility_checked_at', { useTz: true })
      .nullable()
      .comment('When the registry answered');
  });
  await knex(VERSIONS)
    .where({ version: 1 })
    .update({ compatibility_status: 'first' });
};

/**
 * Drops the columns; every version stays.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  // In place, not alterTable().dropColumn(), which copies the table on
  // SQLite (see 20261201010000_application_removal.js).
  for (const column of COLUMNS) {
    await knex.raw('ALTER TABLE ?? DROP COLUMN ??', [VERSIONS, column]);
  }
};
