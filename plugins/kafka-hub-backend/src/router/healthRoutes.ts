import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  HealthResponse,
  ServiceHealth,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { HealthChecker } from '../health/HealthChecker';
import { briefError, errorDetailFor } from './errorDetail';
import { KafkaHubRouter } from './kafkaHubRouter';

export interface HealthRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  healthChecker: HealthChecker;
}

/**
 * `GET /health`: live reachability of each environment's Kafka cluster and
 * Schema Registry. Any signed-in user or service may read it; error texts
 * beyond their first line are for admins.
 */
export function healthRoutes(
  router: KafkaHubRouter,
  options: HealthRoutesOptions,
): void {
  const { httpAuth, permissions, healthChecker } = options;

  router.get('/health', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [health, detail] = await Promise.all([
      healthChecker.check(),
      errorDetailFor(credentials, permissions),
    ]);
    const tier = (service: ServiceHealth): ServiceHealth =>
      detail === 'full'
        ? service
        : { ...service, error: briefError(service.error) };
    const body: HealthResponse = {
      configured: health.configured,
      environments: health.environments.map(env => ({
        ...env,
        kafka: tier(env.kafka),
        schemaRegistry: tier(env.schemaRegistry),
      })),
    };
    res.json(body);
  });
}
