import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { ClaimReader } from '../claims';
import { EnvironmentConfig, TopicsConfig } from '../config/types';
import { ConsumerGroupStore } from '../database/consumerGroups';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import { TopicStore } from '../database/topics';
import { TopicSampleResult, TopicSampler } from './TopicSampler';

export interface ScheduleTopicSamplingOptions {
  scheduler: SchedulerService;
  logger: LoggerService;
  database: Knex;
  environments: EnvironmentConfig[];
  config: TopicsConfig;
  /** The configured namespace pattern, to name declared topics for drift. */
  namespacePattern: string;
}

/** The sample's summary line: what it stored and what it asked the cluster. */
export function topicSampleSummary(result: TopicSampleResult): string {
  const byApi = Object.entries(result.requestCounts)
    .map(([api, n]) => `${n} ${api}`)
    .join(', ');
  return `${result.topics} topics, ${result.partitions} partitions, ${
    result.kafkaRequests
  } Kafka requests${byApi ? ` (${byApi})` : ''}, Kafka ${
    result.kafkaMs
  } ms, database ${result.databaseWriteMs} ms`;
}

/**
 * Registers one global task per environment (the scheduler runs each on
 * one replica at a time): the topic sample of `kafka-hub:topics:<env>`. A
 * failing environment only fails its own task, and keeps its stored topics.
 */
export async function scheduleTopicSampling(
  options: ScheduleTopicSamplingOptions,
): Promise<void> {
  const { scheduler, logger, database, environments, config } = options;
  const store = new TopicStore(database);
  const provisioning = new ProvisioningStore(database);
  const groups = new ConsumerGroupStore(database);
  // Every replica samples the namespaces claimed in the database.
  const claims = new ClaimReader(database);
  for (const environment of environments) {
    const env = environment.name;
    const sampler = new TopicSampler({
      environment,
      store,
      groups,
      claims: () => claims.read(),
      // Removed applications too: they declare nothing, so their topics drift.
      applications: entityRefs =>
        provisioning.list({ entityRefs, includeRemoved: true }),
      namespacePattern: options.namespacePattern,
      concurrency: config.concurrency,
    });
    await scheduler.scheduleTask({
      id: `kafka-hub:topics:${env}`,
      scope: 'global',
      ...config.schedule,
      fn: async signal => {
        const result = await sampler.sample(signal);
        const summary = topicSampleSummary(result);
        if (!result.ok) {
          logger.warn(
            result.aborted
              ? `Topic sample of ${env} stopped: ${result.error} (${summary})`
              : `Topic sample of ${env} failed, the previous topics stay: ${result.error} (${summary})`,
          );
        } else if (result.partial) {
          logger.warn(`Topic sample of ${env}: ${summary}; ${result.partial}`);
        } else {
          logger.info(`Topic sample of ${env}: ${summary}`);
        }
      },
    });
  }
}
