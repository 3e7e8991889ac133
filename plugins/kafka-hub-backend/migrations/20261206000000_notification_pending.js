// @ts-check

const STREAKS = 'kafka_hub_notification_streaks';

/**
 * A streak's notification until a send succeeds: what to tell (`pending`,
 * JSON), since when it waits, and the token of the replica sending it. A
 * failed send leaves it for the next sample or run to send again; a
 * replica that takes one over sets its own token, so two never send it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable(STREAKS, table => {
    table
      .text('pending')
      .nullable()
      .comment('JSON: the notification still to send; null once sent');
    table
      .timestamp('pending_since', { useTz: true, precision: 3 })
      .nullable()
      .comment('When the latest attempt to send it started');
    table
      .string('pending_token', 36)
      .nullable()
      .comment('The attempt that may mark it sent');
    table.index(
      ['kind', 'scope', 'pending_since'],
      'kafka_hub_notification_streaks_pending_idx',
    );
  });
};

/**
 * Drops the columns: notifications not yet sent are forgotten.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable(STREAKS, table => {
    table.dropIndex(
      ['kind', 'scope', 'pending_since'],
      'kafka_hub_notification_streaks_pending_idx',
    );
    table.dropColumn('pending');
    table.dropColumn('pending_since');
    table.dropColumn('pending_token');
  });
};
