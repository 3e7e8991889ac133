// @ts-check

/**
 * Last observed reachability of each environment's Kafka cluster and Schema
 * Registry, and since when it has been in that state.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kafka_hub_cluster_health', table => {
    table.comment('Last health check of each environment service');
    table
      .string('environment', 63)
      .notNullable()
      .comment('Environment name from config');
    table
      .string('service', 32)
      .notNullable()
      .comment('kafka or schema-registry');
    table
      .string('status', 16)
      .notNullable()
      .comment('up, down or not-configured');
    table.text('error').nullable().comment('Error of the last check when down');
    table.timestamp('checked_at', { useTz: true }).notNullable();
    table
      .timestamp('status_since', { useTz: true })
      .notNullable()
      .comment('First check that saw the current status');
    table.primary(['environment', 'service']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kafka_hub_cluster_health');
};
