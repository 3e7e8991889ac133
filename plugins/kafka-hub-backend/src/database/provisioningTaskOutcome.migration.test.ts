import { TestDatabases } from '@backstage/backend-test-utils';
import { migrationsDir } from './migrations';
import { testDatabaseIds } from '../testUtils/testServices';

jest.setTimeout(60_000);

const MIGRATION = '20261203000000_provisioning_task_outcome.js';
const TASK_RUNS = 'kafka_hub_provisioning_task_runs';

describe('20261203000000_provisioning_task_outcome.js', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  it.each(databases.eachSupportedId())(
    'gives the runs recorded before an outcome, and its down keeps every run, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const config = { directory: migrationsDir, name: MIGRATION };
      await knex.migrate.latest({ directory: migrationsDir });
      await knex.migrate.down(config);
      const at = new Date(Date.UTC(2026, 11, 2, 12));
      const run = (
        task: string,
        error: string | null,
        summary: string | null,
      ) => ({
        task,
        last_run_at: at,
        duration_ms: 40,
        error,
        summary,
      });
      await knex(TASK_RUNS).insert([
        run('fine', null, '3 new, 0 changed'),
        // Finished, but refused a mass removal: it held something back.
        run(
          'held-back',
          'Reconcile skipped removing 26 of 30 applications',
          '0 new',
        ),
        // Threw before it could say what it did.
        run('threw', 'Could not reconcile with the catalog: 503', null),
      ]);

      await knex.migrate.up(config);
      const outcomes = async () =>
        Object.fromEntries(
          (await knex(TASK_RUNS).select('task', 'outcome')).map(r => [
            r.task,
            r.outcome,
          ]),
        );
      expect(await outcomes()).toEqual({
        fine: 'succeeded',
        'held-back': 'partial',
        threw: 'failed',
      });

      await knex.migrate.down(config);
      expect(Object.keys(await knex(TASK_RUNS).columnInfo())).not.toContain(
        'outcome',
      );
      expect(
        (await knex(TASK_RUNS).select('task').orderBy('task')).map(r => r.task),
      ).toEqual(['fine', 'held-back', 'threw']);
      await knex.destroy();
    },
  );
});
