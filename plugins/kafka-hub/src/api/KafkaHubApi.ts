import { createApiRef } from '@backstage/core-plugin-api';
import {
  HealthResponse,
  KafkaApplicationDetail,
  KafkaApplicationList,
  ProvisioningStatus,
  RetryAllFailedResponse,
  RetryProvisioningResponse,
} from '@internal/plugin-kafka-hub-common';

/**
 * Filters of `listApplications`; each one narrows the list.
 *
 * @public
 */
export interface ListApplicationsRequest {
  entityRef?: string;
  /** Owner entity ref, e.g. `group:default/team-orders`. */
  owner?: string;
  status?: ProvisioningStatus[];
}

/**
 * The Kafka Hub backend, as the frontend sees it.
 *
 * @public
 */
export interface KafkaHubApi {
  getHealth(): Promise<HealthResponse>;
  /** Applications the caller may read. */
  listApplications(
    request?: ListApplicationsRequest,
  ): Promise<KafkaApplicationList>;
  /** One application; run history for admins. */
  getApplication(entityRef: string): Promise<KafkaApplicationDetail>;
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
}

/** @public */
export const kafkaHubApiRef = createApiRef<KafkaHubApi>({
  id: 'plugin.kafka-hub.service',
});
