import {
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { ClaimReader } from '../claims';
import { EnvironmentConfig } from '../config/types';
import {
  ConsumerGroupStore,
  LagHistoryStore,
  TaskRunStore,
} from '../database/consumerGroups';
import { describeKafkaError } from '../kafka';
import { ConsumerGroupsConfig } from '../config/types';
import { GroupSync } from './GroupSync';
import { LagSampler } from './LagSampler';
import { KafkaHubEvents } from '../events/KafkaHubEvents';
import { ABORTED_RETENTION, RetentionTask } from './RetentionTask';

export interface ScheduleConsumerGroupTasksOptions {
  scheduler: SchedulerService;
  logger: LoggerService;
  /** Closes the samplers' Kafka connections on shutdown. */
  lifecycle?: LifecycleService;
  database: Knex;
  environments: EnvironmentConfig[];
  config: ConsumerGroupsConfig;
  /** Told each written lag sample (notifications, signals). */
  events?: Pick<KafkaHubEvents, 'emit'>;
}

/**
 * Registers three global tasks per environment (the scheduler runs each on
 * one replica at a time, and environments spread over replicas): the group
 * sync, the lag sampler and the history retention. A failing environment
 * only fails its own tasks. Each task stops at the scheduler's abort signal
 * (its timeout, or a shutdown): after its timeout the scheduler lets
 * another replica run it, which must not overlap a run still writing.
 */
export async function scheduleConsumerGroupTasks(
  options: ScheduleConsumerGroupTasksOptions,
): Promise<void> {
  const {
    scheduler,
    logger,
    lifecycle,
    database,
    environments,
    config,
    events,
  } = options;
  const groups = new ConsumerGroupStore(database);
  const history = new LagHistoryStore(database);
  const taskRuns = new TaskRunStore(database);
  // Every replica links by the claims in the database, so all agree.
  const claims = new ClaimReader(database);
  const samplers: LagSampler[] = [];
  lifecycle?.addShutdownHook(async () => {
    await Promise.all(samplers.map(s => s.close()));
  });

  for (const environment of environments) {
    const env = environment.name;
    const sync = new GroupSync({
      environment,
      logger,
      groups,
      taskRuns,
      claims: () => claims.read(),
      describeBatchSize: config.describeBatchSize,
      inactiveAfterMs: config.inactiveAfterMs,
      archiveAfterMs: config.archiveAfterMs,
    });
    const sampler = new LagSampler({
      environment,
      logger,
      groups,
      history,
      taskRuns,
      concurrency: config.concurrency,
      statusWindow: config.statusWindow,
      timeLagPoints: config.timeLagPoints,
      keepPartitionHistory: config.retention.partitionHistoryMs > 0,
      // Retention drops end-offset points unseen for the raw window.
      endOffsetRefreshMs: Math.min(
        3_600_000,
        Math.floor(config.retention.rawMs / 4),
      ),
      events,
    });
    samplers.push(sampler);
    const retention = new RetentionTask({
      environment: env,
      history,
      taskRuns,
      windows: config.retention,
    });

    await scheduler.scheduleTask({
      id: `kafka-hub:consumer-groups:sync:${env}`,
      scope: 'global',
      ...config.syncSchedule,
      fn: async signal => {
        const result = await sync.sync(signal);
        if (result.ok) return;
        logger.warn(
          result.aborted
            ? `Consumer group sync of ${env} stopped: ${result.error}`
            : `Consumer group sync of ${env} failed: ${result.error}`,
        );
      },
    });

    await scheduler.scheduleTask({
      id: `kafka-hub:consumer-groups:lag:${env}`,
      scope: 'global',
      ...config.lagSchedule,
      fn: async signal => {
        const result = await sampler.sample(signal);
        if (result.ok) return;
        logger.warn(
          result.aborted
            ? `Lag sample of ${env} stopped: ${result.error}`
            : `Lag sample of ${env} failed: ${result.error}`,
        );
      },
    });

    await scheduler.scheduleTask({
      id: `kafka-hub:consumer-groups:retention:${env}`,
      scope: 'global',
      ...config.retentionSchedule,
      fn: async signal => {
        try {
          const result = await retention.run(signal);
          if (result.aborted) {
            logger.warn(
              `Lag history retention of ${env} stopped: ${ABORTED_RETENTION}`,
            );
          }
        } catch (error) {
          logger.warn(
            `Lag history retention of ${env} failed: ${describeKafkaError(
              error,
            )}`,
          );
        }
      },
    });
  }
}
