import {
  Connection,
  FetchIsolationLevels,
  listOffsetsV7,
  listOffsetsV8,
  listOffsetsV9,
} from '@platformatic/kafka';
import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';
import { answerDespiteItemErrors, itemError } from './protocolAnswers';

/** ListOffsets versions of Kafka 3.5 and later, highest first (one request and answer shape). */
export const LIST_OFFSETS = [listOffsetsV9, listOffsetsV8, listOffsetsV7];

/** ListOffsets timestamps: the log start offset and the offset the next message gets. */
export const EARLIEST = -2n;
export const LATEST = -1n;

/** Partitions per ListOffsets: a few requests in flight per leader. */
const PARTITIONS_PER_REQUEST = 2500;

/** A topic's partitions that have a leader, with it. */
export interface LedPartitions {
  topic: string;
  partitions: Array<{
    partition: number;
    leader: number;
    /** Lets the leader refuse a request based on stale metadata; -1 when unknown. */
    leaderEpoch?: number;
  }>;
}

/** Offsets by topic and partition, and why the topics that failed did. */
export interface OffsetsPerPartition {
  offsets: Map<string, Map<number, number>>;
  failures: Map<string, Error>;
}

/**
 * The offsets at `timestamp` (EARLIEST, LATEST or a time in ms) of the
 * given partitions: one ListOffsets per leader, per 2,500 partitions, at
 * most `concurrency` in flight. A request that fails, or a partition that
 * answers an error code, fails its topics alone: a topic with one failed
 * partition is left out of `offsets` and named in `failures`. With
 * `signal` aborted no further request is sent: it throws its reason.
 */
export async function listOffsetsPerLeader(options: {
  listOffsets: (typeof LIST_OFFSETS)[number];
  connectionTo: (leader: number) => Promise<Connection>;
  isolationLevel: (typeof FetchIsolationLevels)[keyof typeof FetchIsolationLevels];
  topics: LedPartitions[];
  timestamp: bigint;
  concurrency: number;
  signal?: AbortSignal;
}): Promise<OffsetsPerPartition> {
  const { listOffsets, connectionTo, isolationLevel, signal } = options;
  const offsets = new Map<string, Map<number, number>>();
  const failures = new Map<string, Error>();
  const batches = leaderBatches(options.topics, options.timestamp);
  await mapWithConcurrency(batches, options.concurrency, async batch => {
    signal?.throwIfAborted();
    let response: listOffsetsV9.ListOffsetsResponse;
    try {
      response = await answerDespiteItemErrors(
        listOffsets.api.async(
          await connectionTo(batch.leader),
          -1,
          isolationLevel,
          batch.topics,
        ),
      );
    } catch (error) {
      batch.topics.forEach(t => failures.set(t.name, error as Error));
      return;
    }
    for (const topic of response.topics) {
      const byPartition = offsets.get(topic.name) ?? new Map<number, number>();
      offsets.set(topic.name, byPartition);
      for (const p of topic.partitions) {
        if (p.errorCode !== 0) {
          failures.set(topic.name, itemError(p.errorCode));
        } else {
          byPartition.set(p.partitionIndex, Number(p.offset));
        }
      }
    }
  });
  for (const topic of failures.keys()) offsets.delete(topic);
  return { offsets, failures };
}

/** The partitions by leader, in requests of at most {@link PARTITIONS_PER_REQUEST}. */
function leaderBatches(topics: LedPartitions[], timestamp: bigint) {
  type Batch = {
    leader: number;
    count: number;
    topics: listOffsetsV9.ListOffsetsRequestTopic[];
  };
  const open = new Map<number, Batch>();
  const batches: Batch[] = [];
  for (const { topic, partitions } of topics) {
    const byLeader = new Map<
      number,
      listOffsetsV9.ListOffsetsRequestPartition[]
    >();
    for (const p of partitions) {
      const list = byLeader.get(p.leader) ?? [];
      list.push({
        partitionIndex: p.partition,
        currentLeaderEpoch: p.leaderEpoch ?? -1,
        timestamp,
      });
      byLeader.set(p.leader, list);
    }
    for (const [leader, requested] of byLeader) {
      let batch = open.get(leader);
      if (!batch || batch.count >= PARTITIONS_PER_REQUEST) {
        batch = { leader, count: 0, topics: [] };
        open.set(leader, batch);
        batches.push(batch);
      }
      batch.count += requested.length;
      batch.topics.push({ name: topic, partitions: requested });
    }
  }
  return batches;
}
