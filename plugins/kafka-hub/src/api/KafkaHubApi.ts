import { createApiRef } from '@backstage/core-plugin-api';
import { HealthResponse } from '@internal/plugin-kafka-hub-common';

/**
 * The Kafka Hub backend, as the frontend sees it.
 *
 * @public
 */
export interface KafkaHubApi {
  getHealth(): Promise<HealthResponse>;
}

/** @public */
export const kafkaHubApiRef = createApiRef<KafkaHubApi>({
  id: 'plugin.kafka-hub.service',
});
