// @ts-check

const TOPICS = 'kafka_hub_topics';
const NAME_INDEX = 'kafka_hub_topics_name_idx';

/**
 * Each stored topic's drift against its application's declaration, as the
 * topic sample that wrote the row saw both: the cross-entity topic list
 * (`GET /topics`) filters on it in SQL, which the declaration (JSON in
 * kafka_hub_applications.desired_state, names built from the configured
 * namespace pattern) does not allow. Rows written before this migration
 * have no drift until the next sample of their environment rewrites them.
 *
 * And an index by name for its default order: a page of 50 of 30,000
 * topics walks the index instead of sorting them all. In code-point order
 * on PostgreSQL (`COLLATE "C"`, as the list orders), SQLite's default.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable(TOPICS, table => {
    table
      .string('drift', 16)
      .nullable()
      .comment(
        'undeclared or fewer-partitions at the sample that wrote the row; null: as declared',
      );
    table
      .integer('declared_partitions')
      .nullable()
      .comment(
        'Partitions the declaration asked for at the sample; null: undeclared',
      );
  });
  if (knex.client.dialect === 'postgresql') {
    await knex.raw('CREATE INDEX ?? ON ?? (topic COLLATE "C", environment)', [
      NAME_INDEX,
      TOPICS,
    ]);
  } else {
    await knex.schema.alterTable(TOPICS, table => {
      table.index(['topic', 'environment'], NAME_INDEX);
    });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable(TOPICS, table => {
    table.dropIndex(['topic', 'environment'], NAME_INDEX);
    table.dropColumn('declared_partitions');
    table.dropColumn('drift');
  });
};
