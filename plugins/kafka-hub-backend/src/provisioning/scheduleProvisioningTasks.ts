import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { ProvisioningConfig } from '../config/types';
import { errorMessage } from '../errors/errorMessage';
import { ProvisioningService } from './ProvisioningService';

/**
 * Two global tasks (one replica runs each at a time): reconcile reads the
 * catalog into the provisioning table; provision-due runs what is due.
 * Both stop at the scheduler's abort signal (the task overran its
 * timeout), so another replica's next run never overlaps this one.
 */
export async function scheduleProvisioningTasks(options: {
  scheduler: SchedulerService;
  logger: LoggerService;
  service: ProvisioningService;
  config: Pick<ProvisioningConfig, 'schedule' | 'reconcileSchedule'>;
}): Promise<void> {
  const { scheduler, logger, service, config } = options;

  await scheduler.scheduleTask({
    id: 'kafka-hub:provisioning:reconcile',
    scope: 'global',
    ...config.reconcileSchedule,
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
    scope: 'global',
    ...config.schedule,
    fn: async signal => {
      try {
        await service.provisionDue(signal);
      } catch (error) {
        logger.warn(`Provisioning task failed: ${errorMessage(error)}`);
      }
    },
  });
}
