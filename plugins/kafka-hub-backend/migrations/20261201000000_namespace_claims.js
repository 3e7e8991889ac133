// @ts-check

/**
 * Who owns what: each application slug's namespace belongs to the first
 * entity that declared it, and each name outside every namespace that an
 * annotation links explicitly belongs to the first entity that linked it.
 * Link annotations that lost (or reach into a namespace) are kept apart
 * from the provisioning annotation errors, so they never block
 * provisioning.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kafka_hub_namespace_claims', table => {
    table.comment(
      'The entity that owns each application slug and its namespace prefix',
    );
    table
      .string('application', 63)
      .primary()
      .notNullable()
      .comment('Application slug from kafka-hub.io/application');
    table
      .string('prefix', 255)
      .notNullable()
      .comment('Namespace prefix of the slug under kafkaHub.namespacePattern');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('The claim holder: the first entity that declared the slug');
    table
      .string('owner_ref', 255)
      .nullable()
      .comment("The holder's owner when last seen");
    table.timestamp('claimed_at', { useTz: true }).notNullable();
    table
      .timestamp('holder_missing_since', { useTz: true })
      .nullable()
      .comment(
        'Since when the holder is gone from the catalog or no longer declares the slug; released after kafkaHub.claims.releaseAfter',
      );
    table.index(['entity_ref'], 'kafka_hub_namespace_claims_entity_idx');
  });

  await knex.schema.createTable('kafka_hub_link_claims', table => {
    table.comment(
      'Names outside every namespace that an annotation links explicitly: the first entity keeps each',
    );
    table
      .string('environment', 63)
      .notNullable()
      .comment('Environment name from kafkaHub.environments');
    table
      .string('kind', 16)
      .notNullable()
      .comment('consumer-group or schema-subject');
    table
      .string('name', 512)
      .notNullable()
      .comment('Consumer group id or subject name');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('The claim holder: the first entity that linked the name');
    table
      .string('owner_ref', 255)
      .nullable()
      .comment("The holder's owner when last seen");
    table
      .string('annotation', 64)
      .notNullable()
      .comment('The annotation that linked the name');
    table.timestamp('claimed_at', { useTz: true }).notNullable();
    table
      .timestamp('holder_missing_since', { useTz: true })
      .nullable()
      .comment('Since when the holder is gone from the catalog');
    table.primary(['environment', 'kind', 'name']);
    table.index(['entity_ref'], 'kafka_hub_link_claims_entity_idx');
  });

  await knex.schema.createTable('kafka_hub_link_errors', table => {
    table.comment(
      'Link annotations that link nothing, per entity; never blocks provisioning',
    );
    table
      .string('entity_ref', 255)
      .primary()
      .notNullable()
      .comment('Catalog entity whose annotation made the link');
    table
      .text('errors')
      .notNullable()
      .comment('JSON: [{ annotation, value, message }]');
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kafka_hub_link_errors');
  await knex.schema.dropTable('kafka_hub_link_claims');
  await knex.schema.dropTable('kafka_hub_namespace_claims');
};
