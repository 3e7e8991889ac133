import { createApiRef } from '@backstage/core-plugin-api';
import {
  ConfiguredEnvironmentList,
  HealthResponse,
  KafkaHubTaskRunList,
  KafkaApplicationDetail,
  KafkaApplicationTopics,
  KafkaApplicationList,
  KafkaMessageList,
  KafkaMessageStart,
  KafkaTopicList,
  KafkaTopicListSort,
  ProvisioningStatus,
  RetryAllFailedResponse,
  RetryProvisioningResponse,
  SchemaCompatibilityRequest,
  SchemaCompatibilityResult,
  SchemaFormat,
  SchemaStatus,
  SchemaSubjectDetail,
  SchemaSubjectList,
  SchemaSummary,
  SchemaVersionList,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import type {
  EntityLinkErrors,
  EntityLinkErrorsList,
  NamespaceClaimList,
  ReleaseNamespaceClaimResponse,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import type {
  ConsumerGroupDetail,
  ConsumerGroupLifecycle,
  ConsumerGroupList,
  ConsumerGroupsSummary,
  ConsumerGroupState,
  LagHistory,
  LagHistoryBy,
  LagHistoryRange,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';

/**
 * Filters, order and page of `listTopics`; each filter narrows the list.
 *
 * @public
 */
export interface ListTopicsRequest {
  /**
   * Only topics of these entities. Undefined: every topic the caller may
   * read. An empty array matches nothing (no request is made).
   */
  entityRefs?: string[];
  /** Only topics of this owner's applications (a Group's entity ref). */
  owner?: string;
  /** Only topics of this environment. */
  environment?: string;
  /** Text searched in topic names, case-insensitively. */
  search?: string;
  /** true: only topics undeclared or with fewer partitions than declared; false: only those as declared. */
  drift?: boolean;
  /** true: only topics with under-replicated or offline partitions; false: only healthy ones. */
  underReplicated?: boolean;
  /** `name` (the backend's default) ascending; `size` and `messages` descending. */
  sort?: KafkaTopicListSort;
  /** Page size, 1 to 200; the backend's default is 50. */
  limit?: number;
  /** Topics to skip, for the next pages. */
  offset?: number;
}

/**
 * Filters, order and page of `listConsumerGroups`; each filter narrows the list.
 *
 * @public
 */
export interface ListConsumerGroupsRequest {
  /**
   * Only groups linked to these entities. Undefined: every group the caller
   * may read. An empty array matches nothing (no request is made).
   */
  entityRefs?: string[];
  /** Only groups of this owner's applications (a Group's entity ref). */
  owner?: string;
  /** Only groups of this environment. */
  environment?: string;
  /** Only groups in this state, as the broker reports it. */
  state?: ConsumerGroupState;
  /** Only groups in this lifecycle (`active`, `inactive` or `archived`). */
  lifecycle?: ConsumerGroupLifecycle;
  /** true: only groups with lag; false: only groups without. */
  hasLag?: boolean;
  /** Text searched in group ids, case-insensitively. */
  search?: string;
  /** `lag` (the backend's default) and `timeLag` are descending, `name` ascending. */
  sort?: 'lag' | 'timeLag' | 'name';
  /** Page size, 1 to 500; the backend's default is 50. */
  limit?: number;
  /** Groups to skip, for the next pages. */
  offset?: number;
}

/**
 * Scope of `getConsumerGroupSummary`.
 *
 * @public
 */
export interface ConsumerGroupSummaryRequest {
  /** Only groups of these entities (an empty array counts nothing). */
  entityRefs?: string[];
  /** Only groups of this owner's applications (a Group's entity ref). */
  owner?: string;
  /** Only groups of this environment. */
  environment?: string;
}

/**
 * Filters of `listApplications`; each one narrows the list.
 *
 * @public
 */
export interface ListApplicationsRequest {
  /** Only this entity's application. */
  entityRef?: string;
  /** Owner entity ref, e.g. `group:default/team-orders`. */
  owner?: string;
  /** Only applications with one of these provisioning statuses. */
  status?: ProvisioningStatus[];
  /** Page size, 1 to 500; the backend's default is 50. */
  limit?: number;
  /** Applications to skip, for the next pages. */
  offset?: number;
}

/** The largest page of `listApplications` the backend serves. */
export const MAX_APPLICATIONS_PAGE = 500;

/**
 * A page of `listSchemaVersions`, newest first.
 *
 * @public
 */
export interface ListSchemaVersionsRequest {
  /** Versions per page, 1 to 500; the backend's default is 100. */
  limit?: number;
  /** Newer versions to skip. */
  offset?: number;
}

/**
 * Filters and page of `listSchemas`; each filter narrows the list.
 *
 * @public
 */
export interface ListSchemasRequest {
  /**
   * Only subjects linked to these entities. Undefined: every subject the
   * caller may read. An empty array matches nothing (no request is made).
   */
  entityRefs?: string[];
  /** Only subjects of this owner's applications (a Group's entity ref). */
  owner?: string;
  /** Only subjects of this environment. */
  environment?: string;
  /** Only subjects whose latest version has one of these formats. */
  formats?: SchemaFormat[];
  /** Only subjects with one of these statuses. */
  statuses?: SchemaStatus[];
  /** Text searched in subject names, case-insensitively (at most 200 characters). */
  search?: string;
  /** Page size, 1 to 500; the backend's default is 50. */
  limit?: number;
  /** Subjects to skip, for the next pages. */
  offset?: number;
}

/**
 * What to read of a topic: the latest `limit` messages of each partition
 * (the default), or up to `limit` per partition from an offset or a time.
 *
 * @public
 */
export interface ReadTopicMessagesRequest {
  /** The environment to read in. */
  environment: string;
  /** Only this partition; all by default. */
  partition?: number;
  /** Where each partition starts: `latest` by default. */
  start?: KafkaMessageStart;
  /** With `start: 'offset'`. */
  offset?: string;
  /** With `start: 'timestamp'`: an ISO 8601 date-time. */
  timestamp?: string;
  /** Messages per partition. */
  limit?: number;
}

/**
 * The Kafka Hub backend, as the frontend sees it.
 *
 * @public
 */
export interface KafkaHubApi {
  /** Each environment's cluster and registry health, checked live. */
  getHealth(): Promise<HealthResponse>;
  /**
   * The configured environments and whether each has a Schema Registry,
   * read from the backend's config without probing anything: for filters.
   */
  listEnvironments(): Promise<ConfiguredEnvironmentList>;
  /** One page of the applications the caller may read, by entity ref. */
  listApplications(
    request?: ListApplicationsRequest,
  ): Promise<KafkaApplicationList>;
  /** One application; run history for admins. */
  getApplication(entityRef: string): Promise<KafkaApplicationDetail>;
  /**
   * Per environment, the topics of the application's namespace as the
   * topic sampler last stored them, with the drift against its declaration.
   */
  getApplicationTopics(entityRef: string): Promise<KafkaApplicationTopics>;
  /**
   * Decoded messages of one of the application's topics in one environment
   * (`kafka-hub.messages.read` on the entity), bounded by the backend.
   */
  readTopicMessages(
    entityRef: string,
    topic: string,
    request: ReadTopicMessagesRequest,
  ): Promise<KafkaMessageList>;
  /**
   * One page of the topics of every application the caller may read, as
   * the topic samplers last stored them, with their drift as of the sample.
   */
  listTopics(request?: ListTopicsRequest): Promise<KafkaTopicList>;
  /**
   * Starts a provisioning run of the environments that did not succeed
   * (`all` re-runs every one). Resolves as soon as the run is claimed.
   */
  retryProvisioning(
    entityRef: string,
    options?: { all?: boolean },
  ): Promise<RetryProvisioningResponse>;
  /** Starts a run of every failed or partial application (admins). */
  retryAllFailed(): Promise<RetryAllFailedResponse>;
  /**
   * The last run of every scheduled task, with how it ended: the sync
   * tasks per environment and provisioning's across them (admins).
   */
  listTaskRuns(): Promise<KafkaHubTaskRunList>;

  // Claims

  /** One page of the namespace claims, by slug (admins). */
  listNamespaceClaims(request?: {
    limit?: number;
    offset?: number;
  }): Promise<NamespaceClaimList>;
  /**
   * Releases a namespace claim, so the next entity declaring the slug can
   * claim it (needs `kafka-hub.admin.retry`; audited).
   */
  releaseNamespaceClaim(
    application: string,
  ): Promise<ReleaseNamespaceClaimResponse>;
  /** One entity's link annotations that link nothing. */
  getLinkErrors(entityRef: string): Promise<EntityLinkErrors>;
  /** One page of the entities with link errors (admins). */
  listLinkErrors(request?: {
    limit?: number;
    offset?: number;
  }): Promise<EntityLinkErrorsList>;

  // Schemas

  /** One page of the schema subjects the caller may read. */
  listSchemas(request?: ListSchemasRequest): Promise<SchemaSubjectList>;
  /**
   * Totals by format and status of the subjects the caller may read,
   * optionally of these entities only (an empty array counts nothing) or
   * of one owner's applications.
   */
  getSchemaSummary(request?: {
    entityRefs?: string[];
    owner?: string;
  }): Promise<SchemaSummary>;
  /** One subject with its compatibility level and references. */
  getSchemaSubject(
    environment: string,
    subject: string,
  ): Promise<SchemaSubjectDetail>;
  /**
   * One page of the stored versions of a subject, deleted ones included,
   * newest first, with their total.
   */
  listSchemaVersions(
    environment: string,
    subject: string,
    request?: ListSchemaVersionsRequest,
  ): Promise<SchemaVersionList>;
  /** Checks a proposed schema in the subject's registry, against the versions its level covers. */
  checkSchemaCompatibility(
    environment: string,
    subject: string,
    request: SchemaCompatibilityRequest,
  ): Promise<SchemaCompatibilityResult>;

  // Consumer groups

  /** One page of the consumer groups the caller may read, with their latest lag. */
  listConsumerGroups(
    request?: ListConsumerGroupsRequest,
  ): Promise<ConsumerGroupList>;
  /** Counts by state, status and lifecycle, total lag and groups with lag. */
  getConsumerGroupSummary(
    request?: ConsumerGroupSummaryRequest,
  ): Promise<ConsumerGroupsSummary>;
  /** One group with its members and the latest offsets of every partition. */
  getConsumerGroup(
    environment: string,
    groupId: string,
  ): Promise<ConsumerGroupDetail>;
  /**
   * Lag history of a group over a range, bucketed on the server, with the
   * member count and state per bucket; `by` adds the lag per topic or of
   * the top 10 partitions.
   */
  getConsumerGroupLag(
    environment: string,
    groupId: string,
    range: LagHistoryRange,
    by?: LagHistoryBy,
  ): Promise<LagHistory>;
}

/**
 * The Kafka Hub API: apps get `KafkaHubClient` from the plugin; tests and
 * dev apps may provide their own.
 *
 * @public
 */
export const kafkaHubApiRef = createApiRef<KafkaHubApi>({
  id: 'plugin.kafka-hub.service',
});
