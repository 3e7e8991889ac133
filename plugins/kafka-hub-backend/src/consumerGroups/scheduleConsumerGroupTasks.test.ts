import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  SchedulerService,
  SchedulerServiceTaskFunction,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { TaskRunStore } from '../database/consumerGroups';
import { migrationsDir } from '../database/migrations';
import { testDatabaseIds } from '../testUtils/testServices';
import { ABORTED_SYNC } from './GroupSync';
import { ABORTED_SAMPLE } from './LagSampler';
import { ABORTED_RETENTION } from './RetentionTask';
import { scheduleConsumerGroupTasks } from './scheduleConsumerGroupTasks';
import { liveEnvironment } from './__testUtils__/testKafka';

jest.setTimeout(60_000);

const schedule: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 1 },
  timeout: { minutes: 1 },
};

describe('scheduleConsumerGroupTasks', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  it.each(databases.eachSupportedId())(
    'hands each task the scheduler abort signal: an aborted run is recorded as aborted and logged once at warn on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const tasks = new Map<string, SchedulerServiceTaskFunction>();
      const scheduler = {
        scheduleTask: async (task: {
          id: string;
          fn: SchedulerServiceTaskFunction;
        }) => {
          tasks.set(task.id, task.fn);
        },
      } as unknown as SchedulerService;
      const logger = mockServices.logger.mock();
      await scheduleConsumerGroupTasks({
        scheduler,
        logger,
        database: knex,
        environments: [liveEnvironment()],
        config: {
          syncSchedule: schedule,
          lagSchedule: schedule,
          retentionSchedule: schedule,
          retention: {
            rawMs: 86_400_000,
            hourlyMs: 86_400_000,
            dailyMs: 86_400_000,
            partitionHistoryMs: 0,
          },
          inactiveAfterMs: 86_400_000,
          archiveAfterMs: 86_400_000,
          concurrency: 2,
          describeBatchSize: 10,
          statusWindow: 3,
          timeLagPoints: 10,
        },
      });
      const taskRuns = new TaskRunStore(knex);
      const aborted = () => {
        const controller = new AbortController();
        controller.abort();
        return controller.signal;
      };

      for (const [task, run, message] of [
        ['sync', 'Consumer group sync', ABORTED_SYNC],
        ['lag', 'Lag sample', ABORTED_SAMPLE],
        ['retention', 'Lag history retention', ABORTED_RETENTION],
      ] as const) {
        logger.warn.mockClear();
        await tasks.get(`kafka-hub:consumer-groups:${task}:dev`)!(aborted());
        expect(logger.warn.mock.calls).toEqual([
          [`${run} of dev stopped: ${message}`],
        ]);
        expect(await taskRuns.get('dev', task)).toMatchObject({
          lastOutcome: 'aborted',
          lastError: message,
        });
      }

      // Not aborted, the same task runs through.
      logger.warn.mockClear();
      await tasks.get('kafka-hub:consumer-groups:retention:dev')!(
        new AbortController().signal,
      );
      expect(logger.warn).not.toHaveBeenCalled();
      expect(await taskRuns.get('dev', 'retention')).toMatchObject({
        lastOutcome: 'succeeded',
      });
      await knex.destroy();
    },
  );
});
