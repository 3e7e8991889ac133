// @ts-check

const TASK_RUNS = 'kafka_hub_consumer_group_task_runs';

/**
 * The outcome of each consumer-group task run: a run stopped at its abort
 * signal (its timeout, or a shutdown) is told apart from one that failed,
 * and a run where some groups failed from one that failed whole. Runs
 * recorded before were succeeded when they had no error, failed otherwise.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable(TASK_RUNS, table => {
    table
      .string('last_outcome', 16)
      .notNullable()
      .defaultTo('succeeded')
      .comment(
        'succeeded, partial (some groups failed), failed or aborted (stopped at its abort signal)',
      );
  });
  await knex(TASK_RUNS)
    .whereNotNull('last_error')
    .update({ last_outcome: 'failed' });
};

/**
 * Drops the column; every run stays (its error tells what went wrong).
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  // In place, not alterTable().dropColumn(), which copies the table on
  // SQLite (see 20261201010000_application_removal.js).
  await knex.raw('ALTER TABLE ?? DROP COLUMN ??', [TASK_RUNS, 'last_outcome']);
};
