import {
  Broker,
  ConfigResourceTypes,
  describeConfigsV4,
  describeLogDirsV4,
  FetchIsolationLevels,
  metadataV12,
} from '@platformatic/kafka';
import { KafkaTopicPartition } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';
import { chunks } from '../database/chunks';
import { describeKafkaError } from '../kafka';
import { ClusterProtocolClient } from '../kafka/ClusterProtocolClient';
import {
  LedPartitions,
  LIST_OFFSETS,
  listOffsetsPerLeader,
} from '../kafka/listOffsetsPerLeader';
import { answerDespiteItemErrors, itemError } from '../kafka/protocolAnswers';

/** Topics per DescribeConfigs request: an answer of a few MB at most. */
const TOPICS_PER_DESCRIBE_CONFIGS = 1000;

// The versions of Kafka 3.5 and later, highest first (see OffsetsClient).
const METADATA = [metadataV12];
const DESCRIBE_CONFIGS = [describeConfigsV4];
const DESCRIBE_LOG_DIRS = [describeLogDirsV4];

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
 * The topic sampler's batched requests on one cluster (see
 * {@link ClusterProtocolClient}):
 * - one Metadata request for every topic;
 * - DescribeConfigs for up to 1,000 topics per request, to any broker;
 * - one DescribeLogDirs per broker, for the replicas it hosts;
 * - ListOffsets per leader (up to 2,500 partitions per request), once
 *   for the earliest and once for the latest offsets (a request may not
 *   name a partition twice).
 * Items answering an error code fail alone. Requests are counted by API.
 */
export class TopicClient extends ClusterProtocolClient {
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
          const connection = await this.connectionToNode(
            snapshot.brokers,
            broker,
          );
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
    const failures = new Map<string, string>();
    const led: LedPartitions[] = [];
    for (const topic of topics) {
      if (topic.partitions.some(p => p.leader === undefined)) {
        failures.set(topic.name, 'A partition has no leader');
        continue;
      }
      led.push({
        topic: topic.name,
        partitions: topic.partitions.map(p => ({
          partition: p.partition,
          leader: p.leader!,
        })),
      });
    }
    if (led.length === 0) return { offsets: new Map(), failures };
    const listed = await listOffsetsPerLeader({
      listOffsets: await this.api('ListOffsets', LIST_OFFSETS),
      connectionTo: leader => this.connectionToNode(snapshot.brokers, leader),
      isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED,
      topics: led,
      timestamp,
      concurrency,
      signal,
    });
    for (const [topic, error] of listed.failures) {
      failures.set(topic, describeKafkaError(error));
    }
    return { offsets: listed.offsets, failures };
  }
}
