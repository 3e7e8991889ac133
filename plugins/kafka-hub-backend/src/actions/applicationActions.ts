import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  KafkaApplicationDetail,
  KafkaApplicationTopics,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { ApplicationsApi } from '../api/ApplicationsApi';
import { TopicsApi } from '../api/TopicsApi';
import { entityRefInput } from './inputs';

/**
 * What an agent reads of an application: its state per environment, and
 * the topics the sampler found in its namespace there, with the drift.
 */
function applicationOutput(
  app: KafkaApplicationDetail,
  topics: KafkaApplicationTopics,
) {
  const topicsOf = new Map(topics.environments.map(e => [e.environment, e]));
  return {
    entityRef: app.entityRef,
    application: app.application,
    ownerRef: app.ownerRef,
    prefix: app.prefix,
    status: app.status,
    error: app.error,
    declaredTopics: app.topics.map(t => ({
      name: `${app.prefix}${t.name}`,
      partitions: t.partitions,
    })),
    environments: app.desiredEnvironments.map(name => ({
      name,
      status: app.environments[name]?.status ?? 'pending',
      error: app.environments[name]?.error,
      message: app.environments[name]?.message,
      finishedAt: app.environments[name]?.finishedAt,
      topicsSampledAt: topicsOf.get(name)?.sampledAt,
      topicSampleError: topicsOf.get(name)?.error,
      topics: (topicsOf.get(name)?.topics ?? []).map(t => ({
        name: t.name,
        declared: t.declared,
        partitions: t.partitions,
        replicationFactor: t.replicationFactor,
        underReplicatedPartitions: t.underReplicatedPartitions,
        messageEstimate: t.messageEstimate,
        sizeBytes: t.sizeBytes,
        consumerGroups: t.consumerGroups,
      })),
      drift: (topicsOf.get(name)?.drift ?? []).map(d => ({
        kind: d.kind,
        topic: d.topic,
        message: d.message,
      })),
    })),
    annotationErrors: app.annotationErrors ?? [],
    attemptCount: app.attemptCount,
    lastAttemptAt: app.lastAttemptAt,
    nextAttemptAt: app.nextAttemptAt,
    removedAt: app.removedAt,
  };
}

/**
 * `get-kafka-application` and `retry-kafka-provisioning`: each checks the
 * caller's own permissions through {@link ApplicationsApi}, so an
 * application the caller may not read fails exactly like a missing one.
 */
export function registerApplicationActions(
  actionsRegistry: ActionsRegistryService,
  applications: ApplicationsApi,
  topics: TopicsApi,
): void {
  actionsRegistry.register({
    name: 'get-kafka-application',
    title: 'Get Kafka application',
    description:
      "Returns a Kafka Hub application's provisioning state: its overall status, and per environment whether its namespace (topics, ACLs) was provisioned, failed (with the error) or is pending, the topics the broker has in its namespace (partitions, replication, under-replicated partitions, message estimate, size, the groups reading each) and their drift from the declaration (missing, undeclared, fewer partitions), its declared topics with their full names, malformed annotations, and when it is retried next. Fails with not found when the entity declares no Kafka application or the caller may not read it.",
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z => z.object({ entityRef: entityRefInput(z) }),
      output: z =>
        z.object({
          entityRef: z.string(),
          application: z.string(),
          ownerRef: z.string().optional(),
          prefix: z
            .string()
            .describe('Namespace prefix of its topics, groups and ids'),
          status: z.enum([
            'pending',
            'in_progress',
            'completed',
            'partial',
            'failed',
          ]),
          error: z.string().optional(),
          declaredTopics: z.array(
            z.object({
              name: z.string(),
              partitions: z.number().optional(),
            }),
          ),
          environments: z.array(
            z.object({
              name: z.string(),
              status: z.enum(['success', 'failed', 'skipped', 'pending']),
              error: z.string().optional(),
              message: z.string().optional(),
              finishedAt: z.string().optional(),
              topicsSampledAt: z
                .string()
                .optional()
                .describe(
                  "When the topic sampler last read the environment's topics",
                ),
              topicSampleError: z.string().optional(),
              topics: z
                .array(
                  z.object({
                    name: z.string(),
                    declared: z.boolean(),
                    partitions: z.number(),
                    replicationFactor: z.number(),
                    underReplicatedPartitions: z.number().optional(),
                    messageEstimate: z.number().optional(),
                    sizeBytes: z.number().optional(),
                    consumerGroups: z.array(z.string()),
                  }),
                )
                .describe(
                  "The topics in the application's namespace on the broker, declared or not",
                ),
              drift: z
                .array(
                  z.object({
                    kind: z.enum(['missing', 'undeclared', 'fewer-partitions']),
                    topic: z.string(),
                    message: z.string(),
                  }),
                )
                .describe('How the broker differs from the declaration'),
            }),
          ),
          annotationErrors: z.array(
            z.object({
              annotation: z.string(),
              value: z.string(),
              message: z.string(),
            }),
          ),
          attemptCount: z.number(),
          lastAttemptAt: z.string().optional(),
          nextAttemptAt: z.string().optional(),
          removedAt: z.string().optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      // Unreadable or missing, it fails alike.
      const found = await applications.getWithTopics(
        credentials,
        input.entityRef,
        topics,
      );
      return { output: applicationOutput(found.application, found.topics) };
    },
  });

  actionsRegistry.register({
    name: 'retry-kafka-provisioning',
    title: 'Retry Kafka provisioning',
    description:
      "Starts provisioning an application's namespace again in the environments where it failed (or in all its environments with `all`). Needs kafka-hub.provisioning.retry on the entity. Provisioning creates what is missing and never deletes, so a retry is safe to repeat; it fails with a conflict while a run is in progress.",
    attributes: { readOnly: false, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefInput(z),
          all: z
            .boolean()
            .optional()
            .describe(
              'Provision every environment of the application, not only the failed ones',
            ),
        }),
      output: z =>
        z.object({
          environments: z
            .array(z.string())
            .describe('The environments the started run provisions'),
        }),
    },
    action: async ({ input, credentials }) => {
      const { environments } = await applications.retry(
        credentials,
        input.entityRef,
        { all: input.all, auditMeta: { via: 'action' } },
      );
      return { output: { environments } };
    },
  });
}
