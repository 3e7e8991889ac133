import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { ENVIRONMENT_NAME_PATTERN } from '@internal/plugin-kafka-hub-common';
import {
  EnvironmentConfig,
  KafkaHubConfig,
  KafkaSaslConfig,
  SchemaRegistryConfig,
} from './types';

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
    health: {
      timeoutMs: health
        ? readPositiveInt(health, 'timeoutMs', 'kafkaHub.health', 5_000)
        : 5_000,
    },
  };
}
