// @ts-check

const GROUPS = 'kafka_hub_consumer_groups';
const COLUMNS = [
  'group_type',
  'group_epoch',
  'assignment_epoch',
  'described_with',
  'describe_error',
];

/**
 * Every group type the broker lists (classic, consumer, share, streams),
 * with what Kafka's own AdminClient tells of each: the type from ListGroups
 * v5, the epochs ConsumerGroupDescribe answers for consumer (KIP-848)
 * groups, which request described the members, and a group's own
 * describe error, kept apart from the other groups of its batch.
 *
 * Members (JSON in `members`) may now also carry instanceId, memberEpoch,
 * subscribedTopics, subscribedTopicRegex and targetAssignments; states now
 * include Assigning, Reconciling and NotReady. Rows recorded before have no
 * type until the next sync; their members came from DescribeGroups.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable(GROUPS, table => {
    table
      .string('group_type', 16)
      .nullable()
      .comment(
        'classic, consumer, share or streams, as ListGroups v5 names it; null when the broker does not tell',
      );
    table
      .integer('group_epoch')
      .nullable()
      .comment('Group epoch (consumer groups, from ConsumerGroupDescribe)');
    table
      .integer('assignment_epoch')
      .nullable()
      .comment(
        'Epoch of the target assignment (consumer groups, from ConsumerGroupDescribe)',
      );
    table
      .string('described_with', 32)
      .nullable()
      .comment(
        'ConsumerGroupDescribe or DescribeGroups: the request that described the members; null when they are not known (share and streams groups are listed only)',
      );
    table
      .text('describe_error')
      .nullable()
      .comment(
        'Why the last sync could not describe this group; its members are then the ones last described',
      );
  });
  // What described every group recorded so far (kafkajs spoke nothing else).
  await knex(GROUPS).update({ described_with: 'DescribeGroups' });
};

/**
 * Drops the new columns; every group and its history stay.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  // In place, not alterTable().dropColumn(), which copies the table on
  // SQLite (see 20261201010000_application_removal.js).
  for (const column of COLUMNS) {
    await knex.raw('ALTER TABLE ?? DROP COLUMN ??', [GROUPS, column]);
  }
};
