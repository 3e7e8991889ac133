import { FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  HealthResponse,
  KafkaHubTaskRunList,
  KafkaApplicationDetail,
  KafkaApplicationList,
  RetryAllFailedResponse,
  RetryProvisioningResponse,
  SchemaCompatibilityRequest,
  SchemaCompatibilityResult,
  SchemaSubjectDetail,
  SchemaSubjectList,
  SchemaSummary,
  SchemaVersionList,
} from '@internal/plugin-kafka-hub-common';
import {
  KafkaHubApi,
  ListApplicationsRequest,
  ListSchemasRequest,
} from './KafkaHubApi';
import type {
  ConsumerGroup,
  ConsumerGroupDetail,
  ConsumerGroupList,
  ConsumerGroupsSummary,
  LagHistory,
  LagHistoryRange,
} from '@internal/plugin-kafka-hub-common';
import type {
  ConsumerGroupSummaryRequest,
  ListConsumerGroupsRequest,
} from './KafkaHubApi';

/** The backend's default and largest page of `GET /consumer-groups`. */
const DEFAULT_CONSUMER_GROUP_PAGE = 50;
const MAX_CONSUMER_GROUP_PAGE = 500;

/**
 * Talks to the Kafka Hub backend through the app's fetchApi, which adds the
 * user's token and resolves `plugin://kafka-hub` through discovery.
 *
 * @public
 */
export class KafkaHubClient implements KafkaHubApi {
  private readonly fetchApi: FetchApi;

