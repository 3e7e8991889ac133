// @ts-check

/**
 * Malformed annotations of an application: while set, nothing provisions it
 * and its error names the annotation and the bad value.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('kafka_hub_applications', table => {
    table
      .text('annotation_errors')
      .nullable()
      .comment(
        'JSON: [{ annotation, value, message }] while the annotations are malformed; null when valid',
      );
  });
};

/**
 * Drops the column; every application and its runs stay.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  // Not alterTable().dropColumn(): on SQLite knex rebuilds the table (copy,
  // drop the original, rename), and inside the migration's transaction it
  // cannot switch the foreign_keys pragma off, so dropping the original
  // cascade-deletes every provisioning run. SQLite (3.35+) and PostgreSQL
  // both drop a column in place.
  await knex.raw('ALTER TABLE ?? DROP COLUMN ??', [
    'kafka_hub_applications',
    'annotation_errors',
  ]);
};
