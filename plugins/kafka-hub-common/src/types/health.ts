/**
 * Reachability of one service of an environment, as `GET /health` reports it.
 *
 * @public
 */
export interface ServiceHealth {
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

/** @public */
export interface EnvironmentHealth {
  environment: string;
  checkedAt: string;
  kafka: ServiceHealth;
  schemaRegistry: ServiceHealth;
}

/** @public */
export interface HealthResponse {
  /** False when the app-config has no `kafkaHub.environments`. */
  configured: boolean;
  environments: EnvironmentHealth[];
}