  constructor(options: { fetchApi: FetchApi }) {
    this.fetchApi = options.fetchApi;
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const response = await this.fetchApi.fetch(
      `plugin://kafka-hub${path}`,
      init,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  getHealth(): Promise<HealthResponse> {
    return this.request<HealthResponse>('/health');
  }

  listApplications(
    request: ListApplicationsRequest = {},
  ): Promise<KafkaApplicationList> {
    const query = new URLSearchParams();
    if (request.entityRef) query.set('entityRef', request.entityRef);
    if (request.owner) query.set('owner', request.owner);
    if (request.status?.length) query.set('status', request.status.join(','));
    const search = query.toString();
    return this.request<KafkaApplicationList>(
      `/applications${search ? `?${search}` : ''}`,
    );
  }

  getApplication(entityRef: string): Promise<KafkaApplicationDetail> {
    return this.request<KafkaApplicationDetail>(
      `/applications/${encodeURIComponent(entityRef)}`,
    );
  }

  retryProvisioning(
    entityRef: string,
    options: { all?: boolean } = {},
  ): Promise<RetryProvisioningResponse> {
    return this.request<RetryProvisioningResponse>(
      `/applications/${encodeURIComponent(entityRef)}/retry${
        options.all ? '?all=true' : ''
      }`,
      { method: 'POST' },
    );
  }

  retryAllFailed(): Promise<RetryAllFailedResponse> {
    return this.request<RetryAllFailedResponse>('/admin/retry-failed', {
      method: 'POST',
    });
  }

  listTaskRuns(): Promise<KafkaHubTaskRunList> {
    return this.request<KafkaHubTaskRunList>('/admin/tasks');
  }

  // Schemas

  private static schemaPath(environment: string, subject: string): string {
    return `/schemas/${encodeURIComponent(environment)}/${encodeURIComponent(
      subject,
    )}`;
  }

  listSchemas(request: ListSchemasRequest = {}): Promise<SchemaSubjectList> {
    const limit = request.limit ?? 50;
    const offset = request.offset ?? 0;
    if (request.entityRefs && request.entityRefs.length === 0) {
      return Promise.resolve({ items: [], total: 0, limit, offset });
    }
    const query = new URLSearchParams();
    for (const ref of request.entityRefs ?? []) query.append('entityRef', ref);
    if (request.environment) query.set('environment', request.environment);
    if (request.formats?.length) query.set('format', request.formats.join(','));
    if (request.statuses?.length) {
      query.set('status', request.statuses.join(','));
    }
    if (request.search?.trim()) query.set('search', request.search.trim());
    if (request.limit !== undefined) query.set('limit', String(request.limit));
    if (request.offset) query.set('offset', String(request.offset));
    const search = query.toString();
    return this.request<SchemaSubjectList>(
      `/schemas${search ? `?${search}` : ''}`,
    );
  }

  getSchemaSummary(
    request: { entityRefs?: string[] } = {},
  ): Promise<SchemaSummary> {
    if (request.entityRefs && request.entityRefs.length === 0) {
      return Promise.resolve({
        total: 0,
        byFormat: { AVRO: 0, PROTOBUF: 0, JSON: 0 },
        byStatus: { registered: 0, deleted: 0, stale: 0 },
      });
    }
    const query = new URLSearchParams();
    for (const ref of request.entityRefs ?? []) query.append('entityRef', ref);
    const search = query.toString();
    return this.request<SchemaSummary>(
      `/schemas/summary${search ? `?${search}` : ''}`,
    );
  }

  getSchemaSubject(
    environment: string,
    subject: string,
  ): Promise<SchemaSubjectDetail> {
    return this.request<SchemaSubjectDetail>(
      KafkaHubClient.schemaPath(environment, subject),
    );
  }

  listSchemaVersions(
    environment: string,
    subject: string,
  ): Promise<SchemaVersionList> {
    return this.request<SchemaVersionList>(
      `${KafkaHubClient.schemaPath(environment, subject)}/versions`,
    );
  }

  checkSchemaCompatibility(
    environment: string,
    subject: string,
    request: SchemaCompatibilityRequest,
  ): Promise<SchemaCompatibilityResult> {
    return this.request<SchemaCompatibilityResult>(
      `${KafkaHubClient.schemaPath(environment, subject)}/compatibility`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(request),
      },
    );
  }

  // Consumer groups

  private static consumerGroupPath(
    environment: string,
    groupId: string,
  ): string {
    return `/consumer-groups/${encodeURIComponent(
      environment,
    )}/${encodeURIComponent(groupId)}`;
  }

  private listConsumerGroupsPage(
    request: ListConsumerGroupsRequest,
    entityRef: string | undefined,
    limit: number | undefined,
    offset: number | undefined,
  ): Promise<ConsumerGroupList> {
    const query = new URLSearchParams();
    if (entityRef) query.set('entityRef', entityRef);
    if (request.environment) query.set('environment', request.environment);
    if (request.state) query.set('state', request.state);
    if (request.lifecycle) query.set('lifecycle', request.lifecycle);
    if (request.hasLag !== undefined) {
      query.set('hasLag', String(request.hasLag));
    }
    if (request.search?.trim()) query.set('search', request.search.trim());
    if (request.sort) query.set('sort', request.sort);
    if (limit !== undefined) query.set('limit', String(limit));
    if (offset) query.set('offset', String(offset));
    const search = query.toString();
    return this.request<ConsumerGroupList>(
      `/consumer-groups${search ? `?${search}` : ''}`,
    );
  }

  /** The first `count` groups of one entity, in the backend's order. */
  private async firstConsumerGroups(
    request: ListConsumerGroupsRequest,
    entityRef: string,
    count: number,
  ): Promise<{ items: ConsumerGroup[]; total: number }> {
    const items: ConsumerGroup[] = [];
    let total = 0;
    for (;;) {
      const limit = Math.min(MAX_CONSUMER_GROUP_PAGE, count - items.length);
      const page = await this.listConsumerGroupsPage(
        request,
        entityRef,
        limit,
        items.length,
      );
      total = page.total;
      items.push(...page.items);
      if (
        page.items.length < limit ||
        items.length >= count ||
        items.length >= total
      ) {
        return { items, total };
      }
    }
  }

  async listConsumerGroups(
    request: ListConsumerGroupsRequest = {},
  ): Promise<ConsumerGroupList> {
    const limit = request.limit ?? DEFAULT_CONSUMER_GROUP_PAGE;
    const offset = request.offset ?? 0;
    const entityRefs = request.entityRefs && [...new Set(request.entityRefs)];
    if (entityRefs && entityRefs.length === 0) {
      return { items: [], total: 0, limit, offset };
    }
    if (!entityRefs || entityRefs.length === 1) {
      return this.listConsumerGroupsPage(
        request,
        entityRefs?.[0],
        request.limit,
        request.offset,
      );
    }
    // The backend filters by one entity at a time: each entity's first
    // offset + limit groups, in the backend's order, hold the merged page.
    const lists = await Promise.all(
      entityRefs.map(ref =>
        this.firstConsumerGroups(request, ref, offset + limit),
      ),
    );
    const items = lists
      .flatMap(l => l.items)
      .sort(consumerGroupOrder(request.sort ?? 'lag'));
    return {
      items: items.slice(offset, offset + limit),
      total: lists.reduce((sum, l) => sum + l.total, 0),
      limit,
      offset,
    };
  }

  async getConsumerGroupSummary(
    request: ConsumerGroupSummaryRequest = {},
  ): Promise<ConsumerGroupsSummary> {
    const summaryOf = (entityRef?: string) => {
      const query = new URLSearchParams();
      if (entityRef) query.set('entityRef', entityRef);
      if (request.environment) query.set('environment', request.environment);
      const search = query.toString();
      return this.request<ConsumerGroupsSummary>(
        `/consumer-groups/summary${search ? `?${search}` : ''}`,
      );
    };
    const entityRefs = request.entityRefs && [...new Set(request.entityRefs)];
    if (!entityRefs || entityRefs.length === 1) {
      return summaryOf(entityRefs?.[0]);
    }
    // One request per entity, added up (a group belongs to one entity).
    const summaries = await Promise.all(entityRefs.map(ref => summaryOf(ref)));
    return summaries.reduce(addSummaries, emptyConsumerGroupsSummary());
  }

  getConsumerGroup(
    environment: string,
    groupId: string,
  ): Promise<ConsumerGroupDetail> {
    return this.request<ConsumerGroupDetail>(
      KafkaHubClient.consumerGroupPath(environment, groupId),
    );
  }

  getConsumerGroupLag(
    environment: string,
    groupId: string,
    range: LagHistoryRange,
  ): Promise<LagHistory> {
    return this.request<LagHistory>(
      `${KafkaHubClient.consumerGroupPath(
        environment,
        groupId,
      )}/lag?range=${encodeURIComponent(range)}`,
    );
  }
}

/** The backend's order of `GET /consumer-groups`, for merging lists. */
function consumerGroupOrder(
  sort: NonNullable<ListConsumerGroupsRequest['sort']>,
): (a: ConsumerGroup, b: ConsumerGroup) => number {
  const byText = (x: string, y: string) => {
    if (x === y) return 0;
    return x < y ? -1 : 1;
  };
  const key = (g: ConsumerGroup) => {
    if (sort === 'lag') return g.lag?.totalLag ?? -1;
    if (sort === 'timeLag') return g.lag?.timeLagSeconds ?? -1;
    return 0;
  };
  return (a, b) =>
    key(b) - key(a) ||
    byText(a.groupId, b.groupId) ||
    byText(a.environment, b.environment);
}

function emptyConsumerGroupsSummary(): ConsumerGroupsSummary {
  return {
    total: 0,
    byState: {
      Stable: 0,
      PreparingRebalance: 0,
      CompletingRebalance: 0,
      Empty: 0,
      Dead: 0,
      Unknown: 0,
    },
    byStatus: { OK: 0, WARN: 0, STALL: 0, STOP: 0, REWIND: 0 },
    byLifecycle: { active: 0, inactive: 0, archived: 0 },
    totalLag: 0,
    groupsWithLag: 0,
  };
}

function addCounts<K extends string>(
  a: Record<K, number>,
  b: Record<K, number>,
): Record<K, number> {
  const sum = { ...a };
  for (const key of Object.keys(b) as K[]) {
    sum[key] = (sum[key] ?? 0) + (b[key] ?? 0);
  }
  return sum;
}

function addSummaries(
  a: ConsumerGroupsSummary,
  b: ConsumerGroupsSummary,
): ConsumerGroupsSummary {
  return {
    total: a.total + b.total,
    byState: addCounts(a.byState, b.byState),
    byStatus: addCounts(a.byStatus, b.byStatus),
    byLifecycle: addCounts(a.byLifecycle, b.byLifecycle),
    totalLag: a.totalLag + b.totalLag,
    groupsWithLag: a.groupsWithLag + b.groupsWithLag,
  };
}
