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

/** The group id column's size before this migration. */
const OLD_LENGTH = 255;

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
 * Back to varchar(255) on PostgreSQL. Every row whose group id fits stays;
 * rows of groups with longer ids (the group, its latest lag and offsets,
 * its history and rollups) cannot be stored in the old column and are
 * deleted. On SQLite every row stays.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  if (knex.client.dialect !== 'postgresql') return;
  for (const table of TABLES) {
    await knex(table)
      .whereRaw('char_length(group_id) > ?', [OLD_LENGTH])
      .delete();
    await knex.raw(
      `ALTER TABLE ?? ALTER COLUMN group_id TYPE varchar(${OLD_LENGTH})`,
      [table],
    );
  }
};
