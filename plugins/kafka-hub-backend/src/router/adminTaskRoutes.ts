import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  kafkaHubAdminReadPermission,
  KafkaHubTaskName,
  KafkaHubTaskRun,
  KafkaHubTaskRunList,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { TaskRunStore } from '../database/consumerGroups';
import { ConsumerGroupTask } from '../database/consumerGroups/types';
import {
  ProvisioningTask,
  ProvisioningTaskRunStore,
} from '../database/provisioning/ProvisioningTaskRunStore';
import { SchemaStore } from '../database/schemas';
import { TopicSampleRun, TopicStore } from '../database/topics';
import { EntityAccess } from '../permissions/EntityAccess';
import { KafkaHubRouter } from './kafkaHubRouter';

export interface AdminTaskRoutesOptions {
  httpAuth: HttpAuthService;
  access: EntityAccess;
  schemaStore: SchemaStore;
  consumerGroupTaskRuns: TaskRunStore;
  provisioningTaskRuns: ProvisioningTaskRunStore;
  topicRuns: TopicStore;
}

const CONSUMER_GROUP_TASKS: Record<ConsumerGroupTask, KafkaHubTaskName> = {
  sync: 'consumer-group-sync',
  lag: 'lag-sampler',
  retention: 'lag-retention',
};

const PROVISIONING_TASKS: Record<ProvisioningTask, KafkaHubTaskName> = {
  reconcile: 'provisioning-reconcile',
  'run-due': 'provisioning-run-due',
};

/** What the topic sampler's last run asked of the cluster, and what is stored. */
function topicSampleSummary(run: TopicSampleRun): string {
  const byApi = Object.entries(run.requestCounts)
    .map(([api, n]) => `${n} ${api}`)
    .join(', ');
  return `${run.topics} topics stored; last run: ${
    run.kafkaRequests
  } Kafka requests${byApi ? ` (${byApi})` : ''}`;
}

/**
 * `GET /admin/tasks`: the latest run of each scheduled task, with how it
 * ended: the sync tasks per environment, provisioning's reconcile and
 * run-due across environments. For the admin page's Clusters tab; admins
 * only.
 */
export function adminTaskRoutes(
  router: KafkaHubRouter,
  options: AdminTaskRoutesOptions,
): void {
  const {
    httpAuth,
    access,
    schemaStore,
    consumerGroupTaskRuns,
    provisioningTaskRuns,
    topicRuns,
  } = options;

  router.get('/admin/tasks', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await access.require(credentials, kafkaHubAdminReadPermission);
    const [schemaRuns, groupRuns, provisioningRuns, topicSamples] =
      await Promise.all([
        schemaStore.getSyncRuns(),
        consumerGroupTaskRuns.list(),
        provisioningTaskRuns.list(),
        topicRuns.listRuns(),
      ]);
    // Tasks across every environment first, then by environment.
    const items: KafkaHubTaskRun[] = [
      ...provisioningRuns.map(
        (run): KafkaHubTaskRun => ({
          task: PROVISIONING_TASKS[run.task],
          lastRunAt: run.lastRunAt.toISOString(),
          lastSuccessAt: run.lastSuccessAt?.toISOString(),
          durationMs: run.durationMs,
          outcome: run.outcome,
          error: run.error,
          summary: run.summary,
        }),
      ),
      ...schemaRuns.map(
        (run): KafkaHubTaskRun => ({
          environment: run.environment,
          task: 'schema-sync',
          lastRunAt: run.startedAt,
          lastSuccessAt: run.lastSuccessAt,
          durationMs: run.durationMs,
          outcome: run.status,
          error: run.error,
          summary: `${run.subjects} subjects, ${run.fetchedVersions} versions fetched, ${run.staleMarked} marked stale, ${run.httpCalls} HTTP calls`,
        }),
      ),
      ...groupRuns.map(
        (run): KafkaHubTaskRun => ({
          environment: run.environment,
          task: CONSUMER_GROUP_TASKS[run.task],
          lastRunAt: run.lastRunAt.toISOString(),
          lastSuccessAt: run.lastSuccessAt?.toISOString(),
          durationMs: run.durationMs,
          outcome: run.lastOutcome,
          error: run.lastError,
        }),
      ),
      ...topicSamples.map(
        (run): KafkaHubTaskRun => ({
          environment: run.environment,
          task: 'topic-sampler',
          lastRunAt: run.lastRunAt.toISOString(),
          lastSuccessAt: run.lastSuccessAt?.toISOString(),
          durationMs: run.durationMs,
          outcome: run.outcome,
          error: run.error,
          summary: topicSampleSummary(run),
        }),
      ),
    ].sort(
      (a, b) =>
        (a.environment ?? '').localeCompare(b.environment ?? '') ||
        a.task.localeCompare(b.task),
    );
    const body: KafkaHubTaskRunList = { items };
    res.json(body);
  });
}
