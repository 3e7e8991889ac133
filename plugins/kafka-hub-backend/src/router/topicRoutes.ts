import { HttpAuthService } from '@backstage/backend-plugin-api';
import { TopicsApi } from '../api/TopicsApi';
import { KafkaHubRouter } from './kafkaHubRouter';

export interface TopicRoutesOptions {
  httpAuth: HttpAuthService;
  api: TopicsApi;
}

/**
 * `GET /applications/:entityRef/topics` ({@link TopicsApi}): per
 * environment, the application's topics with their subjects and drift.
 */
export function topicRoutes(
  router: KafkaHubRouter,
  options: TopicRoutesOptions,
): void {
  const { httpAuth, api } = options;
  router.get('/applications/:entityRef/topics', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await api.get(credentials, req.params.entityRef));
  });
}
