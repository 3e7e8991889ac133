// @ts-check

const APPLICATIONS = 'kafka_hub_applications';
const REMOVAL_COLUMNS = ['removed_at', 'removed_note'];

/**
 * An application whose entity left the catalog is marked removed instead of
 * deleted, so its run history stays; the latest outcome of each provisioning
 * task is recorded (a reconcile that refused a mass removal says why).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable(APPLICATIONS, table => {
    table
      .timestamp('removed_at', { useTz: true })
      .nullable()
      .comment(
        'When the entity was found gone from the catalog; null while it is there. A removed application is never provisioned',
      );
    table
      .text('removed_note')
      .nullable()
      .comment(
        'JSON: what was provisioned when it was removed, { application, environments, topics }',
      );
  });

  await knex.schema.createTable('kafka_hub_provisioning_task_runs', table => {
    table.comment('The latest run of each global provisioning task');
    table
      .string('task', 64)
      .primary()
      .notNullable()
      .comment('Task name, e.g. reconcile');
    table.timestamp('last_run_at', { useTz: true }).notNullable();
    table.timestamp('last_success_at', { useTz: true }).nullable();
    table
      .integer('duration_ms')
      .notNullable()
      .comment('How long the latest run took');
    table
      .text('error')
      .nullable()
      .comment(
        'Why the latest run failed or held back, e.g. a refused mass removal',
      );
    table.text('summary').nullable().comment('What the latest run did');
  });
};

/**
 * Removed applications stay (unmarked) with their runs: nothing is deleted.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kafka_hub_provisioning_task_runs');
  // Not alterTable().dropColumn(): on SQLite that copies the table and drops
  // the original, and inside the migration's transaction the foreign_keys
  // pragma cannot be switched off, so the drop would cascade-delete every
  // run. SQLite (3.35+) and PostgreSQL both drop a column in place.
  for (const column of REMOVAL_COLUMNS) {
    await knex.raw('ALTER TABLE ?? DROP COLUMN ??', [APPLICATIONS, column]);
  }
};
