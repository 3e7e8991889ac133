import { Admin, Kafka, PartitionMetadata } from 'kafkajs';
import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';
import { offsetsPartitionFor } from './describeGroup';
import {
  GroupOffsetsAnswer,
  OFFSET_FETCH_API_KEY,
  OFFSET_FETCH_BATCH_VERSION,
  offsetFetchBatchRequest,
} from './offsetFetchBatch';

/** Committed offsets of one group, as kafkajs's `admin.fetchOffsets` gives them. */
export type CommittedTopicOffsets = Array<{
  topic: string;
  partitions: Array<{ partition: number; offset: string }>;
}>;

type TopicPartitionOffsets = Array<{
  topic: string;
  partitions: Array<{ partition: number; offset: string }>;
}>;

/**
 * The two requests of kafkajs's internal broker (kafkajs 2.x) that the
 * admin client only offers one topic or one FindCoordinator at a time, and
 * the API versions the broker told on connecting.
 */
interface InternalBroker {
  versions?: Record<number, { minVersion: number; maxVersion: number }>;
  offsetFetch(request: {
    groupId: string;
    topics: Array<{ topic: string; partitions: Array<{ partition: number }> }>;
  }): Promise<{ responses: TopicPartitionOffsets }>;
  listOffsets(request: {
    isolationLevel?: number;
    topics: Array<{
      topic: string;
      partitions: Array<{ partition: number; timestamp: number }>;
    }>;
  }): Promise<{ responses: TopicPartitionOffsets }>;
}

/** The part of kafkajs's internal cluster (kafkajs 2.x) used here. */
interface InternalCluster {
  findBroker(options: { nodeId: string }): Promise<InternalBroker>;
  isolationLevel?: number;
}

/** What one metadata request tells about the cluster. */
export interface ClusterSnapshot {
  /** Every topic and its partitions, with their leaders. */
  topics: Map<string, PartitionMetadata[]>;
  /** The node that coordinates a group, when the metadata tells. */
  coordinatorOf(groupId: string): number | undefined;
}

/** Committed offsets of one group, or why they could not be fetched. */
export type GroupCommittedOffsets =
  | { offsets: CommittedTopicOffsets; error?: undefined }
  | { offsets?: undefined; error: unknown };

/** Groups per batched OffsetFetch: a few requests in flight per coordinator. */
const GROUPS_PER_REQUEST = 100;
/** ListOffsets timestamp for "the offset of the next message". */
const LATEST = -1;
/** Partitions per ListOffsets request: a few requests in parallel per broker. */
const PARTITIONS_PER_REQUEST = 2500;

/**
 * The lag sampler's view of one cluster: an admin client whose committed-
 * and end-offset lookups are batched.
 *
 * kafkajs's admin sends a FindCoordinator before every OffsetFetch and
 * looks end offsets up one topic at a time (two ListOffsets each, after
 * adding the topic to the metadata it keeps, which refreshes the metadata
 * of every topic added so far). Here one metadata request per sample gives
 * every topic's partition leaders and every group's coordinator (the
 * leader of the group's `__consumer_offsets` partition); the committed
 * offsets of up to 100 groups then take one OffsetFetch (version 8, see
 * {@link offsetFetchBatchRequest}) to their coordinator, and the end
 * offsets of all topics one ListOffsets per leader (per 2,500 partitions).
 *
 * Those direct requests use kafkajs's internal broker objects, reached
 * through the cluster the admin client is built on. If a kafkajs version
 * does not have them, the public admin calls do the work. A broker older
 * than Kafka 3.0 (no OffsetFetch version 8) gets one OffsetFetch per group.
 * A group the batch could not answer (its coordinator moved, it is
 * loading) is asked again by the admin client, with kafkajs's coordinator
 * lookup and retries; failed ListOffsets are redone once on fresh metadata,
 * then topic by topic by the admin client.
 */
export class OffsetsClient {
  readonly admin: Admin;
  private readonly cluster?: InternalCluster;

  constructor(kafka: Kafka, options: { batched?: boolean } = {}) {
    const { admin, cluster } = adminWithCluster(kafka);
    this.admin = admin;
    this.cluster = options.batched === false ? undefined : cluster;
  }

  /** Whether lookups are batched (kafkajs's internals were found). */
  get batched(): boolean {
    return this.cluster !== undefined;
  }

  /** One metadata request: every topic's partitions and leaders. */
  async snapshot(): Promise<ClusterSnapshot> {
    const { topics } = await this.admin.fetchTopicMetadata();
    const byName = new Map(topics.map(t => [t.name, t.partitions]));
    const offsets = byName.get('__consumer_offsets') ?? [];
    const leaders = new Map(offsets.map(p => [p.partitionId, p.leader]));
    return {
      topics: byName,
      coordinatorOf: groupId => {
        if (offsets.length === 0) return undefined;
        const leader = leaders.get(
          offsetsPartitionFor(groupId, offsets.length),
        );
        return leader !== undefined && leader >= 0 ? leader : undefined;
      },
    };
  }

