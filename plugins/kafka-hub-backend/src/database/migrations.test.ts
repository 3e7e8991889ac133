import { TestDatabases } from '@backstage/backend-test-utils';
import { migrationsDir } from './migrations';
import { testDatabaseIds } from '../testUtils/testServices';

jest.setTimeout(60_000);

describe('migrations', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  it('runs on PostgreSQL when the test command provides it', () => {
    // scripts/test.sh sets this; without it PostgreSQL could be skipped silently.
    const required = process.env.KAFKA_HUB_REQUIRE_POSTGRES === 'true';
    const ids = databases.eachSupportedId().map(([id]) => id);
    expect(ids).toContain('SQLITE_3');
    expect(ids.includes('POSTGRES_15') || !required).toBe(true);
  });

  it.each(databases.eachSupportedId())(
    'migrates up and down on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);

      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable('kafka_hub_cluster_health')).toBe(true);
      const columns = await knex('kafka_hub_cluster_health').columnInfo();
      expect(Object.keys(columns).sort()).toEqual([
        'checked_at',
        'environment',
        'error',
        'service',
        'status',
        'status_since',
      ]);

      await knex.migrate.rollback({ directory: migrationsDir }, true);
      expect(await knex.schema.hasTable('kafka_hub_cluster_health')).toBe(
        false,
      );

      // And up again: down must leave nothing behind that blocks a re-run.
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable('kafka_hub_cluster_health')).toBe(true);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'rolls back the application removal keeping applications and their runs on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const removal = '20261201010000_application_removal.js';
      const at = new Date(Date.UTC(2026, 11, 1, 12));
      await knex.migrate.latest({ directory: migrationsDir });
      const application = (entityRef: string, removedAt: Date | null) => ({
        entity_ref: entityRef,
        application: entityRef.split('/')[1],
        status: 'failed',
        environments: '{}',
        desired_state_hash: 'h1',
        desired_state: '{"environments":["dev"],"topics":[]}',
        attempt_count: 1,
        created_at: at,
        updated_at: at,
        removed_at: removedAt,
        removed_note: removedAt
          ? '{"application":"gone","environments":["dev"],"topics":[]}'
          : null,
      });
      await knex('kafka_hub_applications').insert([
        application('component:default/kept', null),
        application('component:default/gone', at),
      ]);
      await knex('kafka_hub_provisioning_runs').insert(
        ['kept', 'gone'].map(name => ({
          run_id: `run-${name}`,
          entity_ref: `component:default/${name}`,
          trigger: 'retry',
          environments: '["dev"]',
          started_at: at,
        })),
      );
      await knex('kafka_hub_provisioning_task_runs').insert({
        task: 'reconcile',
        last_run_at: at,
        duration_ms: 5,
      });
      const rows = async (table: string, column: string) =>
        (await knex(table).select(column).orderBy(column)).map(r => r[column]);

      await knex.migrate.down({ directory: migrationsDir, name: removal });
      const columns = Object.keys(
        await knex('kafka_hub_applications').columnInfo(),
      );
      expect(columns).not.toContain('removed_at');
      expect(columns).not.toContain('removed_note');
      expect(
        await knex.schema.hasTable('kafka_hub_provisioning_task_runs'),
      ).toBe(false);
      // Every application and run is still there (SQLite would cascade-delete
      // the runs if the column drop rebuilt the applications table).
      expect(await rows('kafka_hub_applications', 'entity_ref')).toEqual([
        'component:default/gone',
        'component:default/kept',
      ]);
      expect(await rows('kafka_hub_provisioning_runs', 'run_id')).toEqual([
        'run-gone',
        'run-kept',
      ]);

      // Up again: the applications come back not removed, runs intact.
      await knex.migrate.latest({ directory: migrationsDir });
      expect(
        await knex('kafka_hub_applications').whereNotNull('removed_at'),
      ).toEqual([]);
      expect(await rows('kafka_hub_provisioning_runs', 'run_id')).toEqual([
        'run-gone',
        'run-kept',
      ]);
      await knex.destroy();
    },
  );
});
