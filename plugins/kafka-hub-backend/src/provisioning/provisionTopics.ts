import {
  kafkaTopicConfig,
  TopicSpec,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import {
  Admin,
  ConfigDescription,
  ConfigResourceTypes,
} from '@platformatic/kafka';
import { EnvironmentProvisioningConfig } from '../config/types';
import { describeKafkaError } from '../kafka';
import { partialAnswer } from './partialAnswer';
import { errorText, plural, step } from './steps';

/** Pause between metadata requests while new topics get their leaders. */
const LEADER_POLL_MS = 100;

/** A topic as one environment wants it. */
export interface WantedTopic {
  topic: string;
  partitions: number;
  replicas: number;
  /** Kafka's values: the environment's defaults, the topic's declaration over them. */
  config: Record<string, string>;
  /** The config keys the topic declares itself (the others are the environment's). */
  declared: ReadonlySet<string>;
}

/** Each declared topic under `prefix` as `settings` make it. */
export function wantedTopics(
  prefix: string,
  topics: TopicSpec[],
  settings: EnvironmentProvisioningConfig,
): WantedTopic[] {
  return topics.map(spec => {
    const declared = kafkaTopicConfig(spec.config);
    return {
      topic: `${prefix}${spec.name}`,
      partitions: spec.partitions ?? settings.defaultPartitions,
      replicas: settings.replicationFactor,
      config: { ...settings.topicConfig, ...declared },
      declared: new Set(Object.keys(declared)),
    };
  });
}

/** Topics that are to be created with the same configs, in one request. */
function byConfig(topics: WantedTopic[]): WantedTopic[][] {
  const groups = new Map<string, WantedTopic[]>();
  for (const topic of topics) {
    const key = JSON.stringify(Object.entries(topic.config).sort());
    groups.set(key, [...(groups.get(key) ?? []), topic]);
  }
  return [...groups.values()];
}

/**
 * Equal as Kafka means them: list values (`compact,delete`) in any order.
 */
function sameConfigValue(actual: string | null, wanted: string): boolean {
  if (actual === null) return false;
  const items = (value: string) =>
    value
      .split(',')
      .map(item => item.trim())
      .sort()
      .join(',');
  return items(actual) === items(wanted);
}

/**
 * Resolves once every partition of the topics has a leader, as Kafka's
 * brokers learn of new topics a moment after the controller created them;
 * rejects with the last failure when that takes longer than `timeoutMs`.
 */
export async function waitForLeaders(
  admin: Admin,
  topics: string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    let failure: unknown;
    try {
      const metadata = await admin.metadata({
        topics: [...topics],
        forceUpdate: true,
        retries: 0,
      });
      const led = [...metadata.topics.values()].every(
        topic => topic && topic.partitions.every(p => p && p.leader >= 0),
      );
      if (led) return;
      failure = new Error('a partition has no leader yet');
    } catch (error) {
      failure = error;
    }
    if (Date.now() >= deadline) {
      throw failure;
    }
    await new Promise(resolve => setTimeout(resolve, LEADER_POLL_MS));
  }
}

export interface TopicsOutcome {
  /** What was done, then each difference of an existing topic (drift). */
  notes: string[];
  /** Failed steps, each prefixed with what was being done. */
  errors: string[];
}

/**
 * Makes the wanted topics exist in one environment and reports how the
 * existing ones differ, never changing them:
 * - the missing topics are created, one CreateTopics per distinct set of
 *   configs, and waited on until their partitions have leaders; a topic
 *   the broker refuses gets its own error and the others are created;
 * - an existing topic (also one that someone else created meanwhile) with
 *   fewer partitions than wanted, or a config other than wanted (read with
 *   one DescribeConfigs for all of them), is noted as drift.
 * Throws only when the topics cannot even be listed, or with the reason of
 * `signal` once it aborts (checked before each step, which makes no
 * further Kafka request).
 */
export async function provisionTopics(
  admin: Admin,
  wanted: WantedTopic[],
  options: { environment: string; timeoutMs: number; signal?: AbortSignal },
): Promise<TopicsOutcome> {
  const { signal } = options;
  const errors: string[] = [];
  signal?.throwIfAborted();
  const names = new Set(await step('Listing topics', () => admin.listTopics()));
  const existing = wanted.filter(t => names.has(t.topic));
  const missing = wanted.filter(t => !names.has(t.topic));

  const created = new Set<string>();
  const raced = new Set<string>();
  signal?.throwIfAborted();
  await Promise.all(
    byConfig(missing).map(async group => {
      const outcome = await createGroup(admin, group);
      outcome.created.forEach(topic => created.add(topic));
      outcome.alreadyThere.forEach(topic => raced.add(topic));
      errors.push(...outcome.errors);
    }),
  );
  const fresh = [...created, ...raced];
  if (fresh.length > 0) {
    signal?.throwIfAborted();
    try {
      await step(`Waiting for the leaders of ${fresh.join(', ')}`, () =>
        waitForLeaders(admin, fresh, options.timeoutMs, signal),
      );
    } catch (error) {
      signal?.throwIfAborted();
      errors.push(errorText(error));
    }
  }
  // Created meanwhile by someone else: as good as ours, if it is as wanted.
  existing.push(...missing.filter(t => raced.has(t.topic)));

  const drift: string[] = [];
  if (existing.length > 0) {
    signal?.throwIfAborted();
    try {
      drift.push(...(await partitionDrift(admin, existing)));
    } catch (error) {
      signal?.throwIfAborted();
      errors.push(errorText(error));
    }
    const configured = existing.filter(t => Object.keys(t.config).length > 0);
    if (configured.length > 0) {
      signal?.throwIfAborted();
      const outcome = await configDrift(admin, configured, options.environment);
      drift.push(...outcome.notes);
      errors.push(...outcome.errors);
    }
  }
  return {
    notes: [
      `Created ${plural(created.size, 'topic')}, ${
        existing.length
      } already existed`,
      ...drift,
    ],
    errors,
  };
}

