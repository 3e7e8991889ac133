import { HttpAuthService } from '@backstage/backend-plugin-api';
import { ConfiguredEnvironmentList } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { EnvironmentConfig } from '../config/types';
import { KafkaHubRouter } from './kafkaHubRouter';

export interface EnvironmentRoutesOptions {
  httpAuth: HttpAuthService;
  environments: Pick<EnvironmentConfig, 'name' | 'schemaRegistry'>[];
}

/**
 * `GET /environments`: the configured environments and whether each has a
 * Schema Registry, for the environment filters. Read from the config
 * once, never probed, so it answers at once whatever the clusters do
 * (`GET /health` waits for every check).
 */
export function environmentRoutes(
  router: KafkaHubRouter,
  options: EnvironmentRoutesOptions,
): void {
  const { httpAuth } = options;
  // Names and a yes/no only: no URL, broker or credential leaves here.
  const body: ConfiguredEnvironmentList = {
    items: options.environments.map(env => ({
      name: env.name,
      hasSchemaRegistry: env.schemaRegistry !== undefined,
    })),
  };

  router.get('/environments', async (req, res) => {
    // Signed-in callers only, and no permission beyond that: every Kafka
    // Hub page names the environments (in its rows and filters) to anyone
    // who may open it, and `GET /health` shows them to every caller too.
    // `kafka-hub.entity.read` is decided per catalog entity, which an
    // environment is not; `kafka-hub.admin.read` would leave everyone
    // else's filters without the environments that have no data yet.
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(body);
  });
}
