import { Config } from '@backstage/config';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ConsumerGroupStatus,
  DEFAULT_NAMESPACE_PATTERN,
  ENVIRONMENT_NAME_PATTERN,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import {
  readDurationMs,
  readPattern,
  readPositiveInt,
  readSchedule,
  readShare,
  readWholeNumber,
} from './configReaders';
import {
  assertDistinctAliases,
  readEnvironmentAliases,
} from './environmentAliases';
import { assertSafeNamespacePattern } from './namespacePatternSafety';
import {
  BUILT_IN_PROVISIONING,
  readAllowedTopicConfigs,
  readProvisioningSettings,
} from './readProvisioningSettings';
import { readSasl, readTls } from './readConnectionSecurity';
import { readMessages } from './readMessages';
import {
  EnvironmentConfig,
  KafkaHubConfig,
  SignalsConfig,
  ConsumerGroupsConfig,
  NotificationsConfig,
  TopicsConfig,
  ProvisioningConfig,
  SchemaRegistryConfig,
  SchemasConfig,
} from './types';

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
  const token = config.getOptionalString('token');
  if (token !== undefined && username !== undefined) {
    throw new InputError(
      `${path} takes a token or a username and password, not both`,
    );
  }
  const tls = readTls(config, 'tls', path);
  if (tls && parsed.protocol !== 'https:') {
    throw new InputError(`${path}.tls needs an https url, got "${url}"`);
  }
  return {
    url: url.replace(/\/+$/, ''),
    username,
    password,
    token,
    tls: tls || undefined,
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
  return {
    name,
    kafka: {
      brokers,
      clientId: kafka.getOptionalString('clientId') ?? 'backstage-kafka-hub',
      ssl: readTls(kafka, 'ssl', `${path}.kafka`),
      sasl: readSasl(kafka, `${path}.kafka`),
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
    aliases: readEnvironmentAliases(config, path),
  };
}

function readProvisioning(config: Config | undefined): ProvisioningConfig {
  const path = 'kafkaHub.provisioning';
  const int = (key: string, fallback: number) =>
    readPositiveInt(config, key, path, fallback);
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
    ...readProvisioningSettings(config, path, BUILT_IN_PROVISIONING),
    allowedTopicConfigs: readAllowedTopicConfigs(config, path),
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
    maxRemovalShare: readShare(config, 'maxRemovalShare', path, 0.5),
    removalsAlwaysAllowed: readWholeNumber(
      config,
      'removalsAlwaysAllowed',
      path,
      10,
    ),
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
    concurrency: readPositiveInt(config, 'concurrency', path, 8),
    retries: readWholeNumber(config, 'retries', path, 2),
    subjectListingLimit: readWholeNumber(
      config,
      'subjectListingLimit',
      path,
      1000,
    ),
  };
}

function readConsumerGroups(config: Config | undefined): ConsumerGroupsConfig {
  const path = 'kafkaHub.consumerGroups';
  const int = (key: string, fallback: number) =>
    readPositiveInt(config, key, path, fallback);
  const retention = config?.getOptionalConfig('retention');
  const retentionPath = `${path}.retention`;
  const result: ConsumerGroupsConfig = {
    syncSchedule: readSchedule(config, 'syncSchedule', path, {
      frequency: { minutes: 1 },
      timeout: { minutes: 5 },
    }),
    lagSchedule: readSchedule(config, 'lagSchedule', path, {
      frequency: { seconds: 30 },
      timeout: { minutes: 2 },
    }),
    retentionSchedule: readSchedule(config, 'retentionSchedule', path, {
      frequency: { hours: 1 },
      timeout: { minutes: 15 },
    }),
    retention: {
      rawMs: readDurationMs(retention, 'raw', retentionPath, { days: 7 }),
      hourlyMs: readDurationMs(retention, 'hourly', retentionPath, {
        days: 30,
      }),
      dailyMs: readDurationMs(retention, 'daily', retentionPath, {
        days: 365,
      }),
      partitionHistoryMs: readDurationMs(
        retention,
        'partitionHistory',
        retentionPath,
        { hours: 1 },
      ),
    },
    inactiveAfterMs: readDurationMs(config, 'inactiveAfter', path, {
      hours: 24,
    }),
    archiveAfterMs: readDurationMs(config, 'archiveAfter', path, { days: 7 }),
    concurrency: int('concurrency', 32),
    describeBatchSize: int('describeBatchSize', 100),
    statusWindow: int('statusWindow', 10),
    timeLagPoints: int('timeLagPoints', 60),
  };
  const { rawMs, hourlyMs, dailyMs } = result.retention;
  if (!(rawMs <= hourlyMs && hourlyMs <= dailyMs)) {
    throw new InputError(`${retentionPath} must keep raw <= hourly <= daily`);
  }
  if (result.timeLagPoints < 2) {
    throw new InputError(
      `${path}.timeLagPoints must be at least 2 to interpolate`,
    );
  }
  return result;
}

