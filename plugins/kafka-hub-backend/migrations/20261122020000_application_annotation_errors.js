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

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('kafka_hub_applications', table => {
    table.dropColumn('annotation_errors');
  });
};
