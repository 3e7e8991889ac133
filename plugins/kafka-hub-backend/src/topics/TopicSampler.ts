import { ConfigSources } from '@platformatic/kafka';
import { ClaimSet } from '../claims';
import { EnvironmentConfig } from '../config/types';
import { ConsumerGroupStore } from '../database/consumerGroups';
import { ProvisioningApplication } from '../database/provisioning/types';
import {
  SampledTopic,
  SampledTopicDrift,
  TopicStore,
} from '../database/topics';
import { describeKafkaError } from '../kafka';
import { EARLIEST, LATEST } from '../kafka/listOffsetsPerLeader';
import { declaredTopics } from './declaredTopics';
import { topicDrift } from './topicDrift';
import {
  BrokerLogDirs,
  ListedOffsets,
  replicaKey,
  TopicClient,
  TopicConfigs,
  TopicMetadata,
} from './TopicClient';

export interface TopicSamplerOptions {
  environment: EnvironmentConfig;
  store: TopicStore;
  groups: ConsumerGroupStore;
  /** The recorded claims: only topics inside a claimed namespace are sampled. */
  claims: () => Promise<ClaimSet>;
  /**
   * The stored applications of these entity refs (removed ones too), read
   * in one batch per sample: each topic's drift against its holder's
   * declaration is stored with it. Without it no drift is stored.
   */
  applications?: (
    entityRefs: readonly string[],
  ) => Promise<ProvisioningApplication[]>;
  /** The configured namespace pattern, to name declared topics. */
  namespacePattern?: string;
  /** Kafka requests in flight at once. */
  concurrency: number;
  now?: () => number;
}

export interface TopicSampleResult {
  ok: boolean;
  /** Some details are unknown (a broker's log dirs, a topic's configs or offsets): why, first one. */
  partial?: string;
  /** The environment-level failure: nothing was stored, the previous topics stay. */
  error?: string;
  aborted?: boolean;
  sampledAtMs?: number;
  /** Topics stored. */
  topics: number;
  partitions: number;
  /** Kafka requests this sample sent, and by API. */
  kafkaRequests: number;
  requestCounts: Record<string, number>;
  kafkaMs: number;
  databaseWriteMs: number;
}

/** Recorded for a sample stopped at its abort signal. */
const ABORTED_TOPIC_SAMPLE =
  'Stopped at its abort signal (the task timed out or the backend is shutting down): the previous topics stay';

/** Kafka's internal topics (`__consumer_offsets`, `__transaction_state`, ...). */
const isInternal = (topic: TopicMetadata) =>
  topic.internal || topic.name.startsWith('__');

/**
 * Samples the topics of one environment inside claimed namespaces: one
 * metadata request, then concurrently one DescribeConfigs round (1,000
 * topics a request), one DescribeLogDirs per broker and ListOffsets per
 * leader for the earliest and the latest offsets (see {@link TopicClient}).
 * The consumer groups reading each topic come from the stored groups.
 *
 * A successful sample replaces the environment's stored topics in one
 * transaction; one that fails (the cluster is unreachable) stores nothing
 * and records its error, so the previous topics stay, with when they were
 * sampled. Details that fail alone (a broker's log dirs, a topic's configs)
 * are stored as unknown and the run recorded as partial.
 */
export class TopicSampler {
  constructor(private readonly options: TopicSamplerOptions) {}