/** Creates topics that share their configs, in one request. */
async function createGroup(
  admin: Admin,
  group: WantedTopic[],
): Promise<{ created: string[]; alreadyThere: string[]; errors: string[] }> {
  const errors: string[] = [];
  const alreadyThere: string[] = [];
  const created = new Set(group.map(t => t.topic));
  try {
    await admin.createTopics({
      topics: group.map(({ topic, partitions, replicas }) => ({
        topic,
        partitions,
        replicas,
      })),
      configs: Object.entries(group[0].config).map(([name, value]) => ({
        name,
        value,
      })),
    });
  } catch (error) {
    const answer = partialAnswer<{ name: string }>(
      error,
      'topics',
      topic => topic.name,
    );
    if (!answer) {
      // The request failed as a whole (a timeout, a lost connection):
      // what counts is whether the topics exist now.
      const present = new Set(await admin.listTopics().catch(() => []));
      const absent = group.filter(t => !present.has(t.topic));
      if (absent.length > 0) {
        errors.push(
          `Creating topics ${absent
            .map(t => t.topic)
            .join(', ')}: ${describeKafkaError(error)}`,
        );
      }
      absent.forEach(t => created.delete(t.topic));
    }
    for (const refused of answer?.refused ?? []) {
      created.delete(refused.name);
      if (refused.code === 'TOPIC_ALREADY_EXISTS') {
        alreadyThere.push(refused.name);
      } else {
        errors.push(`Creating topic ${refused.name}: ${refused.description}`);
      }
    }
  }
  return { created: [...created], alreadyThere, errors };
}

async function partitionDrift(
  admin: Admin,
  existing: WantedTopic[],
): Promise<string[]> {
  const metadata = await step('Describing existing topics', () =>
    admin.metadata({ topics: existing.map(t => t.topic), forceUpdate: true }),
  );
  return existing.flatMap(({ topic, partitions: wanted }) => {
    const actual = metadata.topics.get(topic)?.partitionsCount ?? 0;
    return actual < wanted
      ? [
          `topic ${topic} has ${plural(
            actual,
            'partition',
          )}, ${wanted} declared (not changed)`,
        ]
      : [];
  });
}

/** Differences of the existing topics' configs, from one DescribeConfigs. */
async function configDrift(
  admin: Admin,
  topics: WantedTopic[],
  environment: string,
): Promise<{ notes: string[]; errors: string[] }> {
  const errors: string[] = [];
  let described: ConfigDescription[];
  try {
    described = await admin.describeConfigs({
      resources: topics.map(t => ({
        resourceType: ConfigResourceTypes.TOPIC,
        resourceName: t.topic,
        configurationKeys: Object.keys(t.config),
      })),
    });
  } catch (error) {
    const answer = partialAnswer<ConfigDescription & { errorCode: number }>(
      error,
      'results',
      result => result.resourceName,
    );
    if (!answer) {
      return {
        notes: [],
        errors: [
          `Describing the configs of ${topics
            .map(t => t.topic)
            .join(', ')}: ${describeKafkaError(error)}`,
        ],
      };
    }
    for (const refused of answer.refused) {
      errors.push(
        `Describing the configs of topic ${refused.name}: ${refused.description}`,
      );
    }
    described = answer.items.filter(result => result.errorCode === 0);
  }
  const actual = new Map(described.map(d => [d.resourceName, d.configs]));
  const notes = topics.flatMap(({ topic, config, declared }) => {
    const configs = actual.get(topic);
    if (!configs) return [];
    return Object.entries(config).flatMap(([name, wanted]) => {
      const value = configs.find(c => c.name === name)?.value ?? null;
      if (sameConfigValue(value, wanted)) return [];
      const source = declared.has(name)
        ? 'declared'
        : `configured for ${environment}`;
      return [
        `topic ${topic} has ${name}=${
          value ?? '(unset)'
        }, ${wanted} ${source} (not changed)`,
      ];
    });
  });
  return { notes, errors };
}
