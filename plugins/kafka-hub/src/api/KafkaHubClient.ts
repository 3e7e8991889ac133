import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  CONSUMER_GROUP_LIFECYCLES,
  CONSUMER_GROUP_STATES,
  CONSUMER_GROUP_STATUSES,
  ConfiguredEnvironmentList,
  HealthResponse,
  KafkaHubTaskRunList,
  KafkaApplicationDetail,
  KafkaApplicationTopics,
  KafkaTopicList,
  KafkaApplicationList,
  KafkaMessageList,
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
  ReadTopicMessagesRequest,
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
  LagHistoryBy,
  LagHistoryRange,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import type {
  ConsumerGroupSummaryRequest,
  ListConsumerGroupsRequest,
  ListTopicsRequest,
} from './KafkaHubApi';
import { DefaultApiClient } from '../schema/openapi';

/** The backend's default page of `GET /topics`. */
const DEFAULT_TOPIC_PAGE = 50;

/** The backend's default page of `GET /consumer-groups`. */
const DEFAULT_CONSUMER_GROUP_PAGE = 50;

/**
 * Talks to the Kafka Hub backend through the client generated from its
 * OpenAPI contract, over the app's fetchApi (which adds the user's token).
 * Without a discoveryApi the requests go to `plugin://kafka-hub`, which the
 * app's fetchApi resolves through discovery.
 *
 * @public
 */
export class KafkaHubClient implements KafkaHubApi {
  private readonly api: DefaultApiClient;

  constructor(options: { discoveryApi?: DiscoveryApi; fetchApi: FetchApi }) {
    this.api = new DefaultApiClient({
      discoveryApi: options.discoveryApi ?? {
        getBaseUrl: async pluginId => `plugin://${pluginId}`,
      },
      fetchApi: options.fetchApi,
    });
  }

  /** The body of a successful answer; a ResponseError otherwise. */
  private async body<T>(answer: Promise<Response>): Promise<T> {
    const response = await answer;
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  /** {@inheritDoc KafkaHubApi.getHealth} */
  getHealth(): Promise<HealthResponse> {
    return this.body(this.api.getHealth({}));
  }

  /** {@inheritDoc KafkaHubApi.listEnvironments} */
  listEnvironments(): Promise<ConfiguredEnvironmentList> {
    return this.body(this.api.listEnvironments({}));
  }

  /** {@inheritDoc KafkaHubApi.listApplications} */
  listApplications(
    request: ListApplicationsRequest = {},
  ): Promise<KafkaApplicationList> {
    return this.body(
      this.api.listApplications({
        query: {
          entityRef: request.entityRef || undefined,
          owner: request.owner || undefined,
          status: request.status?.length ? request.status : undefined,
          ...page(request),
        },
      }),
    );
  }

  /** {@inheritDoc KafkaHubApi.getApplication} */
  getApplication(entityRef: string): Promise<KafkaApplicationDetail> {
    return this.body(this.api.getApplication({ path: { entityRef } }));
  }

  /** {@inheritDoc KafkaHubApi.getApplicationTopics} */
  getApplicationTopics(entityRef: string): Promise<KafkaApplicationTopics> {
    return this.body(this.api.getApplicationTopics({ path: { entityRef } }));
  }

  /** {@inheritDoc KafkaHubApi.readTopicMessages} */
  readTopicMessages(
    entityRef: string,
    topic: string,
    request: ReadTopicMessagesRequest,
  ): Promise<KafkaMessageList> {
    return this.body(
      this.api.readTopicMessages({
        path: { entityRef, topic },
        query: request,
      }),
    );
  }

  /** {@inheritDoc KafkaHubApi.listTopics} */
  listTopics(request: ListTopicsRequest = {}): Promise<KafkaTopicList> {
    if (request.entityRefs && request.entityRefs.length === 0) {
      return Promise.resolve({
        items: [],
        total: 0,
        limit: request.limit ?? DEFAULT_TOPIC_PAGE,
        offset: request.offset ?? 0,
      });
    }
    return this.body(
      this.api.listTopics({
        query: {
          entityRef: distinct(request.entityRefs),
          owner: request.owner || undefined,
          environment: request.environment || undefined,
          search: request.search?.trim() || undefined,
          drift: request.drift,
          underReplicated: request.underReplicated,
          sort: request.sort,
          ...page(request),
        },
      }),
    );
  }

  /** {@inheritDoc KafkaHubApi.retryProvisioning} */
  retryProvisioning(
    entityRef: string,
    options: { all?: boolean } = {},
  ): Promise<RetryProvisioningResponse> {
    return this.body(
      this.api.retryProvisioning({
        path: { entityRef },
        query: { all: options.all || undefined },
      }),
    );
  }

  /** {@inheritDoc KafkaHubApi.retryAllFailed} */
  retryAllFailed(): Promise<RetryAllFailedResponse> {
    return this.body(this.api.retryAllFailed({}));
  }

  /** {@inheritDoc KafkaHubApi.listTaskRuns} */
  listTaskRuns(): Promise<KafkaHubTaskRunList> {
    return this.body(this.api.listTaskRuns({}));
  }

  // Claims

  /** {@inheritDoc KafkaHubApi.listNamespaceClaims} */
  listNamespaceClaims(
    request: { limit?: number; offset?: number } = {},
  ): Promise<NamespaceClaimList> {
    return this.body(this.api.listNamespaceClaims({ query: page(request) }));
  }

  /** {@inheritDoc KafkaHubApi.releaseNamespaceClaim} */
  releaseNamespaceClaim(
    application: string,
  ): Promise<ReleaseNamespaceClaimResponse> {
    return this.body(this.api.releaseNamespaceClaim({ path: { application } }));
  }

  /** {@inheritDoc KafkaHubApi.getLinkErrors} */
  getLinkErrors(entityRef: string): Promise<EntityLinkErrors> {
    return this.body(this.api.getLinkErrors({ path: { entityRef } }));
  }

  /** {@inheritDoc KafkaHubApi.listLinkErrors} */
  listLinkErrors(
    request: { limit?: number; offset?: number } = {},
  ): Promise<EntityLinkErrorsList> {
    return this.body(this.api.listLinkErrors({ query: page(request) }));
  }

  // Schemas

  /** {@inheritDoc KafkaHubApi.listSchemas} */
  listSchemas(request: ListSchemasRequest = {}): Promise<SchemaSubjectList> {
    const limit = request.limit ?? 50;
    const offset = request.offset ?? 0;
    if (request.entityRefs && request.entityRefs.length === 0) {
      return Promise.resolve({ items: [], total: 0, limit, offset });
    }
    return this.body(
      this.api.listSchemas({
        query: {
          entityRef: request.entityRefs,
          owner: request.owner || undefined,
          environment: request.environment || undefined,
          format: request.formats?.length ? request.formats : undefined,
          status: request.statuses?.length ? request.statuses : undefined,
          search: request.search?.trim() || undefined,
          ...page(request),
        },
      }),
    );
  }

  /** {@inheritDoc KafkaHubApi.getSchemaSummary} */
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
    return this.body(
      this.api.getSchemaSummary({
        query: {
          entityRef: request.entityRefs,
          owner: request.owner || undefined,
        },
      }),
    );
  }

