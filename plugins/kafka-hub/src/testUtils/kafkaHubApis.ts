import { mockApis } from '@backstage/frontend-test-utils';
import { kafkaHubApiRef, KafkaHubClient } from '../api';

/** The real client over a fetchApi that resolves plugin:// like the app does; msw answers. */
export const kafkaHubTestApi = () =>
  [
    kafkaHubApiRef,
    new KafkaHubClient({
      fetchApi: mockApis.fetch({
        resolvePluginProtocol: {
          discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
        },
      }),
    }),
  ] as const;

export const HEALTH_URL = 'http://localhost:7007/api/kafka-hub/health';
