import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  applicationPrefix,
  KafkaApplicationTopics,
  KafkaEnvironmentTopics,
  KafkaTopic,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { EnvironmentConfig } from '../config/types';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import { ProvisioningApplication } from '../database/provisioning/types';
import { SchemaStore } from '../database/schemas';
import { StoredTopic, TopicStore } from '../database/topics';
import { EntityAccess } from '../permissions/EntityAccess';
import { DeclaredTopic, topicDrift } from '../topics/topicDrift';
import { ErrorDetail, tierError } from '../router/errorDetail';
import { normalizedEntityRef } from '../router/entityRefs';

export interface TopicsApiOptions {
  access: EntityAccess;
  topics: TopicStore;
  applications: ProvisioningStore;
  schemas: SchemaStore;
  environments: EnvironmentConfig[];
  namespacePattern: string;
}

/**
 * An application's topics for one caller, per environment, as the topic
 * sampler last stored them, declared or not, with their subjects and the
 * drift against the declaration; what `GET /applications/:entityRef/topics`
 * and the actions answer. The caller needs `kafka-hub.entity.read` on the
 * entity; one who may not read it gets 404 like a missing one.
 */
export class TopicsApi {
  constructor(private readonly options: TopicsApiOptions) {}

  async get(
    credentials: BackstageCredentials,
    entityRefParam: string,
  ): Promise<KafkaApplicationTopics> {
    const { access, applications } = this.options;
    const entityRef = normalizedEntityRef(entityRefParam);
    const noApplication = () =>
      new NotFoundError(`No Kafka application for ${entityRef}`);
    const { admin } = await access.requireRead(
      credentials,
      entityRef,
      noApplication,
    );
    const app = await applications.get(entityRef);
    if (!app) throw noApplication();
    return this.ofApplication(app, admin);
  }

  /**
   * The topics of an application the caller was already allowed to read
   * (`admin`: whether errors are told in full).
   */
  async ofApplication(
    app: ProvisioningApplication,
    admin: boolean,
  ): Promise<KafkaApplicationTopics> {
    const { topics, schemas, environments, namespacePattern } = this.options;
    const { entityRef } = app;
    const detail: ErrorDetail = admin ? 'full' : 'brief';
    const prefix = applicationPrefix(app.application, namespacePattern);

    const [stored, runs] = await Promise.all([
      topics.listByEntity(entityRef),
      topics.listRuns(),
    ]);
    const byEnvironment = new Map<string, StoredTopic[]>();
    for (const topic of stored) {
      const list = byEnvironment.get(topic.environment) ?? [];
      list.push(topic);
      byEnvironment.set(topic.environment, list);
    }
    const runOf = new Map(runs.map(run => [run.environment, run]));
    const desired = new Set(app.desiredState.environments);
    // A removed application declares nothing any more: no topic is missing.
    const declaring = app.removedAt === undefined;

    const result: KafkaEnvironmentTopics[] = [];
    for (const environment of environments) {
      const name = environment.name;
      const onBroker = byEnvironment.get(name) ?? [];
      if (!desired.has(name) && onBroker.length === 0) continue;
      const defaultPartitions =
        environment.provisioning?.defaultPartitions ?? 1;
      const declared: DeclaredTopic[] =
        declaring && desired.has(name)
          ? app.desiredState.topics.map(spec => ({
              topic: `${prefix}${spec.name}`,
              partitions: spec.partitions ?? defaultPartitions,
            }))
          : [];
      const declaredPartitions = new Map(
        declared.map(t => [t.topic, t.partitions]),
      );
      const subjects = await schemas.subjectsOfTopics(
        name,
        onBroker.map(t => t.topic),
      );
      const subjectOf = new Map(
        subjects.map(s => [`${s.topic}\u0000${s.role}`, s.subject]),
      );
      const run = runOf.get(name);
      result.push({
        environment: name,
        sampledAt:
          run?.sampledAtMs !== undefined
            ? new Date(run.sampledAtMs).toISOString()
            : undefined,
        lastRunAt: run?.lastRunAt.toISOString(),
        error:
          run && (run.outcome === 'failed' || run.outcome === 'aborted')
            ? tierError(run.error, detail)
            : undefined,
        topics: onBroker.map(
          (t): KafkaTopic => ({
            name: t.topic,
            partitions: t.partitions,
            replicationFactor: t.replicationFactor,
            underReplicatedPartitions: t.underReplicatedPartitions,
            offlinePartitions: t.offlinePartitions,
            minInSyncReplicas: t.minInSyncReplicas,
            leaders: [
              ...new Set(
                t.partitionDetail
                  .map(p => p.leader)
                  .filter((l): l is number => l !== undefined),
              ),
            ].sort((a, b) => a - b),
            partitionDetail: t.partitionDetail,
            sizeBytes: t.sizeBytes,
            diskBytes: t.diskBytes,
            messageEstimate: t.messageEstimate,
            retentionMs: t.retentionMs,
            retentionBytes: t.retentionBytes,
            cleanupPolicy: t.cleanupPolicy,
            configOverrides: t.configOverrides,
            consumerGroups: t.consumerGroups,
            keySubject: subjectOf.get(`${t.topic}\u0000key`),
            valueSubject: subjectOf.get(`${t.topic}\u0000value`),
            declared: declaredPartitions.has(t.topic),
            declaredPartitions: declaredPartitions.get(t.topic),
          }),
        ),
        // Before the first sample nothing is known to be missing.
        drift:
          run?.sampledAtMs === undefined
            ? []
            : topicDrift(
                declared,
                onBroker.map(t => ({
                  topic: t.topic,
                  partitions: t.partitions,
                })),
              ),
      });
    }
    return { entityRef, prefix, environments: result };
  }
}
