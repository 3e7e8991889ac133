import { HttpAuthService } from '@backstage/backend-plugin-api';
import { ConsumerGroupsApi } from '../api/ConsumerGroupsApi';
import { AnyRequest, KafkaHubRouter } from './kafkaHubRouter';

export interface ConsumerGroupRoutesOptions {
  httpAuth: HttpAuthService;
  api: ConsumerGroupsApi;
}

/**
 * `/consumer-groups` routes ({@link ConsumerGroupsApi}). Every route needs
 * a signed-in user or a service. Parameters are checked by the contract
 * (`src/schema/openapi.yaml`).
 */
export function consumerGroupRoutes(
  router: KafkaHubRouter,
  options: ConsumerGroupRoutesOptions,
): void {
  const { httpAuth, api } = options;
  const credentialsOf = (req: AnyRequest) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  router.get('/consumer-groups', async (req, res) => {
    res.json(await api.list(await credentialsOf(req), req.query));
  });

  router.get('/consumer-groups/summary', async (req, res) => {
    res.json(await api.summary(await credentialsOf(req), req.query));
  });

  router.get('/consumer-groups/:environment/:groupId', async (req, res) => {
    res.json(await api.get(await credentialsOf(req), req.params));
  });

  router.get('/consumer-groups/:environment/:groupId/lag', async (req, res) => {
    res.json(
      await api.lag(
        await credentialsOf(req),
        req.params,
        req.query.range,
        req.query.by,
      ),
    );
  });
}
