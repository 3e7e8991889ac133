/**
 * One configured environment, as `GET /environments` lists it: read from
 * the app-config, never probed, with no connection detail.
 *
 * @public
 */
export interface ConfiguredEnvironment {
  /** The environment's name. */
  name: string;
  /** Whether it has a Schema Registry: only those have schemas. */
  hasSchemaRegistry: boolean;
}

/**
 * The answer of `GET /environments`.
 *
 * @public
 */
export interface ConfiguredEnvironmentList {
  /**
   * Every configured environment, in the app-config's order; empty when
   * `kafkaHub.environments` is not configured.
   */
  items: ConfiguredEnvironment[];
}
