// @ts-check

/**
 * Schema Registry subjects of every environment with their full version
 * history, and the outcome of each environment's latest sync.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kafka_hub_schemas', table => {
    table.comment('Schema Registry subjects seen by the schema sync');
    table
      .string('environment', 63)
      .notNullable()
      .comment('Environment name from kafkaHub.environments');
    table
      .string('subject', 512)
      .notNullable()
      .comment('Subject name exactly as the registry lists it');
    table
      .string('entity_ref', 255)
      .nullable()
      .comment('Catalog entity the subject belongs to; null when unlinked');
    table
      .string('topic', 255)
      .nullable()
      .comment('Topic under the topic-name strategy (<topic>-key|value)');
    table
      .string('role', 8)
      .nullable()
      .comment('key or value under the topic-name strategy');
    table
      .string('format', 16)
      .notNullable()
      .comment('AVRO, PROTOBUF or JSON (of the latest version)');
    table
      .integer('latest_version')
      .nullable()
      .comment('Highest live version; highest version when all are deleted');
    table
      .bigInteger('latest_global_id')
      .nullable()
      .comment('Global schema id of the latest version');
    table
      .integer('version_count')
      .notNullable()
      .defaultTo(0)
      .comment('Versions stored for the subject, deleted ones included');
    table
      .string('compatibility', 32)
      .nullable()
      .comment('Effective compatibility level, e.g. BACKWARD');
    table
      .string('compatibility_source', 8)
      .nullable()
      .comment('subject (its own level) or global (the registry default)');
    table
      .string('status', 16)
      .notNullable()
      .comment(
        'registered, deleted (soft-deleted) or stale (gone from the registry)',
      );
    table.timestamp('first_seen_at', { useTz: true }).notNullable();
    table
      .timestamp('last_seen_at', { useTz: true })
      .notNullable()
      .comment('Latest sync whose listing contained the subject');
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['environment', 'subject']);
    // GET /schemas?entityRef=... (entity tab, team tab, permission filter)
    table.index(['entity_ref', 'environment'], 'kafka_hub_schemas_entity_idx');
    // GET /schemas?environment=&status= and the summary by status
    table.index(['environment', 'status'], 'kafka_hub_schemas_status_idx');
    // GET /schemas?format= and the summary by format
    table.index(['format', 'status'], 'kafka_hub_schemas_format_idx');
  });

  await knex.schema.createTable('kafka_hub_schema_versions', table => {
    table.comment('Every version of every synced subject, deleted ones kept');
    table.string('environment', 63).notNullable();
    table.string('subject', 512).notNullable();
    table
      .integer('version')
      .notNullable()
      .comment('Version within the subject');
    table
      .bigInteger('global_id')
      .notNullable()
      .comment('Global schema id; shared by subjects with the same schema');
    table.string('format', 16).notNullable().comment('AVRO, PROTOBUF or JSON');
    table
      .text('schema_text')
      .notNullable()
      .comment('Schema exactly as the registry returned it');
    table
      .text('schema_references')
      .notNullable()
      .comment('JSON: [{ name, subject, version }]');
    table
      .string('fingerprint', 64)
      .notNullable()
      .comment('SHA-256 (hex) of the normalized schema');
    table
      .boolean('deleted')
      .notNullable()
      .defaultTo(false)
      .comment('Soft-deleted in the registry, or gone from it');
    table
      .timestamp('first_seen_at', { useTz: true })
      .notNullable()
      .comment(
        'When a sync first saw the version; the registry has no registration time',
      );
    table
      .timestamp('synced_at', { useTz: true })
      .notNullable()
      .comment('When a sync last changed the row');
    table.primary(['environment', 'subject', 'version']);
    table
      .foreign(
        ['environment', 'subject'],
        'kafka_hub_schema_versions_subject_fk',
      )
      .references(['environment', 'subject'])
      .inTable('kafka_hub_schemas')
      .onDelete('CASCADE');
    // Content by global id: ids are shared across subjects.
    table.index(
      ['environment', 'global_id'],
      'kafka_hub_schema_versions_id_idx',
    );
  });

  await knex.schema.createTable('kafka_hub_schema_sync_runs', table => {
    table.comment('Outcome of the latest schema sync of each environment');
    table.string('environment', 63).primary().notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('succeeded, partial (some subjects unreadable) or failed');
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).notNullable();
    table.integer('duration_ms').notNullable();
    table
      .integer('subjects')
      .notNullable()
      .comment('Subjects listed, soft-deleted ones included');
    table
      .integer('fetched_versions')
      .notNullable()
      .comment('Versions fetched because they were not stored yet');
    table.integer('stale_marked').notNullable();
    table.integer('failed_subjects').notNullable();
    table.integer('http_calls').notNullable();
    table.text('error').nullable();
    table
      .timestamp('last_success_at', { useTz: true })
      .nullable()
      .comment('Start of the latest run that succeeded');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kafka_hub_schema_sync_runs');
  await knex.schema.dropTable('kafka_hub_schema_versions');
  await knex.schema.dropTable('kafka_hub_schemas');
};
