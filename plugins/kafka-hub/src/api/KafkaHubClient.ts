import { FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { HealthResponse } from '@internal/plugin-kafka-hub-common';
import { KafkaHubApi } from './KafkaHubApi';

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

  private async get<T>(path: string): Promise<T> {
    const response = await this.fetchApi.fetch(`plugin://kafka-hub${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  getHealth(): Promise<HealthResponse> {
    return this.get<HealthResponse>('/health');
  }
}
