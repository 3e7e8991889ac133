// @ts-check

const SERIES = 'kafka_hub_consumer_group_lag_series';
const ROLLUPS = 'kafka_hub_consumer_group_lag_rollups';
const ROLLUP_COLUMNS = ['min_member_count', 'max_member_count', 'state'];

/**
 * The group page's lag chart by topic and by partition, and the band of
 * member count and state under it.
 *
 * `kafka_hub_consumer_group_lag_series` holds each group's lag per topic
 * and per partition as one JSON value per row: one row per group per
 * sample (`raw`, kept as long as the partition history), and half-hourly,
 * hourly and daily rollups of them, kept like the lag rollups. One row per
 * group, whatever its partitions, keeps a sample's write and a chart's read
 * at the row counts of the lag history itself.
 *
 * The lag rollups gain the member count (lowest and highest) and the least
 * healthy state of their samples; rollups written before stay without
 * them (null: unknown).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const isPostgres = knex.client.dialect === 'postgresql';
  await knex.schema.createTable(SERIES, table => {
    table.comment(
      'Lag per topic and per partition of each group: raw samples and half-hourly, hourly and daily rollups',
    );
    table.string('environment', 63).notNullable();
    // Text on PostgreSQL like every group id column (see
    // 20261202000000_consumer_group_long_ids.js).
    if (isPostgres) table.text('group_id').notNullable();
    else table.string('group_id', 255).notNullable();
    table
      .string('resolution', 8)
      .notNullable()
      .comment('raw (one sample), halfhour, hour or day');
    table
      .bigInteger('bucket_start_ms')
      .notNullable()
      .comment('The sample time (raw) or the start of the rolled-up period');
    table.integer('samples').notNullable();
    table
      .text('topics')
      .notNullable()
      .comment(
        'JSON: [{"t": topic, "n": samples, "s": sum of the topic lag, "m": max topic lag, "p": [[partition, samples, sum of lag, max lag], ...]}]; partitions without a committed offset are left out',
      );
    table.primary(['environment', 'group_id', 'resolution', 'bucket_start_ms']);
    // Retention deletes a time range of one resolution; rollups list the
    // groups of a period from it without visiting the table.
    table.index(
      ['environment', 'resolution', 'bucket_start_ms', 'group_id'],
      'kafka_hub_cg_lag_series_time_idx',
    );
  });
  await knex.schema.alterTable(ROLLUPS, table => {
    table
      .integer('min_member_count')
      .nullable()
      .comment('Fewest members sampled in the period; null before 2026-12-05');
    table.integer('max_member_count').nullable();
    table
      .string('state', 32)
      .nullable()
      .comment(
        'Least healthy state sampled in the period (Dead, Empty, Unknown, NotReady, rebalancing, Stable)',
      );
  });
};

/**
 * Drops the series table and the rollups' new columns; the rest stays.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable(SERIES);
  // In place, not alterTable().dropColumn(), which copies the table on
  // SQLite (see 20261201010000_application_removal.js).
  for (const column of ROLLUP_COLUMNS) {
    await knex.raw('ALTER TABLE ?? DROP COLUMN ??', [ROLLUPS, column]);
  }
};
