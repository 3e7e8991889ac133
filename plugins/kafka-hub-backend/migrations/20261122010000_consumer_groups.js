// @ts-check

/**
 * Consumer groups discovered on each environment, their latest offsets and
 * lag, lag history (raw samples, hourly and daily rollups, per-partition
 * samples), the end-offset timelines the time-lag estimate interpolates on,
 * and the outcome of the scheduled tasks.
 *
 * History times are epoch milliseconds in BIGINT columns: bucketing a range
 * is then the same integer arithmetic on SQLite and PostgreSQL.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const isPostgres = knex.client.dialect === 'postgresql';
  await knex.schema.createTable('kafka_hub_consumer_groups', table => {
    table.comment('Consumer groups found by the group sync task');
    table.string('environment', 63).notNullable();
    table.string('group_id', 255).notNullable();
    table
      .string('entity_ref', 255)
      .nullable()
      .comment('Catalog entity the group is linked to, if any');
    table
      .string('linked_by', 64)
      .nullable()
      .comment(
        'prefix, kafka-hub.io/consumer-groups or kafka.apache.org/consumer-groups',
      );
    table
      .string('state', 32)
      .notNullable()
      .comment(
        'Stable, PreparingRebalance, CompletingRebalance, Empty, Dead or Unknown',
      );
    table.integer('member_count').notNullable().defaultTo(0);
    table
      .text('members')
      .notNullable()
      .comment(
        'JSON: [{ memberId, clientId, host, assignments: [{ topic, partitions }] }]',
      );
    table
      .string('protocol_type', 64)
      .nullable()
      .comment('consumer, connect, ...');
    table
      .string('assignment_strategy', 255)
      .nullable()
      .comment('Partition assignor the members agreed on');
    table
      .string('coordinator', 255)
      .nullable()
      .comment('Coordinating broker, id (host:port)');
    table
      .text('subscribed_topics')
      .notNullable()
      .comment('JSON: topics the members subscribe to or are assigned');
    table
      .string('lifecycle', 16)
      .notNullable()
      .comment(
        'active, inactive (Empty too long) or archived (unseen too long)',
      );
    table
      .timestamp('empty_since', { useTz: true })
      .nullable()
      .comment('First sync that saw the group Empty, while it stays Empty');
    table.timestamp('first_seen_at', { useTz: true }).notNullable();
    table
      .timestamp('last_seen_at', { useTz: true })
      .notNullable()
      .comment('Last sync whose group listing had the group');
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['environment', 'group_id']);
    table.index(['entity_ref'], 'kafka_hub_consumer_groups_entity_idx');
    table.index(
      ['environment', 'lifecycle'],
      'kafka_hub_consumer_groups_lifecycle_idx',
    );
  });

  await knex.schema.createTable('kafka_hub_consumer_group_lag', table => {
    table.comment('Latest lag sample of each group, with its status');
    table.string('environment', 63).notNullable();
    table.string('group_id', 255).notNullable();
    table.bigInteger('sampled_at_ms').notNullable();
    table
      .bigInteger('total_lag')
      .notNullable()
      .comment('Sum over partitions with a committed offset');
    table.bigInteger('max_partition_lag').notNullable();
    table
      .double('time_lag_seconds')
      .nullable()
      .comment('Estimated; null when it could not be estimated');
    table.integer('partitions_without_commit').notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('OK, WARN, STALL, STOP or REWIND');
    table.text('status_reason').notNullable();
    table
      .text('trend')
      .notNullable()
      .comment('JSON: recent total lag values, oldest first');
    table.primary(['environment', 'group_id']);
  });

  await knex.schema.createTable('kafka_hub_consumer_group_offsets', table => {
    table.comment(
      'Latest offsets of every partition of each sampled group, one row per group',
    );
    table.string('environment', 63).notNullable();
    table.string('group_id', 255).notNullable();
    table
      .bigInteger('sampled_at_ms')
      .notNullable()
      .comment(
        'The sample the offsets are from; its end offsets were seen then',
      );
    table
      .text('partitions')
      .notNullable()
      .comment(
        'JSON: [{"t": topic, "p": [[partition, committed, end, lag, timeLagSeconds], ...]}]; committed and lag are null when the group has no committed offset there (not zero lag)',
      );
    table.primary(['environment', 'group_id']);
  });

  await knex.schema.createTable(
    'kafka_hub_consumer_group_lag_history',
    table => {
      table.comment(
        'Raw lag samples per group, kept for the raw retention window',
      );
      table.string('environment', 63).notNullable();
      table.string('group_id', 255).notNullable();
      table.bigInteger('sampled_at_ms').notNullable();
      table.bigInteger('total_lag').notNullable();
      table.bigInteger('max_partition_lag').notNullable();
      table.double('time_lag_seconds').nullable();
      table
        .bigInteger('committed_sum')
        .notNullable()
        .comment('Sum of committed offsets: unchanged means no progress');
      table
        .boolean('rewound')
        .notNullable()
        .comment('A committed offset went backwards since the previous sample');
      table.string('state', 32).notNullable();
      table.integer('member_count').notNullable();
      table.string('status', 16).notNullable();
      if (!isPostgres) {
        table.primary(['environment', 'group_id', 'sampled_at_ms']);
      }
      table.index(
        ['environment', 'sampled_at_ms'],
        'kafka_hub_cg_lag_history_time_idx',
      );
    },
  );
  if (isPostgres) {
    // A chart reads one group's range through the primary key; with the
    // charted columns in the index it never visits the table, whose rows of
    // one group are spread over as many pages as there are samples.
    await knex.raw(
      `ALTER TABLE kafka_hub_consumer_group_lag_history
         ADD CONSTRAINT kafka_hub_consumer_group_lag_history_pkey
         PRIMARY KEY (environment, group_id, sampled_at_ms)
         INCLUDE (total_lag, max_partition_lag, time_lag_seconds)`,
    );
  }

  await knex.schema.createTable(
    'kafka_hub_consumer_group_lag_rollups',
    table => {
      table.comment(
        'Half-hourly, hourly and daily aggregates of the raw lag samples',
      );
      table.string('environment', 63).notNullable();
      table.string('group_id', 255).notNullable();
      table
        .string('resolution', 8)
        .notNullable()
        .comment(
          'halfhour (kept as long as the raw samples; answers raw ranges in buckets of whole half hours), hour or day',
        );
      table.bigInteger('bucket_start_ms').notNullable();
      table.integer('samples').notNullable();
      table.bigInteger('sum_total_lag').notNullable();
      table.bigInteger('max_total_lag').notNullable();
      table.bigInteger('max_partition_lag').notNullable();
      table
        .integer('time_lag_samples')
        .notNullable()
        .comment('Samples with a time-lag estimate');
      table.double('sum_time_lag_seconds').notNullable();
      table.double('max_time_lag_seconds').nullable();
      table.primary([
        'environment',
        'group_id',
        'resolution',
        'bucket_start_ms',
      ]);
      table.index(
        ['environment', 'resolution', 'bucket_start_ms'],
        'kafka_hub_cg_lag_rollups_time_idx',
      );
    },
  );

  await knex.schema.createTable(
    'kafka_hub_consumer_group_partition_history',
    table => {
      table.comment(
        'Per-partition lag samples, kept for the partition retention window',
      );
      table.string('environment', 63).notNullable();
      table.string('group_id', 255).notNullable();
      table.bigInteger('sampled_at_ms').notNullable();
      table.string('topic', 249).notNullable();
      table.integer('partition').notNullable();
      table.bigInteger('committed_offset').nullable();
      table.bigInteger('end_offset').notNullable();
      table.bigInteger('lag').nullable();
      // Time first: a sample's rows are appended at the end of the one
      // index (instead of into every group's part of it), and retention
      // deletes a range of it.
      table.primary([
        'environment',
        'sampled_at_ms',
        'group_id',
        'topic',
        'partition',
      ]);
    },
  );

  await knex.schema.createTable('kafka_hub_partition_end_offsets', table => {
    table.comment(
      'Bounded timeline of end offsets per partition: when each end offset was first and last seen. The time-lag estimate interpolates committed offsets on it.',
    );
    table.string('environment', 63).notNullable();
    table.string('topic', 249).notNullable();
    table.integer('partition').notNullable();
    table.bigInteger('end_offset').notNullable();
    table.bigInteger('first_seen_ms').notNullable();
    table.bigInteger('last_seen_ms').notNullable();
    table.primary(['environment', 'topic', 'partition', 'end_offset']);
  });

  await knex.schema.createTable('kafka_hub_consumer_group_task_runs', table => {
    table.comment(
      'Outcome of the latest run of each consumer-group task per environment',
    );
    table.string('environment', 63).notNullable();
    table.string('task', 32).notNullable().comment('sync, lag or retention');
    table.timestamp('last_run_at', { useTz: true }).notNullable();
    table.timestamp('last_success_at', { useTz: true }).nullable();
    table
      .text('last_error')
      .nullable()
      .comment('Error of the last run; null when it succeeded');
    table.integer('duration_ms').notNullable();
    table.primary(['environment', 'task']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const table of [
    'kafka_hub_consumer_group_task_runs',
    'kafka_hub_partition_end_offsets',
    'kafka_hub_consumer_group_partition_history',
    'kafka_hub_consumer_group_lag_rollups',
    'kafka_hub_consumer_group_lag_history',
    'kafka_hub_consumer_group_offsets',
    'kafka_hub_consumer_group_lag',
    'kafka_hub_consumer_groups',
  ]) {
    await knex.schema.dropTable(table);
  }
};
