import { SchedulerService } from '@backstage/backend-plugin-api';
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { migrationsDir } from '../database/migrations';
import { ProvisioningTaskRunStore } from '../database/provisioning/ProvisioningTaskRunStore';
import { testDatabaseIds } from '../testUtils/testServices';
import { ProvisioningService } from './ProvisioningService';
import { scheduleProvisioningTasks } from './scheduleProvisioningTasks';

jest.setTimeout(60_000);

const at = (s: number) => new Date(Date.UTC(2026, 11, 3, 9, 0, s));

/**
 * What the fake service's `provisionDue` does this run; `abort` is the
 * scheduler's abort of the run (its timeout). The service's own behaviour
 * on abort is tested with the service.
 */
type DueAnswer = (abort: () => void) => Promise<number>;

describe('the scheduled run-due task', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const taskRuns = new ProvisioningTaskRunStore(knex);
    const logger = mockServices.logger.mock();
    const scheduler = mockServices.scheduler.mock();
    let provisionDue: ProvisioningService['provisionDue'] = async () => 0;
    // Each run starts at the next whole second and takes one second.
    let clock = 0;
    await scheduleProvisioningTasks({
      scheduler,
      logger,
      service: {
        reconcile: async () => {
          throw new Error('not run in these tests');
        },
        provisionDue: signal => provisionDue(signal),
      },
      taskRuns,
      config: {
        schedule: { frequency: { seconds: 15 }, timeout: { minutes: 15 } },
        reconcileSchedule: {
          frequency: { minutes: 1 },
          timeout: { minutes: 5 },
        },
      },
      now: () => at(clock++),
    });
    const runDue = scheduler.scheduleTask.mock.calls
      .map(([task]) => task as Parameters<SchedulerService['scheduleTask']>[0])
      .find(task => task.id === 'kafka-hub:provisioning:run-due')!;
    const run = async (answer: DueAnswer) => {
      const controller = new AbortController();
      provisionDue = () => answer(() => controller.abort());
      await runDue.fn(controller.signal);
    };
    const lastRun = async () =>
      (await taskRuns.list()).find(r => r.task === 'run-due');
    return { run, lastRun, logger };
  }

  it.each(databases.eachSupportedId())(
    'records each run with how it ended: succeeded, failed, aborted, %p',
    async databaseId => {
      const { run, lastRun, logger } = await setup(databaseId);

      await run(async () => 2);
      expect(await lastRun()).toEqual({
        task: 'run-due',
        lastRunAt: at(0),
        lastSuccessAt: at(1),
        durationMs: 1000,
        outcome: 'succeeded',
        summary: '2 due applications run',
      });
      await run(async () => 0);
      expect(await lastRun()).toMatchObject({
        lastRunAt: at(2),
        lastSuccessAt: at(3),
        outcome: 'succeeded',
        summary: 'nothing was due',
      });

      // Claiming failed (e.g. the database went away): recorded beside the
      // last success, and still logged.
      await run(async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5433');
      });
      expect(await lastRun()).toEqual({
        task: 'run-due',
        lastRunAt: at(4),
        lastSuccessAt: at(3),
        durationMs: 1000,
        outcome: 'failed',
        error:
          'Could not run the due applications: connect ECONNREFUSED 127.0.0.1:5433',
      });
      expect(logger.warn).toHaveBeenCalledWith(
        'Provisioning task failed: connect ECONNREFUSED 127.0.0.1:5433',
      );

      // The task's time ran out mid-run: its claimed runs end failed with
      // a next attempt, and the task run is aborted, not succeeded.
      await run(async abort => {
        abort();
        return 3;
      });
      expect(await lastRun()).toEqual({
        task: 'run-due',
        lastRunAt: at(6),
        lastSuccessAt: at(3),
        durationMs: 1000,
        outcome: 'aborted',
        error:
          "Provisioning of due applications stopped: the task's time ran out; the 3 it claimed run again at their next attempt",
      });

      // An abort that made the claim itself fail is aborted too.
      await run(async abort => {
        abort();
        throw new Error('This operation was aborted');
      });
      expect(await lastRun()).toMatchObject({
        lastRunAt: at(8),
        outcome: 'aborted',
        error: 'Could not run the due applications: This operation was aborted',
      });
    },
  );
});