  /**
   * Every committed offset of each group, in the order of `groupIds`
   * (partitions without a commit are not listed).
   */
  async committedOffsetsOfGroups(
    groupIds: string[],
    snapshot: ClusterSnapshot,
    concurrency: number,
  ): Promise<GroupCommittedOffsets[]> {
    const results = new Array<GroupCommittedOffsets>(groupIds.length);
    const direct: number[] = [];
    const viaAdmin: number[] = [];
    const byCoordinator = new Map<number, number[]>();
    groupIds.forEach((groupId, i) => {
      const coordinator = this.cluster
        ? snapshot.coordinatorOf(groupId)
        : undefined;
      if (coordinator === undefined) {
        viaAdmin.push(i);
        return;
      }
      const list = byCoordinator.get(coordinator) ?? [];
      list.push(i);
      byCoordinator.set(coordinator, list);
    });
    const batches = [...byCoordinator].flatMap(([coordinator, indexes]) => {
      const result = [];
      for (let i = 0; i < indexes.length; i += GROUPS_PER_REQUEST) {
        result.push({
          coordinator,
          indexes: indexes.slice(i, i + GROUPS_PER_REQUEST),
        });
      }
      return result;
    });

    await mapWithConcurrency(batches, concurrency, async batch => {
      const answers = await this.offsetFetchBatch(
        batch.coordinator,
        batch.indexes.map(i => groupIds[i]),
      );
      if (!answers) {
        direct.push(...batch.indexes);
        return;
      }
      const byGroup = new Map(answers.map(a => [a.groupId, a]));
      for (const i of batch.indexes) {
        const answer = byGroup.get(groupIds[i]);
        const failed =
          !answer ||
          answer.errorCode !== 0 ||
          answer.topics.some(t => t.partitions.some(p => p.errorCode !== 0));
        if (failed) {
          viaAdmin.push(i);
          continue;
        }
        results[i] = {
          offsets: answer.topics.map(({ topic, partitions }) => ({
            topic,
            partitions: partitions.map(({ partition, offset }) => ({
              partition,
              offset,
            })),
          })),
        };
      }
    });

    const one = async (i: number, viaCoordinator: boolean) => {
      try {
        results[i] = {
          offsets: viaCoordinator
            ? await this.committedOffsets(groupIds[i], snapshot)
            : await this.admin.fetchOffsets({ groupId: groupIds[i] }),
        };
      } catch (error) {
        results[i] = { error };
      }
    };
    await mapWithConcurrency(
      [
        ...direct.map(i => () => one(i, true)),
        ...viaAdmin.map(i => () => one(i, false)),
      ],
      concurrency,
      task => task(),
    );
    return results;
  }

  /** Every committed offset of a group (partitions without one are not listed). */
  async committedOffsets(
    groupId: string,
    snapshot: ClusterSnapshot,
  ): Promise<CommittedTopicOffsets> {
    const coordinator = snapshot.coordinatorOf(groupId);
    if (this.cluster && coordinator !== undefined) {
      try {
        const broker = await this.cluster.findBroker({
          nodeId: String(coordinator),
        });
        const { responses } = await broker.offsetFetch({ groupId, topics: [] });
        return responses.map(({ topic, partitions }) => ({
          topic,
          partitions: partitions.map(({ partition, offset }) => ({
            partition,
            offset,
          })),
        }));
      } catch {
        // Another coordinator now, or it is loading: ask the admin client.
      }
    }
    return this.admin.fetchOffsets({ groupId });
  }

  /**
   * One OffsetFetch version 8 for many groups of one coordinator; undefined
   * when the broker does not speak it or the request failed.
   */
  private async offsetFetchBatch(
    coordinator: number,
    groupIds: string[],
  ): Promise<GroupOffsetsAnswer[] | undefined> {
    try {
      const broker = await this.cluster!.findBroker({
        nodeId: String(coordinator),
      });
      const version = broker.versions?.[OFFSET_FETCH_API_KEY];
      const send = sendRequestOf(broker);
      if (
        !send ||
        !version ||
        version.maxVersion < OFFSET_FETCH_BATCH_VERSION ||
        version.minVersion > OFFSET_FETCH_BATCH_VERSION
      ) {
        return undefined;
      }
      return (await send.call(
        broker,
        offsetFetchBatchRequest(groupIds),
      )) as GroupOffsetsAnswer[];
    } catch {
      return undefined;
    }
  }

  /**
   * End offsets (the offset the next message will get) of every partition
   * of `topics`. Topics missing from the snapshot, or deleted before their
   * offsets were read, are left out.
   */
  async endOffsets(
    topics: string[],
    snapshot: ClusterSnapshot,
    concurrency: number,
  ): Promise<Map<string, Map<number, number>>> {
    const result = new Map<string, Map<number, number>>();
    let left = topics.filter(t => snapshot.topics.has(t));
    if (this.cluster) {
      left = await this.listOffsets(left, snapshot, concurrency, result);
      if (left.length > 0) {
        // A leader moved or a topic went since the snapshot: once more on
        // fresh metadata, then topic by topic with kafkajs's rediscovery.
        const fresh = await this.snapshot();
        left = await this.listOffsets(
          left.filter(t => fresh.topics.has(t)),
          fresh,
          concurrency,
          result,
        );
      }
    }
    await mapWithConcurrency(left, concurrency, async topic => {
      try {
        const offsets = await this.admin.fetchTopicOffsets(topic);
        result.set(
          topic,
          new Map(offsets.map(p => [p.partition, Number(p.high)])),
        );
      } catch (error) {
        if (!isUnknownTopic(error)) throw error;
      }
    });
    return result;
  }

