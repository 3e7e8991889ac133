import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  MAX_PARTITIONS,
  parseTopicConfigValue,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { readPattern, readPositiveInt } from './configReaders';
import { EnvironmentProvisioningConfig } from './types';

/**
 * Kafka's topic configs (`TopicConfig` of Kafka 4.x, plus the three that
 * Kafka 4.0 removed, for older clusters).
 */
export const KAFKA_TOPIC_CONFIGS: ReadonlySet<string> = new Set([
  'cleanup.policy',
  'compression.gzip.level',
  'compression.lz4.level',
  'compression.type',
  'compression.zstd.level',
  'delete.retention.ms',
  'file.delete.delay.ms',
  'flush.messages',
  'flush.ms',
  'follower.replication.throttled.replicas',
  'index.interval.bytes',
  'leader.replication.throttled.replicas',
  'local.retention.bytes',
  'local.retention.ms',
  'max.compaction.lag.ms',
  'max.message.bytes',
  'message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms',
  'message.timestamp.type',
  'min.cleanable.dirty.ratio',
  'min.compaction.lag.ms',
  'min.insync.replicas',
  'preallocate',
  'remote.log.copy.disable',
  'remote.log.delete.on.disable',
  'remote.storage.enable',
  'retention.bytes',
  'retention.ms',
  'segment.bytes',
  'segment.index.bytes',
  'segment.jitter.ms',
  'segment.ms',
  'unclean.leader.election.enable',
  // Removed in Kafka 4.0.
  'message.downconversion.enable',
  'message.format.version',
  'message.timestamp.difference.max.ms',
]);

/** What a team may set in `kafka-hub.io/topic-config` unless configured otherwise. */
export const DEFAULT_ALLOWED_TOPIC_CONFIGS = [
  'retention.ms',
  'retention.bytes',
  'cleanup.policy',
  'min.compaction.lag.ms',
  'max.message.bytes',
  'segment.ms',
];

/** Settings of an environment that sets none, before `kafkaHub.provisioning`. */
export const BUILT_IN_PROVISIONING: EnvironmentProvisioningConfig = {
  defaultPartitions: 3,
  maxPartitions: MAX_PARTITIONS,
  replicationFactor: 1,
  principalPattern: 'User:{application}',
  topicConfig: {},
};

function assertTopicConfigName(name: string, path: string) {
  if (!KAFKA_TOPIC_CONFIGS.has(name)) {
    throw new InputError(`${path}: "${name}" is not a Kafka topic config`);
  }
}

/** `allowedTopicConfigs`: Kafka topic config names, no duplicates. */
export function readAllowedTopicConfigs(
  config: Config | undefined,
  path: string,
): string[] {
  const names = config?.getOptionalStringArray('allowedTopicConfigs');
  if (names === undefined) return [...DEFAULT_ALLOWED_TOPIC_CONFIGS];
  const keyPath = `${path}.allowedTopicConfigs`;
  names.forEach(name => assertTopicConfigName(name, keyPath));
  return [...new Set(names)];
}

/** `topicConfig`: Kafka topic configs written as in the annotation, read into Kafka's values. */
function readTopicConfig(
  config: Config | undefined,
  path: string,
): Record<string, string> {
  const keyPath = `${path}.topicConfig`;
  const raw = config?.getOptional('topicConfig');
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError(
      `${keyPath} must map topic configs to values, e.g. retention.ms: 7d`,
    );
  }
  const kafka: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    assertTopicConfigName(name, keyPath);
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new InputError(
        `${keyPath}.${name} must be a string or a number, got ${JSON.stringify(
          value,
        )}`,
      );
    }
    const parsed = parseTopicConfigValue(name, String(value));
    if ('error' in parsed) {
      throw new InputError(`${keyPath}.${name}: ${parsed.error}`);
    }
    kafka[name] = parsed.value;
  }
  return kafka;
}

/**
 * Reads the topic and ACL settings of a `provisioning` section over
 * `defaults` (built-in ones for `kafkaHub.provisioning`, those for an
 * environment's own): topic configs merge key by key, the rest replace.
 * Throws an InputError naming the key of a bad setting.
 */
export function readProvisioningSettings(
  config: Config | undefined,
  path: string,
  defaults: EnvironmentProvisioningConfig,
): EnvironmentProvisioningConfig {
  const settings: EnvironmentProvisioningConfig = {
    defaultPartitions: readPositiveInt(
      config,
      'defaultPartitions',
      path,
      defaults.defaultPartitions,
    ),
    maxPartitions: readPositiveInt(
      config,
      'maxPartitions',
      path,
      defaults.maxPartitions,
    ),
    replicationFactor: readPositiveInt(
      config,
      'replicationFactor',
      path,
      defaults.replicationFactor,
    ),
    principalPattern: readPattern(
      config,
      'principalPattern',
      path,
      defaults.principalPattern,
    ),
    topicConfig: {
      ...defaults.topicConfig,
      ...readTopicConfig(config, path),
    },
  };
  if (settings.maxPartitions > MAX_PARTITIONS) {
    throw new InputError(
      `${path}.maxPartitions must be at most ${MAX_PARTITIONS}, got ${settings.maxPartitions}`,
    );
  }
  if (settings.defaultPartitions > settings.maxPartitions) {
    throw new InputError(
      `${path}: defaultPartitions (${settings.defaultPartitions}) must not exceed maxPartitions (${settings.maxPartitions})`,
    );
  }
  return settings;
}
