import { TestDatabases } from '@backstage/backend-test-utils';
import { migrationsDir } from '../migrations';
import { testDatabaseIds } from '../../testUtils/testServices';

const MIGRATION = '20261206010000_topic_drift.js';

describe('migration 20261206010000_topic_drift', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  it.each(databases.eachSupportedId())(
    'adds the drift columns and the name index, and its down removes them, keeping the topics, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const config = { directory: migrationsDir };
      const indexes = async (): Promise<string[]> =>
        knex.client.dialect === 'postgresql'
          ? knex('pg_indexes')
              .where({ tablename: 'kafka_hub_topics' })
              .pluck('indexname')
          : knex('sqlite_master')
              .where({ type: 'index', tbl_name: 'kafka_hub_topics' })
              .pluck('name');
      const row = {
        environment: 'dev',
        topic: 'orders.events',
        entity_ref: 'component:default/orders',
        partitions: 3,
        replication_factor: 1,
        under_replicated_partitions: 0,
        offline_partitions: 0,
        min_in_sync_replicas: 1,
        partition_detail: '[]',
        consumer_groups: '[]',
        sampled_at_ms: 1,
      };
      await knex.migrate.latest(config);
      await knex('kafka_hub_topics').insert({
        ...row,
        drift: 'fewer-partitions',
        declared_partitions: 6,
      });
      expect(await knex('kafka_hub_topics').first()).toMatchObject({
        drift: 'fewer-partitions',
        declared_partitions: 6,
      });
      expect(await indexes()).toContain('kafka_hub_topics_name_idx');

      expect(
        (await knex.migrate.down({ ...config, name: MIGRATION }))[1],
      ).toEqual([MIGRATION]);
      const columns = await knex('kafka_hub_topics').columnInfo();
      expect(columns).not.toHaveProperty('drift');
      expect(columns).not.toHaveProperty('declared_partitions');
      expect(await indexes()).not.toContain('kafka_hub_topics_name_idx');
      expect(await indexes()).toContain('kafka_hub_topics_entity_idx');
      expect(await knex('kafka_hub_topics').select()).toEqual([
        expect.objectContaining({ topic: 'orders.events', partitions: 3 }),
      ]);

      await knex.migrate.latest(config);
      expect(await knex('kafka_hub_topics').first()).toMatchObject({
        drift: null,
        declared_partitions: null,
      });
    },
  );
});
