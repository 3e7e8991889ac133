import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { kafkaHubPermissions } from '@internal/plugin-kafka-hub-common';
import { readKafkaHubConfig } from './config/readKafkaHubConfig';
import { ClusterHealthStore } from './database/ClusterHealthStore';
import { applyDatabaseMigrations } from './database/migrations';
import { HealthChecker } from './health/HealthChecker';
import { createRouter } from './router/createRouter';

/**
 * Kafka Hub backend plugin: `/api/kafka-hub`.
 *
 * @public
 */
export const kafkaHubPlugin = createBackendPlugin({
  pluginId: 'kafka-hub',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({
        config,
        logger,
        database,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
      }) {
        const kafkaHubConfig = readKafkaHubConfig(config);
        if (kafkaHubConfig.environments.length === 0) {
          logger.warn(
            'No kafkaHub.environments configured; Kafka Hub pages will say that nothing is configured',
          );
        } else {
          logger.info(
            `Kafka Hub environments: ${kafkaHubConfig.environments
              .map(e => e.name)
              .join(', ')}`,
          );
        }

        permissionsRegistry.addPermissions(kafkaHubPermissions);

        const db = await applyDatabaseMigrations(database);
        const healthChecker = new HealthChecker(
          kafkaHubConfig,
          new ClusterHealthStore(db),
          logger,
        );

        httpRouter.use(
          await createRouter({ httpAuth, permissions, healthChecker }),
        );
      },
    });
  },
});
