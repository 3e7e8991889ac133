// @ts-check

const TOPICS = 'kafka_hub_topics';
const SAMPLES = 'kafka_hub_topic_samples';

/**
 * Topics as the topic sampler last saw them on each environment's broker
 * (the topics inside claimed namespaces), and the outcome of each
 * environment's latest sample. A successful sample replaces an
 * environment's rows in one transaction; a failed one keeps them and
 * records its error.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable(TOPICS, table => {
    table.comment(
      'Topics inside claimed namespaces, as the latest successful topic sample saw them',
    );
    table.string('environment', 63).notNullable();
    table
      .string('topic', 255)
      .notNullable()
      .comment('Kafka topic name (at most 249 characters)');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('Holder of the claimed namespace the topic is inside');
    table.integer('partitions').notNullable();
    table
      .integer('replication_factor')
      .notNullable()
      .comment('Replicas of its first partition');
    table
      .integer('under_replicated_partitions')
      .notNullable()
      .comment('Partitions with fewer in-sync replicas than replicas');
    table
      .integer('offline_partitions')
      .notNullable()
      .comment('Partitions without a leader');
    table
      .integer('min_in_sync_replicas')
      .notNullable()
      .comment('Fewest in-sync replicas of any partition');
    table
      .text('partition_detail')
      .notNullable()
      .comment(
        'JSON: [[partition, leader (-1: none), [replicas], [in-sync replicas]], ...]',
      );
    table
      .bigInteger('size_bytes')
      .nullable()
      .comment(
        'Sum of the log sizes of the leader replicas (one copy); null when the log dirs could not be described',
      );
    table
      .bigInteger('disk_bytes')
      .nullable()
      .comment('Sum over every replica (what the topic takes on disk)');
    table
      .bigInteger('message_estimate')
      .nullable()
      .comment(
        'Sum of end minus start offsets: an estimate (compaction, transaction markers); null when unknown',
      );
    table
      .bigInteger('retention_ms')
      .nullable()
      .comment('Effective retention.ms (-1: forever); null when unknown');
    table
      .bigInteger('retention_bytes')
      .nullable()
      .comment('Effective retention.bytes (-1: no limit)');
    table
      .string('cleanup_policy', 32)
      .nullable()
      .comment('Effective cleanup.policy, e.g. delete or compact,delete');
    table
      .text('config_overrides')
      .nullable()
      .comment(
        'JSON: { name: value } set on the topic (config source DYNAMIC_TOPIC_CONFIG); value null when sensitive; null when unknown',
      );
    table
      .text('consumer_groups')
      .notNullable()
      .comment(
        'JSON: ids of the stored groups (not archived) that read the topic, at the sample',
      );
    table
      .bigInteger('sampled_at_ms')
      .notNullable()
      .comment('When the sample that wrote the row read the broker');
    table.primary(['environment', 'topic']);
    table.index(['entity_ref', 'environment'], 'kafka_hub_topics_entity_idx');
  });

  await knex.schema.createTable(SAMPLES, table => {
    table.comment(
      'Outcome of the latest topic sample of each environment (a task run of the admin page)',
    );
    table.string('environment', 63).notNullable().primary();
    table.timestamp('last_run_at', { useTz: true }).notNullable();
    table.timestamp('last_success_at', { useTz: true }).nullable();
    table
      .bigInteger('sampled_at_ms')
      .nullable()
      .comment('When the stored rows were read from the broker');
    table
      .string('last_outcome', 16)
      .notNullable()
      .comment(
        'succeeded, partial (some details unknown), failed (rows kept) or aborted',
      );
    table.text('last_error').nullable();
    table.integer('duration_ms').notNullable();
    table.integer('topics').notNullable().defaultTo(0);
    table
      .integer('kafka_requests')
      .notNullable()
      .defaultTo(0)
      .comment('Kafka requests the last run sent');
    table
      .text('request_counts')
      .notNullable()
      .defaultTo('{}')
      .comment('JSON: requests of the last run by API, e.g. { "Metadata": 1 }');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable(SAMPLES);
  await knex.schema.dropTable(TOPICS);
};
