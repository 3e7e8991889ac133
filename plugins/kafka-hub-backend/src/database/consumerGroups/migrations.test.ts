import { TestDatabases } from '@backstage/backend-test-utils';
import { randomBytes } from 'crypto';
import { Knex } from 'knex';
import { migrationsDir } from '../migrations';
import { testDatabaseIds } from '../../testUtils/testServices';

jest.setTimeout(60_000);

const LONG_IDS = '20261202000000_consumer_group_long_ids.js';
const OUTCOME = '20261202000100_consumer_group_task_outcome.js';
const LAG_SERIES = '20261205000000_consumer_group_lag_series.js';
const AT = Date.UTC(2026, 11, 2, 12);

/** One row of every table keyed by a group id. */
function rowsOf(groupId: string): Record<string, Record<string, unknown>> {
  const key = { environment: 'dev', group_id: groupId };
  return {
    kafka_hub_consumer_groups: {
      ...key,
      state: 'Empty',
      member_count: 0,
      members: '[]',
      subscribed_topics: '[]',
      lifecycle: 'active',
      first_seen_at: new Date(AT),
      last_seen_at: new Date(AT),
      updated_at: new Date(AT),
    },
    kafka_hub_consumer_group_lag: {
      ...key,
      sampled_at_ms: AT,
      total_lag: 1,
      max_partition_lag: 1,
      partitions_without_commit: 0,
      status: 'OK',
      status_reason: '',
      trend: '[1]',
    },
    kafka_hub_consumer_group_offsets: {
      ...key,
      sampled_at_ms: AT,
      partitions: '[]',
    },
    kafka_hub_consumer_group_lag_history: {
      ...key,
      sampled_at_ms: AT,
      total_lag: 1,
      max_partition_lag: 1,
      committed_sum: 1,
      rewound: false,
      state: 'Empty',
      member_count: 0,
      status: 'OK',
    },
    kafka_hub_consumer_group_lag_rollups: {
      ...key,
      resolution: 'hour',
      bucket_start_ms: AT,
      samples: 1,
      sum_total_lag: 1,
      max_total_lag: 1,
      max_partition_lag: 1,
      time_lag_samples: 0,
      sum_time_lag_seconds: 0,
    },
    kafka_hub_consumer_group_partition_history: {
      ...key,
      sampled_at_ms: AT,
      // Kafka's longest topic name: the widest key of all.
      topic: 't'.repeat(249),
      partition: 0,
      end_offset: 1,
    },
  };
}

async function insertGroup(knex: Knex, groupId: string) {
  for (const [table, row] of Object.entries(rowsOf(groupId))) {
    await knex(table).insert(row);
  }
}

/** Group ids in each table, by table. */
async function idsByTable(knex: Knex) {
  const result: Record<string, number[]> = {};
  for (const table of Object.keys(rowsOf(''))) {
    const rows: Array<{ group_id: string }> = await knex(table)
      .select('group_id')
      .orderBy('group_id');
    // Lengths: the ids differ by length only.
    result[table] = rows.map(r => r.group_id.length).sort((a, b) => a - b);
  }
  return result;
}

const everyTable = (lengths: number[]) =>
  Object.fromEntries(Object.keys(rowsOf('')).map(t => [t, lengths]));