  /** One sample. Never throws: failures are recorded and returned. */
  async sample(signal?: AbortSignal): Promise<TopicSampleResult> {
    const { environment, store, concurrency } = this.options;
    const now = this.options.now ?? Date.now;
    const startedAt = now();
    const result: TopicSampleResult = {
      ok: false,
      topics: 0,
      partitions: 0,
      kafkaRequests: 0,
      requestCounts: {},
      kafkaMs: 0,
      databaseWriteMs: 0,
    };
    const client = new TopicClient(environment.kafka, { retries: 2 });
    try {
      const claims = await this.options.claims();
      signal?.throwIfAborted();
      const kafkaStart = now();
      const snapshot = await client.metadata();
      const sampledAtMs = now();
      const owned = new Map<string, string>();
      const topics = snapshot.topics.filter(topic => {
        if (isInternal(topic)) return false;
        const holder = claims.holderOfTopic(topic.name);
        if (holder) owned.set(topic.name, holder);
        return holder !== undefined;
      });
      signal?.throwIfAborted();
      const [configs, logDirs, earliest, latest] = await Promise.all([
        client.describeConfigs(
          snapshot,
          topics.map(t => t.name),
          concurrency,
          signal,
        ),
        client.logDirs(snapshot, topics, concurrency, signal),
        client.listOffsets(snapshot, topics, EARLIEST, concurrency, signal),
        client.listOffsets(snapshot, topics, LATEST, concurrency, signal),
      ]);
      result.kafkaMs = now() - kafkaStart;
      const [readers, driftOf] = await Promise.all([
        this.options.groups.readersOfTopics(environment.name),
        this.driftOf(topics, owned),
      ]);
      signal?.throwIfAborted();

      const sizes = replicaSizes(logDirs);
      const problems: string[] = [];
      for (const broker of logDirs) {
        if (broker.error) {
          problems.push(
            `Log dirs of broker ${broker.broker} unknown: ${broker.error}`,
          );
        }
      }
      const sampled = topics.map(topic => {
        const topicConfigs = configs.get(topic.name);
        const offsets = messageEstimate(topic.name, earliest, latest);
        if (topicConfigs && 'error' in topicConfigs) {
          problems.push(`Configs of ${topic.name}: ${topicConfigs.error}`);
        }
        if (offsets.error) {
          problems.push(`Offsets of ${topic.name}: ${offsets.error}`);
        }
        return {
          ...sampledTopic(
            topic,
            owned.get(topic.name)!,
            topicConfigs,
            sizes,
            offsets.estimate,
            readers.get(topic.name) ?? [],
          ),
          ...driftOf.get(topic.name),
        };
      });
      result.topics = sampled.length;
      result.partitions = sampled.reduce((n, t) => n + t.partitions, 0);
      result.kafkaRequests = client.requests;
      result.requestCounts = client.requestCounts;
      result.partial = problems.length
        ? `${problems.length} details unknown, e.g. ${problems[0]}`
        : undefined;

      const writeStart = now();
      await store.replaceEnvironment({
        environment: environment.name,
        topics: sampled,
        sampledAtMs,
        run: {
          lastRunAt: new Date(startedAt),
          durationMs: now() - startedAt,
          outcome: result.partial ? 'partial' : 'succeeded',
          error: result.partial,
          kafkaRequests: result.kafkaRequests,
          requestCounts: result.requestCounts,
        },
      });
      result.databaseWriteMs = now() - writeStart;
      result.sampledAtMs = sampledAtMs;
      result.ok = true;
    } catch (error) {
      const aborted = signal?.aborted === true;
      result.aborted = aborted || undefined;
      result.error = aborted ? ABORTED_TOPIC_SAMPLE : describeKafkaError(error);
      result.kafkaRequests = client.requests;
      result.requestCounts = client.requestCounts;
      await store
        .recordFailedRun({
          environment: environment.name,
          lastRunAt: new Date(startedAt),
          durationMs: now() - startedAt,
          outcome: aborted ? 'aborted' : 'failed',
          error: result.error,
          kafkaRequests: result.kafkaRequests,
          requestCounts: result.requestCounts,
        })
        .catch(() => {
          // The caller logs the sample's error; the database may be what failed.
        });
    } finally {
      await client.close().catch(() => {});
    }
    return result;
  }

  /**
   * Each topic's drift and declared partitions against its holder's
   * declaration (compared as `TopicsApi.ofApplication` compares them for
   * the entity), from one read of the holders' applications.
   */
  private async driftOf(
    topics: TopicMetadata[],
    owned: Map<string, string>,
  ): Promise<
    Map<string, { drift?: SampledTopicDrift; declaredPartitions?: number }>
  > {
    const { applications, namespacePattern, environment } = this.options;
    const result = new Map<
      string,
      { drift?: SampledTopicDrift; declaredPartitions?: number }
    >();
    if (!applications || namespacePattern === undefined) return result;
    const byHolder = new Map<string, TopicMetadata[]>();
    for (const topic of topics) {
      const holder = owned.get(topic.name)!;
      const held = byHolder.get(holder) ?? [];
      held.push(topic);
      byHolder.set(holder, held);
    }
    const apps = new Map(
      (await applications([...byHolder.keys()])).map(app => [
        app.entityRef,
        app,
      ]),
    );
    for (const [holder, held] of byHolder) {
      const app = apps.get(holder);
      // Its claim was recorded before its application: nothing is known of
      // its declaration yet, so no drift is told (the next sample tells it).
      if (!app) continue;
      const declared = declaredTopics(app, environment, namespacePattern);
      const partitionsOf = new Map(declared.map(t => [t.topic, t.partitions]));
      const drift = new Map(
        topicDrift(
          declared,
          held.map(t => ({ topic: t.name, partitions: t.partitions.length })),
        )
          .filter(d => d.kind !== 'missing')
          .map(d => [d.topic, d.kind as SampledTopicDrift]),
      );
      for (const topic of held) {
        result.set(topic.name, {
          drift: drift.get(topic.name),
          declaredPartitions: partitionsOf.get(topic.name),
        });
      }
    }
    return result;
  }
}

