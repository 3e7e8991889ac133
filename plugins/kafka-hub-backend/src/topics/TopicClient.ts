import {
  Admin,
  Broker,
  ConfigResourceTypes,
  Connection,
  connectionsApiChannel,
  describeConfigsV4,
  describeLogDirsV4,
  FetchIsolationLevels,
  listOffsetsV7,
  listOffsetsV8,
  listOffsetsV9,
  metadataV12,
  parseBroker,
  protocolAPIsById,
} from '@platformatic/kafka';
import { KafkaTopicPartition } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';
import { chunks } from '../database/chunks';
import { KafkaClusterConfig } from '../config/types';
import {
  createKafkaAdmin,
  describeKafkaError,
  KafkaClientTuning,
} from '../kafka';
import {
  answerDespiteItemErrors,
  itemError,
  newestSupported,
} from '../kafka/protocolAnswers';

/** Topics per DescribeConfigs request: an answer of a few MB at most. */
const TOPICS_PER_DESCRIBE_CONFIGS = 1000;
/** Partitions per ListOffsets request, as the lag sampler sends them. */
const PARTITIONS_PER_LIST_OFFSETS = 2500;
/** ListOffsets timestamps: the log start offset and the high watermark. */
export const EARLIEST = -2n;
export const LATEST = -1n;

// The versions of Kafka 3.5 and later, highest first (see OffsetsClient).
const METADATA = [metadataV12];
const DESCRIBE_CONFIGS = [describeConfigsV4];
const DESCRIBE_LOG_DIRS = [describeLogDirsV4];
const LIST_OFFSETS = [listOffsetsV9, listOffsetsV8, listOffsetsV7];

/** A topic as the cluster's metadata describes it. */
export interface TopicMetadata {
  name: string;
  internal: boolean;
  partitions: KafkaTopicPartition[];
}

/** One metadata answer: every topic the client may describe, and the brokers. */
interface ClusterSnapshot {
  topics: TopicMetadata[];
  brokers: Map<number, Broker>;
}

/** A topic's configs, or why they could not be described. */
export type TopicConfigs =
  | { configs: describeConfigsV4.DescribeConfigsResponseConfig[] }
  | { error: string };

/** Log sizes of a broker's replicas, or why the broker could not tell. */
export interface BrokerLogDirs {
  broker: number;
  /** `topic\0partition` to the replica's size in bytes. */
  sizes: Map<string, number>;
  error?: string;
}

/** Offsets by topic and partition, and the topics whose offsets failed. */
export interface ListedOffsets {
  offsets: Map<string, Map<number, number>>;
  failures: Map<string, string>;
}

export const replicaKey = (topic: string, partition: number) =>
  `${topic}\u0000${partition}`;

/**
 * The topic sampler's batched requests on one cluster, through
 * `@platformatic/kafka`'s public protocol APIs on its admin's connections,
 * so that each request is one the sampler chose (the admin's own calls
 * send a metadata request of their own each, and fail whole on one
 * topic's error):
 * - one Metadata request for every topic;
 * - DescribeConfigs for up to 1,000 topics per request, to any broker;
 * - one DescribeLogDirs per broker, for the replicas it hosts;
 * - ListOffsets per leader (up to 2,500 partitions per request), once
 *   for the earliest and once for the latest offsets (a request may not
 *   name a partition twice).
 * Items answering an error code fail alone. Requests are counted by API.
 */
export class TopicClient {
  readonly admin: Admin;
  private readonly bootstrap: Broker[];
  private apis?: ReturnType<Admin['listApis']>;
  private readonly counts = new Map<string, number>();
  private readonly countRequest = (message: unknown) => {
    const { connection, apiKey } = message as {
      connection?: Connection;
      apiKey?: number;
    };
    if (connection?.ownerId !== this.admin.instanceId) return;
    const name =
      (apiKey !== undefined && protocolAPIsById[apiKey]) || `api-${apiKey}`;
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  };

  constructor(config: KafkaClusterConfig, tuning: KafkaClientTuning = {}) {
    this.admin = createKafkaAdmin(config, tuning);
    this.bootstrap = config.brokers.map(broker => parseBroker(broker));
    connectionsApiChannel.start.subscribe(this.countRequest);
  }

