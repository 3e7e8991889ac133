// @ts-check

const STREAKS = 'kafka_hub_notification_streaks';

/**
 * Trouble streaks Kafka Hub told owners about: one row per application whose
 * provisioning failed, or consumer group that entered STOP, STALL or
 * REWIND, while it stays in trouble, and after it recovered. Replicas agree
 * on who sends a notification by flipping `failing` in one conditional
 * statement each; `ok_samples` counts the good observations in a row of a
 * failing subject, which recovers (and is told so) only after enough of them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable(STREAKS, table => {
    table
      .string('kind', 32)
      .notNullable()
      .comment('provisioning or consumer-group');
    table
      .string('subject_hash', 64)
      .notNullable()
      .comment('sha256 of the scope and subject: group ids may be long');
    table
      .string('scope', 255)
      .notNullable()
      .comment("The subject's environment; empty for an application");
    table
      .text('subject')
      .notNullable()
      .comment('The entity ref of an application, or a group id');
    table.boolean('failing').notNullable();
    table
      .integer('ok_samples')
      .notNullable()
      .defaultTo(0)
      .comment('Good observations in a row of a failing subject');
    table
      .timestamp('last_good_at', { useTz: true, precision: 3 })
      .nullable()
      .comment(
        'The observation ok_samples last counted: a sample seen twice counts once',
      );
    table
      .timestamp('changed_at', { useTz: true, precision: 3 })
      .notNullable()
      .comment('When the streak started, or when it recovered');
    table.primary(['kind', 'subject_hash']);
    table.index(
      ['kind', 'scope', 'failing'],
      'kafka_hub_notification_streaks_failing_idx',
    );
  });
};

/**
 * Drops the table: owners may be told again about trouble that lasts.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable(STREAKS);
};
