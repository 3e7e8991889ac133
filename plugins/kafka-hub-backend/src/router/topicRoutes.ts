import { HttpAuthService } from '@backstage/backend-plugin-api';
import { TopicsApi } from '../api/TopicsApi';
import { AnyRequest, KafkaHubRouter } from './kafkaHubRouter';

export interface TopicRoutesOptions {
  httpAuth: HttpAuthService;
  api: TopicsApi;
}

/**
 * Topic routes ({@link TopicsApi}): `GET /applications/:entityRef/topics`,
 * per environment the application's topics with their subjects and drift;
 * `GET /topics`, one page of the topics of every application the caller
 * may read. Parameters are checked by the contract (`src/schema/openapi.yaml`).
 */
export function topicRoutes(
  router: KafkaHubRouter,
  options: TopicRoutesOptions,
): void {
  const { httpAuth, api } = options;
  const credentialsOf = (req: AnyRequest) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  router.get('/applications/:entityRef/topics', async (req, res) => {
    res.json(await api.get(await credentialsOf(req), req.params.entityRef));
  });

  router.get('/topics', async (req, res) => {
    res.json(await api.list(await credentialsOf(req), req.query));
  });
}
