import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { ProvisioningConfig } from '../config/types';
import { ProvisioningTaskRunStore } from '../database/provisioning/ProvisioningTaskRunStore';
import { errorMessage } from '../errors/errorMessage';
import { ProvisioningService } from './ProvisioningService';
import { TASK_TIME_RAN_OUT } from './RunLease';

/**
 * Reconcile, a global task (one replica at a time), reads the catalog into
 * the provisioning table. Run-due, a local task (every replica on its own
 * timer), recovers runs whose lease expired and runs what is due: each run
 * is claimed in the database, so replicas never run an application twice,
 * and a replica killed mid-run holds no scheduler lock that would keep the
 * others from recovering its runs once their leases expire (a global task's
 * lock outlives a killed holder until the task's timeout, and until the
 * scheduler's janitor, up to a minute later, clears it). Both stop at the
 * scheduler's abort signal (the task overran its timeout).
 */
export async function scheduleProvisioningTasks(options: {
  scheduler: SchedulerService;
  logger: LoggerService;
  service: Pick<ProvisioningService, 'reconcile' | 'provisionDue'>;
  /**
   * Where each run-due run is recorded for the admin page (the reconcile
   * records its own).
   */
  taskRuns: ProvisioningTaskRunStore;
  config: Pick<ProvisioningConfig, 'schedule' | 'reconcileSchedule'>;
  /** The clock of the recorded runs. */
  now?: () => Date;
}): Promise<void> {
  const { scheduler, logger, service, taskRuns, config } = options;
  const now = options.now ?? (() => new Date());
  const runDueLogger = logger.child({ task: 'provisioning-run-due' });

  await scheduler.scheduleTask({
    id: 'kafka-hub:provisioning:reconcile',
    ...config.reconcileSchedule,
    scope: 'global',
    fn: async signal => {
      try {
        const result = await service.reconcile(signal);
        if (result.created + result.changed + result.removed > 0) {
          logger.info(
            `Kafka applications reconciled with the catalog: ${result.created} new, ${result.changed} changed, ${result.unchanged} unchanged, ${result.removed} removed, ${result.invalid} with malformed annotations`,
          );
        }
      } catch (error) {
        logger.warn(
          `Could not reconcile Kafka applications with the catalog: ${errorMessage(
            error,
          )}`,
        );
      }
    },
  });

  await scheduler.scheduleTask({
    id: 'kafka-hub:provisioning:run-due',
    ...config.schedule,
    // After the schedule, whose `scope` (read from config, undefined unless
    // set) would otherwise replace it.
    scope: 'local',
    fn: async signal => {
      const startedAt = now();
      // Each replica's ticks, for whoever must tell when a run was recovered
      // (the chaos suite's replica-killed scenario reads them).
      runDueLogger.debug('Provisioning of due applications started');
      let run: Pick<
        Parameters<ProvisioningTaskRunStore['record']>[0],
        'outcome' | 'error' | 'summary'
      >;
      try {
        const claimed = await service.provisionDue(signal);
        // Each application's own result is on its row (Provisioning tab);
        // this is whether the task itself did its work.
        run = signal.aborted
          ? {
              outcome: 'aborted',
              error: `Provisioning of due applications ${TASK_TIME_RAN_OUT}; the ${claimed} it claimed run again at their next attempt`,
            }
          : {
              outcome: 'succeeded',
              summary:
                claimed === 0
                  ? 'nothing was due'
                  : `${claimed} due application${claimed === 1 ? '' : 's'} run`,
            };
      } catch (error) {
        logger.warn(`Provisioning task failed: ${errorMessage(error)}`);
        run = {
          outcome: signal.aborted ? 'aborted' : 'failed',
          error: `Could not run the due applications: ${errorMessage(error)}`,
        };
      }
      try {
        await taskRuns.record({
          task: 'run-due',
          startedAt,
          finishedAt: now(),
          ...run,
        });
      } catch (error) {
        logger.warn(
          `Could not record the provisioning run-due outcome: ${errorMessage(
            error,
          )}`,
        );
      }
    },
  });
}
