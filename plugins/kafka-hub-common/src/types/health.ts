/**
 * Reachability of one service of an environment, as `GET /health` reports it.
 *
 * @public
 */
export interface ServiceHealth {
  /** Whether the service answered, did not, or is not configured. */
  status: 'up' | 'down' | 'not-configured';
  /** Round-trip time of the check, when it completed. */
  latencyMs?: number;
  /** The error when down: the client's own message, never credentials. */
  error?: string;
  /** Since when the service has had this status (first check that saw it). */
  since?: string;
  /** Non-secret facts gathered by the check. */
  details?: Record<string, string | number | boolean>;
}

/**
 * Reachability of one environment's Kafka cluster and Schema Registry.
 *
 * @public
 */
export interface EnvironmentHealth {
  /** The environment's name. */
  environment: string;
  /** When the check ran (ISO 8601). */
  checkedAt: string;
  /** The Kafka cluster's health. */
  kafka: ServiceHealth;
  /** The Schema Registry's health. */
  schemaRegistry: ServiceHealth;
}

/**
 * The answer of `GET /health`.
 *
 * @public
 */
export interface HealthResponse {
  /** False when the app-config has no `kafkaHub.environments`. */
  configured: boolean;
  /** One entry per configured environment. */
  environments: EnvironmentHealth[];
}