function readTopics(config: Config | undefined): TopicsConfig {
  const path = 'kafkaHub.topics';
  return {
    schedule: readSchedule(config, 'schedule', path, {
      frequency: { minutes: 5 },
      timeout: { minutes: 5 },
      initialDelay: { seconds: 20 },
    }),
    concurrency: readPositiveInt(config, 'concurrency', path, 8),
  };
}

/**
 * Reads and validates the `kafkaHub` section. A missing section is valid and
 * yields no environments; a malformed one throws an error naming the key.
 */
export function readKafkaHubConfig(root: Config): KafkaHubConfig {
  const config = root.getOptionalConfig('kafkaHub');
  const environmentsConfig = config?.getOptionalConfig('environments');
  const provisioning = readProvisioning(
    config?.getOptionalConfig('provisioning'),
  );
  const environments = (environmentsConfig?.keys() ?? []).map(name => {
    const environment = environmentsConfig!.getConfig(name);
    return {
      ...readEnvironment(name, environment),
      // Each environment's own settings over kafkaHub.provisioning.
      provisioning: readProvisioningSettings(
        environment.getOptionalConfig('provisioning'),
        `kafkaHub.environments.${name}.provisioning`,
        provisioning,
      ),
    };
  });
  assertDistinctAliases(environments);
  const health = config?.getOptionalConfig('health');
  const namespacePattern = readPattern(
    config,
    'namespacePattern',
    'kafkaHub',
    DEFAULT_NAMESPACE_PATTERN,
  );
  assertSafeNamespacePattern(namespacePattern, 'kafkaHub.namespacePattern');
  return {
    environments,
    namespacePattern,
    claims: {
      releaseAfterMs: readDurationMs(
        config?.getOptionalConfig('claims'),
        'releaseAfter',
        'kafkaHub.claims',
        { days: 7 },
      ),
    },
    permissions: {
      readableEntitiesCacheTtlMs: readDurationMs(
        config?.getOptionalConfig('permissions'),
        'readableEntitiesCacheTtl',
        'kafkaHub.permissions',
        { seconds: 10 },
      ),
    },
    provisioning,
    schemas: readSchemas(config?.getOptionalConfig('schemas')),
    consumerGroups: readConsumerGroups(
      config?.getOptionalConfig('consumerGroups'),
    ),
    notifications: readNotifications(
      config?.getOptionalConfig('notifications'),
    ),
    topics: readTopics(config?.getOptionalConfig('topics')),
    messages: readMessages(config?.getOptionalConfig('messages')),
    signals: readSignals(config?.getOptionalConfig('signals')),
    health: {
      timeoutMs: readPositiveInt(health, 'timeoutMs', 'kafkaHub.health', 5_000),
    },
  };
}

const NOTIFYING_STATUSES: readonly ConsumerGroupStatus[] = [
  'WARN',
  'STALL',
  'STOP',
  'REWIND',
];

function readNotifications(config: Config | undefined): NotificationsConfig {
  const path = 'kafkaHub.notifications';
  const enabled = config?.getOptionalBoolean('enabled') ?? true;
  const groups = config?.getOptionalConfig('consumerGroups');
  const statuses = (groups?.getOptionalStringArray('statuses') ?? [
    'STOP',
    'STALL',
    'REWIND',
  ]) as ConsumerGroupStatus[];
  for (const status of statuses) {
    if (!NOTIFYING_STATUSES.includes(status)) {
      throw new InputError(
        `${path}.consumerGroups.statuses: "${status}" is not one of ${NOTIFYING_STATUSES.join(
          ', ',
        )}`,
      );
    }
  }
  return {
    provisioning: {
      enabled:
        enabled && (config?.getOptionalBoolean('provisioning.enabled') ?? true),
    },
    consumerGroups: {
      enabled: enabled && (groups?.getOptionalBoolean('enabled') ?? true),
      statuses,
    },
  };
}

function readSignals(config: Config | undefined): SignalsConfig {
  const path = 'kafkaHub.signals';
  const adminRecipients =
    config?.getOptionalStringArray('adminRecipients') ?? [];
  for (const ref of adminRecipients) {
    try {
      parseEntityRef(ref);
    } catch {
      throw new InputError(
        `${path}.adminRecipients: "${ref}" is not an entity ref (e.g. group:default/kafka-platform)`,
      );
    }
  }
  return {
    enabled: config?.getOptionalBoolean('enabled') ?? true,
    adminRecipients,
  };
}
