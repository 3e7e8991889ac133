import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  DAY_MS,
  HOUR_MS,
  LagHistoryStore,
  RetentionStep,
  RetentionWindows,
  TaskRunStore,
} from '../database/consumerGroups';
import { chunks } from '../database/chunks';
import { migrationsDir } from '../database/migrations';
import { testDatabaseIds } from '../testUtils/testServices';
import { ABORTED_RETENTION, RetentionTask } from './RetentionTask';

jest.setTimeout(120_000);

const MINUTE = 60_000;
const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const STEP = 10 * MINUTE;
const WINDOWS: RetentionWindows = {
  rawMs: 7 * DAY_MS,
  hourlyMs: 30 * DAY_MS,
  dailyMs: 365 * DAY_MS,
  partitionHistoryMs: HOUR_MS,
};
const HISTORY = 'kafka_hub_consumer_group_lag_history';
const ROLLUPS = 'kafka_hub_consumer_group_lag_rollups';

/** A gate the test opens: the step behind it waits until then. */
function gate() {
  let reached!: () => void;
  let open!: () => void;
  const atGate = new Promise<void>(resolve => {
    reached = resolve;
  });
  const opened = new Promise<void>(resolve => {
    open = resolve;
  });
  const wait = () => {
    reached();
    return opened;
  };
  return { atGate, open, wait };
}

/** The real store, with a gate before one of its retention steps. */
class GatedHistory extends LagHistoryStore {
  constructor(
    knex: ConstructorParameters<typeof LagHistoryStore>[0],
    private readonly gatedStep: RetentionStep['name'],
    private readonly stepGate: ReturnType<typeof gate>,
  ) {
    super(knex);
  }

  retentionSteps(
    environment: string,
    nowMs: number,
    windows: RetentionWindows,
  ): RetentionStep[] {
    return super.retentionSteps(environment, nowMs, windows).map(step =>
      step.name === this.gatedStep
        ? {
            name: step.name,
            run: async () => {
              await this.stepGate.wait();
              return step.run();
            },
          }
        : step,
    );
  }
}

describe('RetentionTask', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    // Ten days of samples every 10 minutes for one group.
    const rows = [];
    for (let ms = NOW - 10 * DAY_MS; ms < NOW; ms += STEP) {
      rows.push({
        environment: 'dev',
        group_id: 'orders.reader',
        sampled_at_ms: ms,
        total_lag: 5,
        max_partition_lag: 5,
        time_lag_seconds: null,
        committed_sum: ms / STEP,
        rewound: false,
        state: 'Stable',
        member_count: 1,
        status: 'OK',
      });
    }
    for (const chunk of chunks(rows)) {
      await knex(HISTORY).insert(chunk);
    }
    return { knex, taskRuns: new TaskRunStore(knex), samples: rows.length };
  }

  const rollups = async (
    knex: Awaited<ReturnType<typeof setup>>['knex'],
    resolution: string,
  ) => {
    const [{ n }] = await knex(ROLLUPS).where({ resolution }).count({ n: '*' });
    return Number(n);
  };

  it.each(databases.eachSupportedId())(
    'stops at its abort signal between steps, the started step done whole, and records the run as aborted on %p',
    async databaseId => {
      const { knex, taskRuns, samples } = await setup(databaseId);
      const hourlyGate = gate();
      const task = new RetentionTask({
        environment: 'dev',
        history: new GatedHistory(knex, 'hourlyRollups', hourlyGate),
        taskRuns,
        windows: WINDOWS,
        now: () => NOW,
      });
      const controller = new AbortController();

      const run = task.run(controller.signal);
      await hourlyGate.atGate;
      controller.abort();
      hourlyGate.open();
      const result = await run;

      // The half-hourly step ran before the abort, the hourly one had
      // started: both are done whole. Nothing after them ran.
      expect(result).toMatchObject({
        aborted: true,
        halfHourlyRollups: 10 * 48,
        hourlyRollups: 10 * 24,
        dailyRollups: 0,
        deleted: { raw: 0, halfHourly: 0, hourly: 0, daily: 0 },
      });
      expect(await rollups(knex, 'halfhour')).toBe(10 * 48);
      expect(await rollups(knex, 'hour')).toBe(10 * 24);
      expect(await rollups(knex, 'day')).toBe(0);
      const [{ n }] = await knex(HISTORY).count({ n: '*' });
      expect(Number(n)).toBe(samples);
      expect(await taskRuns.get('dev', 'retention')).toMatchObject({
        lastOutcome: 'aborted',
        lastError: ABORTED_RETENTION,
        lastSuccessAt: undefined,
      });

      // The next run does the rest.
      const next = await new RetentionTask({
        environment: 'dev',
        history: new LagHistoryStore(knex),
        taskRuns,
        windows: WINDOWS,
        now: () => NOW,
      }).run(new AbortController().signal);
      expect(next.aborted).toBeUndefined();
      expect(next.dailyRollups).toBe(10);
      expect(next.deleted.raw).toBe((3 * DAY_MS) / STEP);
      expect(await rollups(knex, 'day')).toBe(10);
      expect(await taskRuns.get('dev', 'retention')).toMatchObject({
        lastOutcome: 'succeeded',
        lastError: undefined,
        lastSuccessAt: new Date(NOW),
      });
      await knex.destroy();
    },
  );
});
