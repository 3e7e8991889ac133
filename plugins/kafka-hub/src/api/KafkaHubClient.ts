import { FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  HealthResponse,
  KafkaApplicationDetail,
  KafkaApplicationList,
  RetryAllFailedResponse,
  RetryProvisioningResponse,
} from '@internal/plugin-kafka-hub-common';
import { KafkaHubApi, ListApplicationsRequest } from './KafkaHubApi';

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
}