/** Every replica's size by `topic\0partition` and broker. */
function replicaSizes(
  logDirs: BrokerLogDirs[],
): Map<number, Map<string, number>> {
  return new Map(logDirs.map(b => [b.broker, b.sizes]));
}

/** End minus start offsets over the topic's partitions, or why unknown. */
function messageEstimate(
  topic: string,
  earliest: ListedOffsets,
  latest: ListedOffsets,
): { estimate?: number; error?: string } {
  const error = earliest.failures.get(topic) ?? latest.failures.get(topic);
  const starts = earliest.offsets.get(topic);
  const ends = latest.offsets.get(topic);
  if (error || !starts || !ends) {
    return { error: error ?? 'no offsets answered' };
  }
  let estimate = 0;
  for (const [partition, end] of ends) {
    const start = starts.get(partition);
    if (start === undefined)
      return { error: `partition ${partition} has no start offset` };
    estimate += Math.max(0, end - start);
  }
  return { estimate };
}

function sampledTopic(
  topic: TopicMetadata,
  entityRef: string,
  configs: TopicConfigs | undefined,
  sizes: Map<number, Map<string, number>>,
  messageCount: number | undefined,
  consumerGroups: string[],
): SampledTopic {
  const { partitions } = topic;
  let sizeBytes: number | undefined = 0;
  let diskBytes: number | undefined = 0;
  for (const p of partitions) {
    const key = replicaKey(topic.name, p.partition);
    const leaderSize =
      p.leader === undefined ? undefined : sizes.get(p.leader)?.get(key);
    sizeBytes = leaderSize === undefined ? undefined : sizeBytes! + leaderSize;
    for (const replica of p.replicas) {
      const size = sizes.get(replica)?.get(key);
      diskBytes =
        size === undefined || diskBytes === undefined
          ? undefined
          : diskBytes + size;
    }
    if (sizeBytes === undefined && diskBytes === undefined) break;
  }
  const described =
    configs && 'configs' in configs ? configs.configs : undefined;
  const effective = (name: string) =>
    described?.find(c => c.name === name)?.value ?? undefined;
  const numeric = (name: string) => {
    const value = effective(name);
    return value === undefined || !/^-?\d+$/.test(value)
      ? undefined
      : Number(value);
  };
  return {
    topic: topic.name,
    entityRef,
    partitions: partitions.length,
    replicationFactor: partitions[0]?.replicas.length ?? 0,
    underReplicatedPartitions: partitions.filter(
      p => p.inSyncReplicas.length < p.replicas.length,
    ).length,
    offlinePartitions: partitions.filter(p => p.leader === undefined).length,
    minInSyncReplicas: partitions.length
      ? Math.min(...partitions.map(p => p.inSyncReplicas.length))
      : 0,
    partitionDetail: partitions,
    sizeBytes,
    diskBytes,
    messageEstimate: messageCount,
    retentionMs: numeric('retention.ms'),
    retentionBytes: numeric('retention.bytes'),
    cleanupPolicy: effective('cleanup.policy'),
    // Set on the topic itself: everything else is what the broker gives
    // every topic (its static or dynamic config, or Kafka's default).
    configOverrides: described
      ? Object.fromEntries(
          described
            .filter(c => c.configSource === ConfigSources.DYNAMIC_TOPIC_CONFIG)
            .map(c => [c.name, c.isSensitive ? null : c.value])
            .sort(([a], [b]) => String(a).localeCompare(String(b))),
        )
      : undefined,
    consumerGroups,
  };
}