  /** {@inheritDoc KafkaHubApi.getSchemaSubject} */
  getSchemaSubject(
    environment: string,
    subject: string,
  ): Promise<SchemaSubjectDetail> {
    return this.body(
      this.api.getSchemaSubject({ path: { environment, subject } }),
    );
  }

  /** {@inheritDoc KafkaHubApi.listSchemaVersions} */
  listSchemaVersions(
    environment: string,
    subject: string,
    request: ListSchemaVersionsRequest = {},
  ): Promise<SchemaVersionList> {
    return this.body(
      this.api.listSchemaVersions({
        path: { environment, subject },
        query: page(request),
      }),
    );
  }

  /** {@inheritDoc KafkaHubApi.checkSchemaCompatibility} */
  checkSchemaCompatibility(
    environment: string,
    subject: string,
    request: SchemaCompatibilityRequest,
  ): Promise<SchemaCompatibilityResult> {
    return this.body(
      this.api.checkSchemaCompatibility({
        path: { environment, subject },
        body: request,
      }),
    );
  }

  // Consumer groups

  /** {@inheritDoc KafkaHubApi.listConsumerGroups} */
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
    return this.body(
      this.api.listConsumerGroups({
        query: {
          entityRef: distinct(request.entityRefs),
          owner: request.owner || undefined,
          environment: request.environment || undefined,
          state: request.state,
          lifecycle: request.lifecycle,
          hasLag: request.hasLag,
          search: request.search?.trim() || undefined,
          sort: request.sort,
          ...page(request),
        },
      }),
    );
  }

  /** {@inheritDoc KafkaHubApi.getConsumerGroupSummary} */
  getConsumerGroupSummary(
    request: ConsumerGroupSummaryRequest = {},
  ): Promise<ConsumerGroupsSummary> {
    if (request.entityRefs && request.entityRefs.length === 0) {
      return Promise.resolve(emptyConsumerGroupsSummary());
    }
    return this.body(
      this.api.getConsumerGroupSummary({
        query: {
          entityRef: distinct(request.entityRefs),
          owner: request.owner || undefined,
          environment: request.environment || undefined,
        },
      }),
    );
  }

  /** {@inheritDoc KafkaHubApi.getConsumerGroup} */
  getConsumerGroup(
    environment: string,
    groupId: string,
  ): Promise<ConsumerGroupDetail> {
    return this.body(
      this.api.getConsumerGroup({ path: { environment, groupId } }),
    );
  }

  /** {@inheritDoc KafkaHubApi.getConsumerGroupLag} */
  getConsumerGroupLag(
    environment: string,
    groupId: string,
    range: LagHistoryRange,
    by?: LagHistoryBy,
  ): Promise<LagHistory> {
    return this.body(
      this.api.getConsumerGroupLag({
        path: { environment, groupId },
        // The total is the default: its requests stay as they were.
        query: by && by !== 'total' ? { range, by } : { range },
      }),
    );
  }
}

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

/** A paged request's `limit`, and its `offset` unless 0. */
function page(request: { limit?: number; offset?: number }): {
  limit?: number;
  offset?: number;
} {
  return { limit: request.limit, offset: request.offset || undefined };
}

/** The refs once each; undefined stays undefined (every entity). */
function distinct(refs: string[] | undefined): string[] | undefined {
  return refs && [...new Set(refs)];
}
