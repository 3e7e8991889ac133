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

describe('migration 20261201000000_namespace_claims', () => {
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
      const linkClaim = (entityRef: string) => ({
        environment: 'dev',
        kind: 'consumer-group',
        name: 'legacy-reader',
        entity_ref: entityRef,
        annotation: 'kafka-hub.io/consumer-groups',
        claimed_at: new Date(),
      });
      await knex('kafka_hub_link_claims').insert(
        linkClaim('component:default/a'),
      );
      let duplicate: unknown;
      try {
        await knex('kafka_hub_link_claims').insert(
          linkClaim('component:default/b'),
        );
      } catch (error) {
        duplicate = error;
      }
      expect(String(duplicate)).toMatch(/UNIQUE|unique|duplicate/);
      expect(
        (await knex('kafka_hub_link_claims').select('entity_ref')).map(
          r => r.entity_ref,
        ),
      ).toEqual(['component:default/a']);

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
