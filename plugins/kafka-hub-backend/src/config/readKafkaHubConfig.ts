import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DEFAULT_NAMESPACE_PATTERN,
  ENVIRONMENT_NAME_PATTERN,
} from '@internal/plugin-kafka-hub-common';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import {
  EnvironmentConfig,
  KafkaHubConfig,
  KafkaSaslConfig,
  ProvisioningConfig,
  SchemaRegistryConfig,
  SchemasConfig,
} from './types';

const APPLICATION_PLACEHOLDER = '{application}';

const SASL_MECHANISMS: ReadonlyArray<KafkaSaslConfig['mechanism']> = [
  'plain',
  'scram-sha-256',
  'scram-sha-512',
];

function readPositiveInt(
  config: Config,
  key: string,
  path: string,
  fallback: number,
): number {
  const value = config.getOptionalNumber(key);
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new InputError(
      `${path}.${key} must be a positive whole number, got ${value}`,
    );
  }
  return value;
}

function readWholeNumber(
  config: Config | undefined,
  key: string,
  path: string,
  fallback: number,
): number {
  const value = config?.getOptionalNumber(key);
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new InputError(
      `${path}.${key} must be a whole number of 0 or more, got ${value}`,
    );
  }
  return value;
}

function readSchemaRegistry(
  config: Config | undefined,
  path: string,
): SchemaRegistryConfig | undefined {
  if (!config) return undefined;
  const url = config.getString('url');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`${path}.url is not a valid URL: "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InputError(`${path}.url must use http or https: "${url}"`);
  }
  const username = config.getOptionalString('username');
  const password = config.getOptionalString('password');
  if ((username === undefined) !== (password === undefined)) {
    throw new InputError(
      `${path} needs both username and password, or neither`,
    );
  }
  return {
    url: url.replace(/\/+$/, ''),
    username,
    password,
    timeoutMs: readPositiveInt(config, 'timeoutMs', path, 10_000),
  };
}

function readEnvironment(name: string, config: Config): EnvironmentConfig {
  const path = `kafkaHub.environments.${name}`;
  if (!ENVIRONMENT_NAME_PATTERN.test(name)) {
    throw new InputError(
      `${path}: "${name}" is not a valid environment name (letters, digits, '-' and '_')`,
    );
  }
  const kafka = config.getConfig('kafka');
  const brokers = kafka.getStringArray('brokers');
  if (brokers.length === 0) {
    throw new InputError(`${path}.kafka.brokers must list at least one broker`);
  }
  const badBroker = brokers.find(b => !/^[^\s:]+:\d{1,5}$/.test(b));
  if (badBroker !== undefined) {
    throw new InputError(
      `${path}.kafka.brokers: "${badBroker}" is not of the form host:port`,
    );
  }
  const saslConfig = kafka.getOptionalConfig('sasl');
  let sasl: KafkaSaslConfig | undefined;
  if (saslConfig) {
    const mechanism = saslConfig.getString('mechanism').toLowerCase();
    if (!SASL_MECHANISMS.includes(mechanism as KafkaSaslConfig['mechanism'])) {
      throw new InputError(
        `${path}.kafka.sasl.mechanism must be one of ${SASL_MECHANISMS.join(
          ', ',
        )}, got "${mechanism}"`,
      );
    }
    sasl = {
      mechanism: mechanism as KafkaSaslConfig['mechanism'],
      username: saslConfig.getString('username'),
      password: saslConfig.getString('password'),
    };
  }
  return {
    name,
    kafka: {
      brokers,
      clientId: kafka.getOptionalString('clientId') ?? 'backstage-kafka-hub',
      ssl: kafka.getOptionalBoolean('ssl') ?? false,
      sasl,
      connectionTimeoutMs: readPositiveInt(
        kafka,
        'connectionTimeoutMs',
        `${path}.kafka`,
        3_000,
      ),
      requestTimeoutMs: readPositiveInt(
        kafka,
        'requestTimeoutMs',
        `${path}.kafka`,
        10_000,
      ),
    },
    schemaRegistry: readSchemaRegistry(
      config.getOptionalConfig('schemaRegistry'),
      `${path}.schemaRegistry`,
    ),
  };
}

/** A pattern that must contain `{application}`, so every application gets its own. */
function readPattern(
  config: Config | undefined,
  key: string,
  path: string,
  fallback: string,
): string {
  const value = config?.getOptionalString(key);
  if (value === undefined) return fallback;
  if (!value.includes(APPLICATION_PLACEHOLDER)) {
    throw new InputError(
      `${path}.${key} must contain ${APPLICATION_PLACEHOLDER}, got "${value}"`,
    );
  }
  return value;
}

function readDurationMs(
  config: Config | undefined,
  key: string,
  path: string,
  fallback: HumanDuration,
): number {
  if (!config?.has(key)) return durationToMilliseconds(fallback);
  try {
    return durationToMilliseconds(readDurationFromConfig(config, { key }));
  } catch (error) {
    throw new InputError(
      `${path}.${key} is not a valid duration: ${(error as Error).message}`,
    );
  }
}

function readSchedule(
  config: Config | undefined,
  key: string,
  path: string,
  fallback: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  if (!config?.has(key)) return fallback;
  try {
    return readSchedulerServiceTaskScheduleDefinitionFromConfig(
      config.getConfig(key),
    );
  } catch (error) {
    throw new InputError(
      `${path}.${key} is not a valid schedule: ${(error as Error).message}`,
    );
  }
}

function readProvisioning(config: Config | undefined): ProvisioningConfig {
  const path = 'kafkaHub.provisioning';
  const int = (key: string, fallback: number) =>
    config ? readPositiveInt(config, key, path, fallback) : fallback;
  const initialBackoffMs = readDurationMs(config, 'initialBackoff', path, {
    minutes: 1,
  });
  const maxBackoffMs = readDurationMs(config, 'maxBackoff', path, {
    hours: 1,
  });
  if (maxBackoffMs < initialBackoffMs) {
    throw new InputError(
      `${path}.maxBackoff must not be shorter than ${path}.initialBackoff`,
    );
  }
  return {
    defaultPartitions: int('defaultPartitions', 3),
    replicationFactor: int('replicationFactor', 1),
    principalPattern: readPattern(
      config,
      'principalPattern',
      path,
      'User:{application}',
    ),
    maxAttempts: int('maxAttempts', 8),
    initialBackoffMs,
    maxBackoffMs,
    leaseTimeoutMs: readDurationMs(config, 'leaseTimeout', path, {
      minutes: 10,
    }),
    concurrency: int('concurrency', 4),
    schedule: readSchedule(config, 'schedule', path, {
      frequency: { seconds: 15 },
      timeout: { minutes: 15 },
    }),
    reconcileSchedule: readSchedule(config, 'reconcileSchedule', path, {
      frequency: { minutes: 1 },
      timeout: { minutes: 5 },
    }),
  };
}

function readSchemas(config: Config | undefined): SchemasConfig {
  const path = 'kafkaHub.schemas';
  return {
    schedule: readSchedule(config, 'schedule', path, {
      frequency: { minutes: 5 },
      timeout: { minutes: 10 },
      initialDelay: { seconds: 30 },
    }),
    concurrency: config ? readPositiveInt(config, 'concurrency', path, 8) : 8,
    retries: readWholeNumber(config, 'retries', path, 2),
    subjectListingLimit: readWholeNumber(
      config,
      'subjectListingLimit',
      path,
      1000,
    ),
  };
}

/**
 * Reads and validates the `kafkaHub` section. A missing section is valid and
 * yields no environments; a malformed one throws an error naming the key.
 */
export function readKafkaHubConfig(root: Config): KafkaHubConfig {
  const config = root.getOptionalConfig('kafkaHub');
  const environmentsConfig = config?.getOptionalConfig('environments');
  const environments = (environmentsConfig?.keys() ?? []).map(name =>
    readEnvironment(name, environmentsConfig!.getConfig(name)),
  );
  const health = config?.getOptionalConfig('health');
  return {
    environments,
    namespacePattern: readPattern(
      config,
      'namespacePattern',
      'kafkaHub',
      DEFAULT_NAMESPACE_PATTERN,
    ),
    provisioning: readProvisioning(config?.getOptionalConfig('provisioning')),
    schemas: readSchemas(config?.getOptionalConfig('schemas')),
    health: {
      timeoutMs: health
        ? readPositiveInt(health, 'timeoutMs', 'kafkaHub.health', 5_000)
        : 5_000,
    },
  };
}
