import { NotFoundError } from '@backstage/errors';
import {
  ConfiguredEnvironmentList,
  ConsumerGroupDetail,
  ConsumerGroupList,
  ConsumerGroupState,
  ConsumerGroupsSummary,
  EntityLinkErrors,
  EntityLinkErrorsList,
  HealthResponse,
  KafkaApplicationDetail,
  KafkaApplicationTopics,
  KafkaApplicationList,
  KafkaMessageList,
  KafkaHubTaskRunList,
  KafkaTopicList,
  KafkaTopicListItem,
  LagHistory,
  LagHistoryBy,
  LagHistoryRange,
  LagSeries,
  NamespaceClaimList,
  ReleaseNamespaceClaimResponse,
  RetryAllFailedResponse,
  RetryProvisioningResponse,
  SchemaCompatibilityResult,
  SchemaSubjectDetail,
  SchemaSubjectList,
  SchemaSummary,
  SchemaVersionList,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { KafkaHubApi } from '../src/api';
import type {
  ConsumerGroupSummaryRequest,
  ListApplicationsRequest,
  ListConsumerGroupsRequest,
  ListSchemasRequest,
  ListTopicsRequest,
} from '../src/api/KafkaHubApi';
import { applications, consumerGroups, subjects, versions } from './fixtures';

const RANGE_MS: Record<LagHistoryRange, number> = {
  '1h': 3600_000,
  '6h': 6 * 3600_000,
  '24h': 24 * 3600_000,
  '7d': 7 * 24 * 3600_000,
  '30d': 30 * 24 * 3600_000,
};

function page<T>(items: T[], limit = 25, offset = 0) {
  return {
    items: items.slice(offset, offset + limit),
    total: items.length,
    limit,
    offset,
  };
}

/** Whether an item of an entity is in the request's entities or owner's. */
function inScope(
  entityRef: string | undefined,
  request: { entityRefs?: string[]; owner?: string } = {},
) {
  if (request.entityRefs && !request.entityRefs.includes(entityRef ?? '')) {
    return false;
  }
  if (request.owner) {
    const owned = applications
      .filter(app => app.ownerRef === request.owner)
      .map(app => app.entityRef);
    return owned.includes(entityRef ?? '');
  }
  return true;
}

/** Kafka Hub's API answered from the fixtures, for the dev apps. */
export class MockKafkaHubApi implements KafkaHubApi {
  async getHealth(): Promise<HealthResponse> {
    const checkedAt = new Date().toISOString();
    return {
      configured: true,
      environments: [
        {
          environment: 'dev',
          checkedAt,
          kafka: { status: 'up', latencyMs: 4 },
          schemaRegistry: { status: 'up', latencyMs: 9 },
        },
        {
          environment: 'prod',
          checkedAt,
          kafka: {
            status: 'down',
            error: 'Connection error: connect ECONNREFUSED 10.0.0.12:9092',
          },
          schemaRegistry: { status: 'not-configured' },
        },
      ],
    };
  }

  async listEnvironments(): Promise<ConfiguredEnvironmentList> {
    return {
      items: [
        { name: 'dev', hasSchemaRegistry: true },
        { name: 'prod', hasSchemaRegistry: false },
      ],
    };
  }

  async listApplications(
    request: ListApplicationsRequest = {},
  ): Promise<KafkaApplicationList> {
    const items = applications.filter(
      app =>
        (!request.entityRef || app.entityRef === request.entityRef) &&
        (!request.owner || app.ownerRef === request.owner) &&
        (!request.status || request.status.includes(app.status)),
    );
    return {
      ...page(items, request.limit ?? 50, request.offset),
      errorDetail: 'full',
    };
  }

  async getApplication(entityRef: string): Promise<KafkaApplicationDetail> {
    const app = applications.find(a => a.entityRef === entityRef);
    if (!app) {
      throw new NotFoundError(`No Kafka application for ${entityRef}`);
    }
    return { ...app, errorDetail: 'full', runs: [] };
  }

  async readTopicMessages(
    entityRef: string,
    topic: string,
    request: { environment: string },
  ): Promise<KafkaMessageList> {
    await this.getApplication(entityRef);
    return {
      environment: request.environment,
      topic,
      messages: [0, 1, 2].map(i => ({
        partition: 0,
        offset: String(i),
        timestamp: new Date(Date.now() - (3 - i) * 60_000).toISOString(),
        key: { format: 'text', data: `order-${i}`, sizeBytes: 7 },
        value: {
          format: 'avro',
          schemaId: 1,
          data: { id: `order-${i}`, email: '***', amount: 10 * (i + 1) },
          sizeBytes: 24,
        },
        headers: [{ key: 'source', value: 'dev', format: 'text' }],
      })),
      partitions: [
        { partition: 0, startOffset: '0', nextOffset: '3', endOffset: '3' },
      ],
      stoppedBy: 'end',
      bounds: { maxMessages: 500, maxBytes: 5242880, timeoutMs: 10000 },
    };
  }

  async getApplicationTopics(
    entityRef: string,
  ): Promise<KafkaApplicationTopics> {
    const app = await this.getApplication(entityRef);
    const sampledAt = new Date(Date.now() - 2 * 60_000).toISOString();
    const [first, ...rest] = app.topics;
    const topic = (name: string, partitions: number) => ({
      name: `${app.prefix}${name}`,
      partitions,
      replicationFactor: 3,
      underReplicatedPartitions: 0,
      offlinePartitions: 0,
      minInSyncReplicas: 3,
      leaders: [1, 2, 3],
      partitionDetail: Array.from({ length: partitions }, (_, partition) => ({
        partition,
        leader: (partition % 3) + 1,
        replicas: [1, 2, 3],
        inSyncReplicas: [1, 2, 3],
      })),
      sizeBytes: 48_000_000,
      diskBytes: 144_000_000,
      messageEstimate: 120_000,
      retentionMs: 604_800_000,
      retentionBytes: -1,
      cleanupPolicy: 'delete',
      configOverrides: { 'retention.ms': '604800000' },
      consumerGroups: [`${app.prefix}reader`],
      valueSubject: `${app.prefix}${name}-value`,
      declared: true,
      declaredPartitions: partitions,
    });
    return {
      entityRef,
      prefix: app.prefix,
      environments: app.desiredEnvironments.map(environment => ({
        environment,
        sampledAt,
        lastRunAt: sampledAt,
        // The first declared topic is on the broker; the others are not yet.
        topics: first ? [topic(first.name, first.partitions ?? 3)] : [],
        drift: rest.map(t => ({
          kind: 'missing' as const,
          topic: `${app.prefix}${t.name}`,
          declaredPartitions: t.partitions ?? 3,
          message: 'Declared, not on the broker',
        })),
      })),
    };
  }

  async listTopics(request: ListTopicsRequest = {}): Promise<KafkaTopicList> {
    const sampledAt = new Date(Date.now() - 2 * 60_000).toISOString();
    const search = request.search?.toLocaleLowerCase('en-US');
    // Each application's declared topics on the broker, and one undeclared.
    const all = applications.flatMap(app =>
      app.desiredEnvironments.flatMap(environment =>
        [...app.topics.map(t => t.name), 'scratch'].map(
          (name, i): KafkaTopicListItem => ({
            environment,
            entityRef: app.entityRef,
            name: `${app.prefix}${name}`,
            partitions: 3,
            replicationFactor: 3,
            underReplicatedPartitions: i === 1 ? 1 : 0,
            offlinePartitions: 0,
            sizeBytes: 48_000_000 * (i + 1),
            messageEstimate: 120_000 * (i + 1),
            retentionMs: 604_800_000,
            retentionBytes: -1,
            cleanupPolicy: 'delete',
            consumerGroups: [`${app.prefix}reader`],
            drift:
              name === 'scratch'
                ? {
                    kind: 'undeclared',
                    topic: `${app.prefix}${name}`,
                    partitions: 3,
                    message: 'On the broker under the namespace, not declared',
                  }
                : undefined,
            sampledAt,
          }),
        ),
      ),
    );
    const items = all
      .filter(
        t =>
          inScope(t.entityRef, request) &&
          (!request.environment || t.environment === request.environment) &&
          (request.drift === undefined || !!t.drift === request.drift) &&
          (request.underReplicated === undefined ||
            t.underReplicatedPartitions > 0 === request.underReplicated) &&
          (!search || t.name.toLocaleLowerCase('en-US').includes(search)),
      )
      .sort((a, b) => {
        if (request.sort === 'size') return b.sizeBytes! - a.sizeBytes!;
        if (request.sort === 'messages') {
          return b.messageEstimate! - a.messageEstimate!;
        }
        return a.name.localeCompare(b.name);
      });
    return page(items, request.limit, request.offset);
  }

  async retryProvisioning(
    entityRef: string,
  ): Promise<RetryProvisioningResponse> {
    const app = await this.getApplication(entityRef);
    return { runId: 'dev-run', environments: app.desiredEnvironments };
  }

  async retryAllFailed(): Promise<RetryAllFailedResponse> {
    const failed = applications.filter(a => a.status !== 'completed');
    return { total: failed.length, started: failed.length, skipped: 0 };
  }

  async listTaskRuns(): Promise<KafkaHubTaskRunList> {
    const lastRunAt = new Date().toISOString();
    return {
      items: [
        {
          task: 'provisioning-run-due',
          lastRunAt,
          durationMs: 12,
          outcome: 'succeeded',
          summary: 'nothing was due',
        },
        {
          task: 'schema-sync',
          environment: 'dev',
          lastRunAt,
          durationMs: 420,
          outcome: 'succeeded',
        },
        {
          task: 'lag-sampler',
          environment: 'dev',
          lastRunAt,
          durationMs: 35,
          outcome: 'succeeded',
        },
      ],
    };
  }

  async listNamespaceClaims(
    request: { limit?: number; offset?: number } = {},
  ): Promise<NamespaceClaimList> {
    const items = applications.map(app => ({
      application: app.application,
      prefix: app.prefix,
      entityRef: app.entityRef,
      ownerRef: app.ownerRef,
      claimedAt: app.lastAttemptAt ?? new Date().toISOString(),
    }));
    return page(items, request.limit, request.offset);
  }

  async releaseNamespaceClaim(
    application: string,
  ): Promise<ReleaseNamespaceClaimResponse> {
    const claims = await this.listNamespaceClaims();
    const released = claims.items.find(c => c.application === application);
    if (!released) {
      throw new NotFoundError(`No claim of ${application}`);
    }
    return { released };
  }

  async getLinkErrors(entityRef: string): Promise<EntityLinkErrors> {
    return { entityRef, errors: [] };
  }

  async listLinkErrors(
    request: { limit?: number; offset?: number } = {},
  ): Promise<EntityLinkErrorsList> {
    return page([], request.limit, request.offset);
  }

  async listSchemas(
    request: ListSchemasRequest = {},
  ): Promise<SchemaSubjectList> {
    const search = request.search?.toLocaleLowerCase('en-US');
    const items = subjects.filter(
      s =>
        inScope(s.entityRef, request) &&
        (!request.environment || s.environment === request.environment) &&
        (!request.formats || request.formats.includes(s.format)) &&
        (!request.statuses || request.statuses.includes(s.status)) &&
        (!search || s.subject.toLocaleLowerCase('en-US').includes(search)),
    );
    return page(items, request.limit, request.offset);
  }

  async getSchemaSummary(
    request: { entityRefs?: string[]; owner?: string } = {},
  ): Promise<SchemaSummary> {
    const items = subjects.filter(s => inScope(s.entityRef, request));
    const count = (pick: (s: (typeof items)[number]) => boolean) =>
      items.filter(pick).length;
    return {
      total: items.length,
      byFormat: {
        AVRO: count(s => s.format === 'AVRO'),
        PROTOBUF: count(s => s.format === 'PROTOBUF'),
        JSON: count(s => s.format === 'JSON'),
      },
      byStatus: {
        registered: count(s => s.status === 'registered'),
        deleted: count(s => s.status === 'deleted'),
        stale: count(s => s.status === 'stale'),
      },
    };
  }

  async getSchemaSubject(
    environment: string,
    subject: string,
  ): Promise<SchemaSubjectDetail> {
    const found = subjects.find(
      s => s.environment === environment && s.subject === subject,
    );
    if (!found) {
      throw new NotFoundError(`No subject ${subject} in ${environment}`);
    }
    return { ...found, references: [] };
  }

  async listSchemaVersions(
    environment: string,
    subject: string,
  ): Promise<SchemaVersionList> {
    const found = await this.getSchemaSubject(environment, subject);
    const items = versions
      .filter(v => v.version <= (found.latestVersion ?? 0))
      .map(v => ({ ...v, format: found.format }));
    return page(items, 100);
  }

  async checkSchemaCompatibility(): Promise<SchemaCompatibilityResult> {
    // The dev mock has no registry: it answers as NONE would.
    return { compatible: true, messages: [], level: 'NONE', against: [] };
  }

  async listConsumerGroups(
    request: ListConsumerGroupsRequest = {},
  ): Promise<ConsumerGroupList> {
    const search = request.search?.toLocaleLowerCase('en-US');
    const items = consumerGroups
      .filter(
        g =>
          inScope(g.entityRef, request) &&
          (!request.environment || g.environment === request.environment) &&
          (!request.state || g.state === request.state) &&
          (!request.lifecycle || g.lifecycle === request.lifecycle) &&
          (request.hasLag === undefined ||
            (g.lag?.totalLag ?? 0) > 0 === request.hasLag) &&
          (!search || g.groupId.toLocaleLowerCase('en-US').includes(search)),
      )
      .sort((a, b) =>
        request.sort === 'name'
          ? a.groupId.localeCompare(b.groupId)
          : (b.lag?.totalLag ?? 0) - (a.lag?.totalLag ?? 0),
      );
    return page(items, request.limit, request.offset);
  }

  async getConsumerGroupSummary(
    request: ConsumerGroupSummaryRequest = {},
  ): Promise<ConsumerGroupsSummary> {
    const items = consumerGroups.filter(
      g =>
        inScope(g.entityRef, request) &&
        (!request.environment || g.environment === request.environment),
    );
    const summary: ConsumerGroupsSummary = {
      total: items.length,
      byState: {
        Stable: 0,
        PreparingRebalance: 0,
        CompletingRebalance: 0,
        Assigning: 0,
        Reconciling: 0,
        NotReady: 0,
        Empty: 0,
        Dead: 0,
        Unknown: 0,
      },
      byStatus: { OK: 0, WARN: 0, STALL: 0, STOP: 0, REWIND: 0 },
      byLifecycle: { active: 0, inactive: 0, archived: 0 },
      totalLag: 0,
      groupsWithLag: 0,
    };
    for (const g of items) {
      summary.byState[g.state] += 1;
      summary.byLifecycle[g.lifecycle] += 1;
      if (g.lag) {
        summary.byStatus[g.lag.status] += 1;
        summary.totalLag += g.lag.totalLag;
        summary.groupsWithLag += g.lag.totalLag > 0 ? 1 : 0;
      }
    }
    return summary;
  }

  async getConsumerGroup(
    environment: string,
    groupId: string,
  ): Promise<ConsumerGroupDetail> {
    const found = consumerGroups.find(
      g => g.environment === environment && g.groupId === groupId,
    );
    if (!found) {
      throw new NotFoundError(`No group ${groupId} in ${environment}`);
    }
    const lag = found.lag?.totalLag ?? 0;
    const topic = found.topics[0];
    return {
      ...found,
      assignmentStrategy: 'uniform',
      coordinator: '1 (broker-1:9092)',
      describedWith: 'ConsumerGroupDescribe',
      members: Array.from({ length: found.memberCount }, (_, i) => ({
        memberId: `member-${i}`,
        clientId: `${found.groupId}-${i}`,
        host: `/10.0.1.${i + 10}`,
        assignments: [{ topic, partitions: [i] }],
      })),
      partitions: [0, 1].map(partition => ({
        topic,
        partition,
        committedOffset: 10_000,
        endOffset: 10_000 + Math.round(lag / 2),
        lag: Math.round(lag / 2),
        timeLagSeconds: found.lag?.timeLagSeconds,
        memberId:
          found.memberCount > partition ? `member-${partition}` : undefined,
      })),
    };
  }

  async getConsumerGroupLag(
    environment: string,
    groupId: string,
    range: LagHistoryRange,
    by: LagHistoryBy = 'total',
  ): Promise<LagHistory> {
    const found = await this.getConsumerGroup(environment, groupId);
    const to = Date.now();
    const span = RANGE_MS[range];
    const count = 30;
    const peak = found.lag?.totalLag ?? 0;
    const timeOf = (i: number) =>
      new Date(to - span + (i * span) / count).toISOString();
    // Each partition's share of the load curve, for by=topic|partition.
    const curve = (i: number, share: number) =>
      Math.round(peak * share * (0.5 + 0.5 * Math.sin(i / 4)));
    const partitions = found.partitions.slice(0, 10);
    const series: LagSeries[] =
      by === 'partition'
        ? partitions.map((p, n) => ({
            topic: p.topic,
            partition: p.partition,
            maxLag: curve(6, 1 / (n + 2)),
            points: Array.from({ length: count }, (_, i) => ({
              time: timeOf(i),
              lag: curve(i, 1 / (n + 2)),
              maxLag: curve(i, 1 / (n + 2)),
              samples: 2,
            })),
          }))
        : [...new Set(partitions.map(p => p.topic))].map((topic, n) => ({
            topic,
            maxLag: curve(6, 1 / (n + 1)),
            points: Array.from({ length: count }, (_, i) => ({
              time: timeOf(i),
              lag: curve(i, 1 / (n + 1)),
              maxLag: curve(i, 1 / (n + 1)),
              samples: 2,
            })),
          }));
    return {
      by,
      series:
        by === 'total'
          ? undefined
          : {
              by,
              resolution: 'raw',
              bucketSeconds: span / count / 1000,
              from: new Date(to - span).toISOString(),
              total: series.length,
              items: series,
            },
      environment,
      groupId,
      range,
      resolution: 'raw',
      bucketSeconds: span / count / 1000,
      from: new Date(to - span).toISOString(),
      to: new Date(to).toISOString(),
      points: Array.from({ length: count }, (_, i) => {
        // A lag that rises and falls like a daily load curve.
        const totalLag = Math.round(peak * (0.5 + 0.5 * Math.sin(i / 4)));
        // A rebalance a third of the way in, Empty for a while after.
        const empty = i > 20 && i < 24;
        let state: ConsumerGroupState = empty ? 'Empty' : 'Stable';
        if (i === 10) state = 'PreparingRebalance';
        return {
          time: new Date(to - span + (i * span) / count).toISOString(),
          totalLag,
          maxTotalLag: Math.round(totalLag * 1.2),
          timeLagSeconds: Math.ceil(totalLag / 100),
          maxTimeLagSeconds: Math.ceil((totalLag * 1.2) / 100),
          samples: 2,
          state,
          minMemberCount: empty ? 0 : found.memberCount,
          maxMemberCount: empty ? 0 : found.memberCount,
        };
      }),
    };
  }
}
