// @ts-check

const TASK_RUNS = 'kafka_hub_provisioning_task_runs';

/**
 * The outcome of each provisioning task run, as the consumer-group tasks
 * record theirs: a run stopped at its abort signal is told apart from one
 * that failed, and a reconcile that held something back (a refused mass
 * removal, entities it could not record) from one that failed whole. Runs
 * recorded before: succeeded without an error; with one, partial when the
 * run still recorded what it did (a summary), failed otherwise.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable(TASK_RUNS, table => {
    table
      .string('outcome', 16)
      .notNullable()
      .defaultTo('succeeded')
      .comment(
        'succeeded, partial (held something back), failed or aborted (stopped at its abort signal)',
      );
  });
  await knex(TASK_RUNS)
    .whereNotNull('error')
    .whereNotNull('summary')
    .update({ outcome: 'partial' });
  await knex(TASK_RUNS)
    .whereNotNull('error')
    .whereNull('summary')
    .update({ outcome: 'failed' });
};

/**
 * Drops the column; every run stays (its error tells what went wrong).
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  // In place, not alterTable().dropColumn(), which copies the table on
  // SQLite (see 20261201010000_application_removal.js).
  await knex.raw('ALTER TABLE ?? DROP COLUMN ??', [TASK_RUNS, 'outcome']);
};