  /**
   * One ListOffsets per leader (per {@link PARTITIONS_PER_REQUEST}) into
   * `result`; returns the topics of the requests that failed.
   */
  private async listOffsets(
    topics: string[],
    snapshot: ClusterSnapshot,
    concurrency: number,
    result: Map<string, Map<number, number>>,
  ): Promise<string[]> {
    const cluster = this.cluster!;
    const failed: string[] = [];
    const batches = leaderBatches(topics, snapshot, PARTITIONS_PER_REQUEST);
    await mapWithConcurrency(batches, concurrency, async batch => {
      let responses: TopicPartitionOffsets;
      try {
        const broker = await cluster.findBroker({
          nodeId: String(batch.leader),
        });
        ({ responses } = await broker.listOffsets({
          isolationLevel: cluster.isolationLevel,
          topics: batch.topics,
        }));
      } catch {
        failed.push(...batch.topics.map(t => t.topic));
        return;
      }
      for (const { topic, partitions } of responses) {
        const offsets = result.get(topic) ?? new Map<number, number>();
        result.set(topic, offsets);
        for (const { partition, offset } of partitions) {
          offsets.set(partition, Number(offset));
        }
      }
    });
    // A topic with partitions on several leaders may have half its answer.
    failed.forEach(t => result.delete(t));
    return [...new Set(failed)];
  }
}

/** The partitions of `topics` grouped by leader, in requests of at most `size`. */
function leaderBatches(
  topics: string[],
  snapshot: ClusterSnapshot,
  size: number,
) {
  type Batch = {
    leader: number;
    count: number;
    topics: Array<{
      topic: string;
      partitions: Array<{ partition: number; timestamp: number }>;
    }>;
  };
  const open = new Map<number, Batch>();
  const batches: Batch[] = [];
  for (const topic of topics) {
    const byLeader = new Map<number, number[]>();
    for (const p of snapshot.topics.get(topic) ?? []) {
      // No leader: nothing can answer for the partition now.
      if (p.leader === undefined || p.leader < 0) continue;
      const list = byLeader.get(p.leader) ?? [];
      list.push(p.partitionId);
      byLeader.set(p.leader, list);
    }
    for (const [leader, partitions] of byLeader) {
      let batch = open.get(leader);
      if (!batch || batch.count >= size) {
        batch = { leader, count: 0, topics: [] };
        open.set(leader, batch);
        batches.push(batch);
      }
      batch.count += partitions.length;
      batch.topics.push({
        topic,
        partitions: partitions.map(partition => ({
          partition,
          timestamp: LATEST,
        })),
      });
    }
  }
  return batches;
}

/**
 * kafkajs's broker sends every request through one private method (keyed
 * by a symbol of its class); undefined in a kafkajs without it.
 */
function sendRequestOf(
  broker: InternalBroker,
): ((request: unknown) => Promise<unknown>) | undefined {
  for (
    let proto = Object.getPrototypeOf(broker);
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    const key = Object.getOwnPropertySymbols(proto).find(
      s => s.description === 'private:Broker:sendRequest',
    );
    const send = key ? proto[key] : undefined;
    if (typeof send === 'function') return send;
  }
  return undefined;
}

function isUnknownTopic(error: unknown): boolean {
  let current: any = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current.type === 'UNKNOWN_TOPIC_OR_PARTITION') return true;
    current = current.cause ?? current.originalError;
  }
  return false;
}

/**
 * An admin client and the internal cluster it is built on. kafkajs keeps
 * the cluster factory under a private symbol of the client; it is wrapped
 * for the one `admin()` call so the cluster it creates can be kept. No
 * cluster (another kafkajs) means the public admin calls only.
 */
function adminWithCluster(kafka: Kafka): {
  admin: Admin;
  cluster?: InternalCluster;
} {
  const holder = kafka as unknown as Record<symbol, unknown>;
  const key = Object.getOwnPropertySymbols(holder).find(
    s => s.description === 'private:Kafka:createCluster',
  );
  const create = key ? holder[key] : undefined;
  if (!key || typeof create !== 'function') return { admin: kafka.admin() };
  let created: unknown;
  holder[key] = (...args: unknown[]) => {
    created = create(...args);
    return created;
  };
  try {
    const admin = kafka.admin();
    const cluster = created as Partial<InternalCluster> | undefined;
    return typeof cluster?.findBroker === 'function'
      ? { admin, cluster: cluster as InternalCluster }
      : { admin };
  } finally {
    holder[key] = create;
  }
}
