// @ts-check

/** Every table keyed by a consumer group id. */
const TABLES = [
  'kafka_hub_consumer_groups',
  'kafka_hub_consumer_group_lag',
  'kafka_hub_consumer_group_offsets',
  'kafka_hub_consumer_group_lag_history',
  'kafka_hub_consumer_group_lag_rollups',
  'kafka_hub_consumer_group_partition_history',
];

/**
 * Group ids longer than 255 characters (Kafka allows 32,767): `group_id`
 * becomes text on PostgreSQL, whose varchar(255) refused them and failed a
 * whole environment's sync. The ids still live in btree keys, whose entries
 * PostgreSQL caps at about 2.7 kB: Kafka Hub refuses longer ids per group
 * (see src/database/consumerGroups/groupIdLimit.ts). SQLite never enforced
 * the declared length: nothing changes there.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (knex.client.dialect !== 'postgresql') return;
  for (const table of TABLES) {
    await knex.raw('ALTER TABLE ?? ALTER COLUMN group_id TYPE text', [table]);
  }
};

/**
 * Keeps `group_id` as text: narrowing it back to varchar(255) would have to
 * delete every group with a longer id (and its lag, offsets, history and
 * rollups), and a down must keep data. The code before this migration reads
 * and writes text columns as it did varchar ones.
 *
 * @param {import('knex').Knex} _knex
 */
exports.down = async function down(_knex) {};
