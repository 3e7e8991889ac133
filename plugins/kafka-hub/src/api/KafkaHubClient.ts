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
} from '@internal/plugin-kafka-hub-common';
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
} from '@internal/plugin-kafka-hub-common';
import type {
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
    if (request.limit !== undefined) query.set('limit', String(request.limit));
    if (request.offset) query.set('offset', String(request.offset));
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

  // Claims

  private static pageQuery(request: { limit?: number; offset?: number }) {
    const query = new URLSearchParams();
    if (request.limit !== undefined) query.set('limit', String(request.limit));
    if (request.offset) query.set('offset', String(request.offset));
    const search = query.toString();
    return search ? `?${search}` : '';
  }

  listNamespaceClaims(
    request: { limit?: number; offset?: number } = {},
  ): Promise<NamespaceClaimList> {
    return this.request<NamespaceClaimList>(
      `/admin/claims${KafkaHubClient.pageQuery(request)}`,
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
      `/admin/link-errors${KafkaHubClient.pageQuery(request)}`,
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
    if (request.limit !== undefined) query.set('limit', String(request.limit));
    if (request.offset) query.set('offset', String(request.offset));
    const search = query.toString();
    return this.request<SchemaSubjectList>(
      `/schemas${search ? `?${search}` : ''}`,
    );
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
    request: ListSchemaVersionsRequest = {},
  ): Promise<SchemaVersionList> {
    const query = new URLSearchParams();
    if (request.limit !== undefined) query.set('limit', String(request.limit));
    if (request.offset) query.set('offset', String(request.offset));
    const search = query.toString();
    return this.request<SchemaVersionList>(
      `${KafkaHubClient.schemaPath(environment, subject)}/versions${
        search ? `?${search}` : ''
      }`,
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
    if (request.limit !== undefined) query.set('limit', String(request.limit));
    if (request.offset) query.set('offset', String(request.offset));
    const search = query.toString();
    return this.request<ConsumerGroupList>(
      `/consumer-groups${search ? `?${search}` : ''}`,
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
    const search = query.toString();
    return this.request<ConsumerGroupsSummary>(
      `/consumer-groups/summary${search ? `?${search}` : ''}`,
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