describe('consumer group migrations of 2026-12-02', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  it.each(databases.eachSupportedId())(
    'long ids: stored after up; down keeps every row, the longest ids too; up again stores them on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      await insertGroup(knex, 'g'.repeat(10));
      await insertGroup(knex, 'g'.repeat(255));
      await insertGroup(knex, 'g'.repeat(300));
      // The longest id Kafka Hub stores, as incompressible as hex gets.
      await insertGroup(knex, randomBytes(1000).toString('hex'));
      expect(await idsByTable(knex)).toEqual(everyTable([10, 255, 300, 2000]));

      await knex.migrate.down({ directory: migrationsDir, name: LONG_IDS });
      expect(await idsByTable(knex)).toEqual(everyTable([10, 255, 300, 2000]));
      // The column keeps taking long ids: the code before the migration
      // writes it as it did.
      await insertGroup(knex, 'h'.repeat(300));

      await knex.migrate.up({ directory: migrationsDir, name: LONG_IDS });
      await insertGroup(knex, 'i'.repeat(300));
      expect((await idsByTable(knex)).kafka_hub_consumer_groups).toEqual([
        10, 255, 300, 300, 300, 2000,
      ]);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'task outcome: earlier runs are succeeded or failed by their error; down keeps every run on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      await knex.migrate.down({ directory: migrationsDir, name: OUTCOME });
      const run = (task: string, error: string | null) => ({
        environment: 'dev',
        task,
        last_run_at: new Date(AT),
        last_success_at: error ? null : new Date(AT),
        last_error: error,
        duration_ms: 5,
      });
      await knex('kafka_hub_consumer_group_task_runs').insert([
        run('sync', null),
        run('lag', 'ECONNREFUSED'),
      ]);

      await knex.migrate.up({ directory: migrationsDir, name: OUTCOME });
      const outcomes = async () =>
        (
          await knex('kafka_hub_consumer_group_task_runs')
            .select('task', 'last_outcome', 'last_error')
            .orderBy('task')
        ).map(r => ({ ...r }));
      expect(await outcomes()).toEqual([
        { task: 'lag', last_outcome: 'failed', last_error: 'ECONNREFUSED' },
        { task: 'sync', last_outcome: 'succeeded', last_error: null },
      ]);

      await knex('kafka_hub_consumer_group_task_runs')
        .where({ task: 'sync' })
        .update({ last_outcome: 'aborted', last_error: 'Stopped' });
      await knex.migrate.down({ directory: migrationsDir, name: OUTCOME });
      expect(
        await knex('kafka_hub_consumer_group_task_runs')
          .select('task', 'last_error')
          .orderBy('task'),
      ).toEqual([
        { task: 'lag', last_error: 'ECONNREFUSED' },
        { task: 'sync', last_error: 'Stopped' },
      ]);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    "lag series: down drops the series table and the rollups' member and state columns, keeping the rollups; up again on %p",
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const rollup = (state: string | undefined) => ({
        environment: 'dev',
        group_id: 'g',
        resolution: 'hour',
        bucket_start_ms: AT,
        samples: 1,
        sum_total_lag: 1,
        max_total_lag: 1,
        max_partition_lag: 1,
        time_lag_samples: 0,
        sum_time_lag_seconds: 0,
        ...(state ? { state, min_member_count: 0, max_member_count: 2 } : {}),
      });
      await knex('kafka_hub_consumer_group_lag_rollups').insert(
        rollup('Empty'),
      );
      await knex('kafka_hub_consumer_group_lag_series').insert({
        environment: 'dev',
        group_id: 'g',
        resolution: 'raw',
        bucket_start_ms: AT,
        samples: 1,
        topics: '[]',
      });

      await knex.migrate.down({ directory: migrationsDir, name: LAG_SERIES });
      expect(
        await knex.schema.hasTable('kafka_hub_consumer_group_lag_series'),
      ).toBe(false);
      for (const column of ['state', 'min_member_count', 'max_member_count']) {
        expect(
          await knex.schema.hasColumn(
            'kafka_hub_consumer_group_lag_rollups',
            column,
          ),
        ).toBe(false);
      }
      const [kept] = await knex('kafka_hub_consumer_group_lag_rollups');
      expect(kept).toMatchObject({ group_id: 'g', resolution: 'hour' });

      await knex.migrate.up({ directory: migrationsDir, name: LAG_SERIES });
      const [again] = await knex('kafka_hub_consumer_group_lag_rollups');
      // Rollups from before: member count and state unknown.
      expect(again).toMatchObject({
        group_id: 'g',
        state: null,
        min_member_count: null,
      });
      await knex.destroy();
    },
  );
});