  /** Requests sent so far, by API name. */
  get requestCounts(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort());
  }

  /** Requests sent so far. */
  get requests(): number {
    let n = 0;
    for (const count of this.counts.values()) n += count;
    return n;
  }

  async close(): Promise<void> {
    connectionsApiChannel.start.unsubscribe(this.countRequest);
    await this.admin.close();
  }

  /** One metadata request for every topic (the cluster leaves out those the client may not describe). */
  async metadata(): Promise<ClusterSnapshot> {
    const metadata = await this.api('Metadata', METADATA);
    const connection = await this.admin.connections.getFirstAvailable(
      this.bootstrap,
    );
    const response = await answerDespiteItemErrors(
      metadata.api.async(connection, null, false, false),
    );
    const brokers = new Map<number, Broker>(
      response.brokers.map(b => [b.nodeId, { host: b.host, port: b.port }]),
    );
    const topics: TopicMetadata[] = [];
    for (const topic of response.topics) {
      if (topic.errorCode !== 0 || !topic.name) continue;
      topics.push({
        name: topic.name,
        internal: topic.isInternal,
        partitions: topic.partitions
          .map(p => ({
            partition: p.partitionIndex,
            leader: p.leaderId >= 0 ? p.leaderId : undefined,
            replicas: p.replicaNodes,
            inSyncReplicas: p.isrNodes,
          }))
          .sort((a, b) => a.partition - b.partition),
      });
    }
    return { topics, brokers };
  }

  /** Every config of each topic, with its source; any broker answers for topics. */
  async describeConfigs(
    snapshot: ClusterSnapshot,
    topics: string[],
    concurrency: number,
    signal?: AbortSignal,
  ): Promise<Map<string, TopicConfigs>> {
    const result = new Map<string, TopicConfigs>();
    if (topics.length === 0) return result;
    const describe = await this.api('DescribeConfigs', DESCRIBE_CONFIGS);
    await mapWithConcurrency(
      chunks(topics, TOPICS_PER_DESCRIBE_CONFIGS),
      concurrency,
      async batch => {
        signal?.throwIfAborted();
        let response: describeConfigsV4.DescribeConfigsResponse;
        try {
          const connection = await this.admin.connections.getFirstAvailable([
            ...snapshot.brokers.values(),
            ...this.bootstrap,
          ]);
          response = await answerDespiteItemErrors(
            describe.api.async(
              connection,
              batch.map(name => ({
                resourceType: ConfigResourceTypes.TOPIC,
                resourceName: name,
                configurationKeys: null,
              })),
              false,
              false,
            ),
          );
        } catch (error) {
          const why = describeKafkaError(error);
          batch.forEach(name => result.set(name, { error: why }));
          return;
        }
        for (const r of response.results) {
          result.set(
            r.resourceName,
            r.errorCode === 0
              ? { configs: r.configs }
              : {
                  error: describeKafkaError(
                    itemError(r.errorCode, r.errorMessage),
                  ),
                },
          );
        }
        for (const name of batch) {
          if (!result.has(name)) {
            result.set(name, { error: 'The broker did not describe it' });
          }
        }
      },
    );
    return result;
  }

  /**
   * One DescribeLogDirs per broker, naming the replicas of `topics` it
   * hosts; a broker that fails (e.g. not authorized: it needs Describe on
   * the cluster) answers its error.
   */
  async logDirs(
    snapshot: ClusterSnapshot,
    topics: TopicMetadata[],
    concurrency: number,
    signal?: AbortSignal,
  ): Promise<BrokerLogDirs[]> {
    const byBroker = new Map<number, Map<string, number[]>>();
    for (const topic of topics) {
      for (const p of topic.partitions) {
        for (const replica of p.replicas) {
          let hosted = byBroker.get(replica);
          if (!hosted) {
            hosted = new Map();
            byBroker.set(replica, hosted);
          }
          const partitions = hosted.get(topic.name) ?? [];
          partitions.push(p.partition);
          hosted.set(topic.name, partitions);
        }
      }
    }
    if (byBroker.size === 0) return [];
    const describe = await this.api('DescribeLogDirs', DESCRIBE_LOG_DIRS);
    return mapWithConcurrency(
      [...byBroker],
      concurrency,
      async ([broker, hosted]): Promise<BrokerLogDirs> => {
        signal?.throwIfAborted();
        const sizes = new Map<string, number>();
        try {
          const connection = await this.connectionTo(snapshot, broker);
          const response = await answerDespiteItemErrors(
            describe.api.async(
              connection,
              [...hosted].map(([name, partitions]) => ({ name, partitions })),
            ),
          );
          if (response.errorCode !== 0) {
            return {
              broker,
              sizes,
              error: describeKafkaError(itemError(response.errorCode)),
            };
          }
          let dirError: string | undefined;
          for (const dir of response.results) {
            if (dir.errorCode !== 0) {
              // An offline log dir: its replicas' sizes stay unknown.
              dirError ??= `${dir.logDir}: ${describeKafkaError(
                itemError(dir.errorCode),
              )}`;
              continue;
            }
            for (const t of dir.topics) {
              for (const p of t.partitions) {
                // A future replica is a copy being moved between log dirs.
                if (p.isFutureKey) continue;
                sizes.set(
                  replicaKey(t.name, p.partitionIndex),
                  Number(p.partitionSize),
                );
              }
            }
          }
          return { broker, sizes, error: dirError };
        } catch (error) {
          return { broker, sizes, error: describeKafkaError(error) };
        }
      },
    );
  }

  /**
   * The offsets at `timestamp` (EARLIEST or LATEST) of every partition
   * with a leader, one ListOffsets per leader (per 2,500 partitions). A
   * topic with a failed partition is left out and named in `failures`.
   */
  async listOffsets(
    snapshot: ClusterSnapshot,
    topics: TopicMetadata[],
    timestamp: bigint,
    concurrency: number,
    signal?: AbortSignal,
  ): Promise<ListedOffsets> {
    const offsets = new Map<string, Map<number, number>>();
    const failures = new Map<string, string>();
    const batches = leaderBatches(topics, timestamp, failures);
    if (batches.length === 0) return { offsets, failures };
    const list = await this.api('ListOffsets', LIST_OFFSETS);
    await mapWithConcurrency(batches, concurrency, async batch => {
      signal?.throwIfAborted();
      let response: listOffsetsV9.ListOffsetsResponse;
      try {
        const connection = await this.connectionTo(snapshot, batch.leader);
        response = await answerDespiteItemErrors(
          list.api.async(
            connection,
            -1,
            FetchIsolationLevels.READ_UNCOMMITTED,
            batch.topics,
          ),
        );
      } catch (error) {
        const why = describeKafkaError(error);
        batch.topics.forEach(t => failures.set(t.name, why));
        return;
      }
      for (const topic of response.topics) {
        const byPartition = offsets.get(topic.name) ?? new Map();
        offsets.set(topic.name, byPartition);
        for (const p of topic.partitions) {
          if (p.errorCode !== 0) {
            failures.set(
              topic.name,
              describeKafkaError(itemError(p.errorCode)),
            );
          } else {
            byPartition.set(p.partitionIndex, Number(p.offset));
          }
        }
      }
    });
    for (const topic of failures.keys()) offsets.delete(topic);
    return { offsets, failures };
  }

  private async connectionTo(
    snapshot: ClusterSnapshot,
    nodeId: number,
  ): Promise<Connection> {
    const broker = snapshot.brokers.get(nodeId);
    if (!broker) throw new Error(`Broker ${nodeId} is not in the metadata`);
    return this.admin.connections.get(broker);
  }

  /** The cluster's API versions, asked once per client. */
  private apiVersions(): ReturnType<Admin['listApis']> {
    this.apis ??= this.admin.listApis().catch(error => {
      this.apis = undefined;
      throw error;
    });
    return this.apis;
  }

  /** The first of `candidates` (highest version first) the cluster speaks. */
  private async api<T extends { api: { key: number; version: number } }>(
    name: string,
    candidates: readonly T[],
  ): Promise<T> {
    const usable = newestSupported(await this.apiVersions(), candidates);
    if (!usable) {
      const versions = candidates.map(c => c.api.version).join(', ');
      throw new Error(
        `The cluster does not speak ${name} version ${versions} (Kafka 3.5 or later is needed)`,
      );
    }
    return usable;
  }
}

