import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EnvironmentHealth,
  HealthResponse,
  ServiceHealth,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { KafkaHubConfig } from '../config/types';
import {
  ClusterHealthStore,
  HealthService,
} from '../database/ClusterHealthStore';
import { checkKafka } from './checkKafka';
import { checkSchemaRegistry } from './checkSchemaRegistry';

/**
 * Live reachability of every configured environment. Concurrent callers
 * share one round of checks, so a page refreshed by many users opens one
 * connection per cluster, not one per request.
 */
export class HealthChecker {
  private inFlight?: Promise<HealthResponse>;

  constructor(
    private readonly config: KafkaHubConfig,
    private readonly store: ClusterHealthStore,
    private readonly logger: LoggerService,
  ) {}

  check(): Promise<HealthResponse> {
    if (!this.inFlight) {
      this.inFlight = this.checkAll().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  private async checkAll(): Promise<HealthResponse> {
    const environments = await Promise.all(
      this.config.environments.map(async env => {
        const timeoutMs = this.config.health.timeoutMs;
        const [kafka, schemaRegistry] = await Promise.all([
          checkKafka(env.kafka, this.logger, timeoutMs),
          checkSchemaRegistry(env.schemaRegistry, timeoutMs),
        ]);
        const checkedAt = new Date();
        const result: EnvironmentHealth = {
          environment: env.name,
          checkedAt: checkedAt.toISOString(),
          kafka: await this.remember(env.name, 'kafka', kafka, checkedAt),
          schemaRegistry: await this.remember(
            env.name,
            'schema-registry',
            schemaRegistry,
            checkedAt,
          ),
        };
        return result;
      }),
    );
    return { configured: this.config.environments.length > 0, environments };
  }

  /** Stores the observation; a database hiccup must not hide the live result. */
  private async remember(
    environment: string,
    service: HealthService,
    health: ServiceHealth,
    checkedAt: Date,
  ): Promise<ServiceHealth> {
    try {
      const since = await this.store.record({
        environment,
        service,
        status: health.status,
        error: health.error,
        checkedAt,
      });
      return { ...health, since: since.toISOString() };
    } catch (error) {
      this.logger.warn(
        `Could not record health of ${service} in ${environment}: ${error}`,
      );
      return health;
    }
  }
}
