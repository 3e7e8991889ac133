// @ts-check

/**
 * Provisioning state of every Kafka application (one row per catalog
 * entity) and the history of its provisioning runs.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kafka_hub_applications', table => {
    table.comment(
      'Provisioning state of each catalog entity that is a Kafka application',
    );
    table
      .string('entity_ref', 255)
      .primary()
      .notNullable()
      .comment('Catalog entity ref, e.g. component:default/orders');
    table
      .string('application', 63)
      .notNullable()
      .comment('Application slug from the kafka-hub.io/application annotation');
    table
      .string('owner_ref', 255)
      .nullable()
      .comment('Entity ref of the owner (spec.owner), when known');
    table
      .string('status', 16)
      .notNullable()
      .comment('pending, in_progress, completed, partial or failed');
    table
      .text('error')
      .nullable()
      .comment('Top-level error of the last finished run');
    table
      .text('environments')
      .notNullable()
      .comment(
        'JSON: per-environment detail of the last finished run, { [env]: { status, error?, message?, finishedAt } }',
      );
    table
      .string('desired_state_hash', 128)
      .notNullable()
      .comment('Hash of desired_state; a change triggers re-provisioning');
    table
      .text('desired_state')
      .notNullable()
      .comment('JSON: what to provision, { environments, topics }');
    table
      .string('current_run_id', 64)
      .nullable()
      .comment('Run that holds the claim while status is in_progress');
    table
      .integer('attempt_count')
      .notNullable()
      .defaultTo(0)
      .comment('Attempts since the desired state last changed');
    table
      .timestamp('last_attempt_at', { useTz: true })
      .nullable()
      .comment('Start of the latest run');
    table
      .timestamp('next_attempt_at', { useTz: true })
      .nullable()
      .comment('When the next automatic attempt is due; null means never');
    table
      .timestamp('lease_expires_at', { useTz: true })
      .nullable()
      .comment('When an in_progress run without news counts as dead');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['status'], 'kafka_hub_applications_status_idx');
    table.index(
      ['status', 'next_attempt_at'],
      'kafka_hub_applications_due_idx',
    );
    table.index(['owner_ref'], 'kafka_hub_applications_owner_idx');
  });

  await knex.schema.createTable('kafka_hub_provisioning_runs', table => {
    table.comment('History of provisioning runs, newest kept with the rest');
    table
      .string('run_id', 64)
      .primary()
      .notNullable()
      .comment('Run id (a UUID)');
    table
      .string('entity_ref', 255)
      .notNullable()
      .references('entity_ref')
      .inTable('kafka_hub_applications')
      .onDelete('CASCADE')
      .comment('Application the run provisions');
    table
      .string('trigger', 32)
      .notNullable()
      .comment('schedule, retry, retry-all or desired-state-changed');
    table
      .string('requested_by', 255)
      .nullable()
      .comment('User entity ref or service that started the run');
    table
      .text('environments')
      .notNullable()
      .comment('JSON: environments this run targets');
    table
      .string('desired_state_hash', 128)
      .nullable()
      .comment('Desired state hash the run provisions');
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table
      .string('result', 16)
      .nullable()
      .comment('completed, partial, failed or interrupted; null while running');
    table.text('error').nullable().comment('Top-level error of the run');
    table
      .text('detail')
      .nullable()
      .comment('JSON: per-environment detail of the run');
    table.index(
      ['entity_ref', 'started_at'],
      'kafka_hub_provisioning_runs_entity_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kafka_hub_provisioning_runs');
  await knex.schema.dropTable('kafka_hub_applications');
};
