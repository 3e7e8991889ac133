import { FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  CONSUMER_GROUP_LIFECYCLES,
  CONSUMER_GROUP_STATES,
  CONSUMER_GROUP_STATUSES,
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
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import {
  KafkaHubApi,
  ListApplicationsRequest,
  ListSchemasRequest,
  ListSchemaVersionsRequest,
} from './KafkaHubApi';
import type {
  EntityLinkErrors,
  EntityLinkErrorsList,
  NamespaceClaimList,
  ReleaseNamespaceClaimResponse,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import type {
  ConsumerGroupDetail,
  ConsumerGroupList,
  ConsumerGroupsSummary,
  LagHistory,
  LagHistoryRange,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import type {
  ConsumerGroupSummaryRequest,
  ListConsumerGroupsRequest,
} from './KafkaHubApi';

/** The backend's default page of `GET /consumer-groups`. */
const DEFAULT_CONSUMER_GROUP_PAGE = 50;

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
    setPage(query, request);
    return this.request<KafkaApplicationList>(
      withQuery('/applications', query),
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

  // Claims

  listNamespaceClaims(
    request: { limit?: number; offset?: number } = {},
  ): Promise<NamespaceClaimList> {
    return this.request<NamespaceClaimList>(
      withQuery('/admin/claims', pageQuery(request)),
    );
  }

  releaseNamespaceClaim(
    application: string,
  ): Promise<ReleaseNamespaceClaimResponse> {
    return this.request<ReleaseNamespaceClaimResponse>(
      `/admin/claims/${encodeURIComponent(application)}`,
      { method: 'DELETE' },
    );
  }

  getLinkErrors(entityRef: string): Promise<EntityLinkErrors> {
    return this.request<EntityLinkErrors>(
      `/link-errors/${encodeURIComponent(entityRef)}`,
    );
  }

  listLinkErrors(
    request: { limit?: number; offset?: number } = {},
  ): Promise<EntityLinkErrorsList> {
    return this.request<EntityLinkErrorsList>(
      withQuery('/admin/link-errors', pageQuery(request)),
    );
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
    if (request.owner) query.set('owner', request.owner);
    if (request.environment) query.set('environment', request.environment);
    if (request.formats?.length) query.set('format', request.formats.join(','));
    if (request.statuses?.length) {
      query.set('status', request.statuses.join(','));
    }
    if (request.search?.trim()) query.set('search', request.search.trim());
    setPage(query, request);
    return this.request<SchemaSubjectList>(withQuery('/schemas', query));
  }

  getSchemaSummary(
    request: { entityRefs?: string[]; owner?: string } = {},
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
    if (request.owner) query.set('owner', request.owner);
    return this.request<SchemaSummary>(withQuery('/schemas/summary', query));
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
    request: ListSchemaVersionsRequest = {},
  ): Promise<SchemaVersionList> {
    const query = new URLSearchParams();
    setPage(query, request);
    return this.request<SchemaVersionList>(
      withQuery(
        `${KafkaHubClient.schemaPath(environment, subject)}/versions`,
        query,
      ),
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

  listConsumerGroups(
    request: ListConsumerGroupsRequest = {},
  ): Promise<ConsumerGroupList> {
    if (request.entityRefs && request.entityRefs.length === 0) {
      return Promise.resolve({
        items: [],
        total: 0,
        limit: request.limit ?? DEFAULT_CONSUMER_GROUP_PAGE,
        offset: request.offset ?? 0,
      });
    }
    const query = new URLSearchParams();
    for (const ref of new Set(request.entityRefs ?? [])) {
      query.append('entityRef', ref);
    }
    if (request.owner) query.set('owner', request.owner);
    if (request.environment) query.set('environment', request.environment);
    if (request.state) query.set('state', request.state);
    if (request.lifecycle) query.set('lifecycle', request.lifecycle);
    if (request.hasLag !== undefined) {
      query.set('hasLag', String(request.hasLag));
    }
    if (request.search?.trim()) query.set('search', request.search.trim());
    if (request.sort) query.set('sort', request.sort);
    setPage(query, request);
    return this.request<ConsumerGroupList>(
      withQuery('/consumer-groups', query),
    );
  }

  getConsumerGroupSummary(
    request: ConsumerGroupSummaryRequest = {},
  ): Promise<ConsumerGroupsSummary> {
    if (request.entityRefs && request.entityRefs.length === 0) {
      return Promise.resolve(emptyConsumerGroupsSummary());
    }
    const query = new URLSearchParams();
    for (const ref of new Set(request.entityRefs ?? [])) {
      query.append('entityRef', ref);
    }
    if (request.owner) query.set('owner', request.owner);
    if (request.environment) query.set('environment', request.environment);
    return this.request<ConsumerGroupsSummary>(
      withQuery('/consumer-groups/summary', query),
    );
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

function zeroCounts<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map(key => [key, 0])) as Record<K, number>;
}

function emptyConsumerGroupsSummary(): ConsumerGroupsSummary {
  return {
    total: 0,
    byState: zeroCounts(CONSUMER_GROUP_STATES),
    byStatus: zeroCounts(CONSUMER_GROUP_STATUSES),
    byLifecycle: zeroCounts(CONSUMER_GROUP_LIFECYCLES),
    totalLag: 0,
    groupsWithLag: 0,
  };
}

/** Sets a paged request's `limit`, and its `offset` unless 0. */
function setPage(
  query: URLSearchParams,
  page: { limit?: number; offset?: number },
): void {
  if (page.limit !== undefined) query.set('limit', String(page.limit));
  if (page.offset) query.set('offset', String(page.offset));
}

function pageQuery(page: { limit?: number; offset?: number }) {
  const query = new URLSearchParams();
  setPage(query, page);
  return query;
}

/** `path` with the query string, if there is one. */
function withQuery(path: string, query: URLSearchParams): string {
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}
