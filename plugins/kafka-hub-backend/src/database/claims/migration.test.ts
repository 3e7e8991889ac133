import { TestDatabases } from '@backstage/backend-test-utils';
import { migrationsDir } from '../migrations';
import { testDatabaseIds } from '../../testUtils/testServices';

jest.setTimeout(60_000);

const MIGRATION = '20261201000000_namespace_claims.js';
const TABLES = [
  'kafka_hub_namespace_claims',
  'kafka_hub_link_claims',
  'kafka_hub_link_errors',
];

describe(MIGRATION, () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  it.each(databases.eachSupportedId())(
    'creates the claim tables, and its down drops them and nothing else, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      await knex('kafka_hub_namespace_claims').insert({
        application: 'payments',
        prefix: 'payments.',
        entity_ref: 'component:default/payments-service',
        claimed_at: new Date(),
      });
      // The same primary key twice is what claims rely on.
      await expect(
        knex('kafka_hub_link_claims').insert([
          {
            environment: 'dev',
            kind: 'consumer-group',
            name: 'legacy-reader',
            entity_ref: 'component:default/a',
            annotation: 'kafka-hub.io/consumer-groups',
            claimed_at: new Date(),
          },
          {
            environment: 'dev',
            kind: 'consumer-group',
            name: 'legacy-reader',
            entity_ref: 'component:default/b',
            annotation: 'kafka-hub.io/consumer-groups',
            claimed_at: new Date(),
          },
        ]),
      ).rejects.toThrow();

      await knex.migrate.down({ directory: migrationsDir, name: MIGRATION });
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      expect(await knex.schema.hasTable('kafka_hub_applications')).toBe(true);

      await knex.migrate.latest({ directory: migrationsDir });
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      await knex.destroy();
    },
  );
});