/**
 * The partitions of `topics` by leader, in requests of at most
 * {@link PARTITIONS_PER_LIST_OFFSETS}; topics with a partition without a
 * leader go to `failures`.
 */
function leaderBatches(
  topics: TopicMetadata[],
  timestamp: bigint,
  failures: Map<string, string>,
) {
  type Batch = {
    leader: number;
    count: number;
    topics: listOffsetsV9.ListOffsetsRequestTopic[];
  };
  const open = new Map<number, Batch>();
  const batches: Batch[] = [];
  for (const topic of topics) {
    if (topic.partitions.some(p => p.leader === undefined)) {
      failures.set(topic.name, 'A partition has no leader');
      continue;
    }
    const byLeader = new Map<number, number[]>();
    for (const p of topic.partitions) {
      const list = byLeader.get(p.leader!) ?? [];
      list.push(p.partition);
      byLeader.set(p.leader!, list);
    }
    for (const [leader, partitions] of byLeader) {
      let batch = open.get(leader);
      if (!batch || batch.count >= PARTITIONS_PER_LIST_OFFSETS) {
        batch = { leader, count: 0, topics: [] };
        open.set(leader, batch);
        batches.push(batch);
      }
      batch.count += partitions.length;
      batch.topics.push({
        name: topic.name,
        partitions: partitions.map(partitionIndex => ({
          partitionIndex,
          currentLeaderEpoch: -1,
          timestamp,
        })),
      });
    }
  }
  return batches;
}
