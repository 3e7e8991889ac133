import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  applicationPrefix,
  KafkaApplicationTopics,
  KafkaEnvironmentTopics,
  KafkaTopic,
  KafkaTopicList,
  KafkaTopicListItem,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { EnvironmentConfig } from '../config/types';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import { ProvisioningApplication } from '../database/provisioning/types';
import { SchemaStore } from '../database/schemas';
import { ListTopicsQuery, StoredTopic, TopicStore } from '../database/topics';
import { EntityAccess } from '../permissions/EntityAccess';
import { declaredTopics } from '../topics/declaredTopics';
import { DeclaredTopic, topicDrift } from '../topics/topicDrift';
import { ReadableEntities } from '../permissions/ReadableEntities';
import { ErrorDetail, tierError } from '../router/errorDetail';
import { requestedEntities } from '../router/requestedEntities';
import { normalizedEntityRef } from '../router/entityRefs';

export interface TopicsApiOptions {
  access: EntityAccess;
  readable: ReadableEntities;
  /** Entity refs of one owner's applications, for `owner=`. */
  ownedEntityRefs: (ownerRef: string) => Promise<string[]>;
  topics: TopicStore;
  applications: ProvisioningStore;
  schemas: SchemaStore;
  environments: EnvironmentConfig[];
  namespacePattern: string;
}

/** The filters, order and page of `GET /topics`. */
export type TopicListQuery = Omit<
  ListTopicsQuery,
  'entityRefs' | 'sort' | 'limit' | 'offset'
> &
  Partial<Pick<ListTopicsQuery, 'sort' | 'limit' | 'offset'>> & {
    entityRef?: string[];
    owner?: string;
  };

/** A stored topic as the list tells it, its drift in the entity card's words. */
function toListItem(t: StoredTopic): KafkaTopicListItem {
  const onBroker = [{ topic: t.topic, partitions: t.partitions }];
  // The drift the sample stored, told as topicDrift tells it on the entity.
  let declared: DeclaredTopic[] | undefined;
  if (t.drift === 'undeclared') declared = [];
  if (t.drift === 'fewer-partitions' && t.declaredPartitions !== undefined) {
    declared = [{ topic: t.topic, partitions: t.declaredPartitions }];
  }
  const [drift] = declared ? topicDrift(declared, onBroker) : [];
  return {
    environment: t.environment,
    entityRef: t.entityRef,
    name: t.topic,
    partitions: t.partitions,
    replicationFactor: t.replicationFactor,
    underReplicatedPartitions: t.underReplicatedPartitions,
    offlinePartitions: t.offlinePartitions,
    sizeBytes: t.sizeBytes,
    messageEstimate: t.messageEstimate,
    retentionMs: t.retentionMs,
    retentionBytes: t.retentionBytes,
    cleanupPolicy: t.cleanupPolicy,
    consumerGroups: t.consumerGroups,
    drift,
    sampledAt: new Date(t.sampledAtMs).toISOString(),
  };
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

  /**
   * One page of the topics of the applications the caller may read (every
   * application for admins), scoped like the consumer-group list: the
   * asked entities (`entityRef`) and the owner's applications (`owner`)
   * narrowed to the readable ones by one conditional decision, then one
   * statement for the page and one for its total, whatever the number of
   * applications. Drift is as of each topic's sample (the topic sampler
   * stores it), so the `drift` filter and the labels agree.
   */
  async list(
    credentials: BackstageCredentials,
    query: TopicListQuery,
  ): Promise<KafkaTopicList> {
    const { readable, ownedEntityRefs, topics } = this.options;
    const {
      entityRef,
      owner,
      sort = 'name',
      limit = 50,
      offset = 0,
      ...filters
    } = query;
    const { entityRefs } = await requestedEntities(
      { entityRef, owner },
      credentials,
      { readable, ownedEntityRefs },
    );
    const { items, total } = await topics.list({
      ...filters,
      entityRefs,
      sort,
      limit,
      offset,
    });
    return { items: items.map(toListItem), total, limit, offset };
  }

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

    const result: KafkaEnvironmentTopics[] = [];
    for (const environment of environments) {
      const name = environment.name;
      const onBroker = byEnvironment.get(name) ?? [];
      if (!desired.has(name) && onBroker.length === 0) continue;
      const declared = declaredTopics(app, environment, namespacePattern);
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
