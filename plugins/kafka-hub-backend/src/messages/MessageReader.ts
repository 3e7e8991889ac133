import {
  ClusterMetadata,
  Consumer,
  FetchIsolationLevels,
  fetchV17,
  RecordsBatch,
} from '@platformatic/kafka';
import { NotFoundError } from '@backstage/errors';
import { KafkaMessageReadStop } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { KafkaClusterConfig } from '../config/types';
import { kafkaClientOptions } from '../kafka';

type FetchResponsePartition = fetchV17.FetchResponsePartition;

/** The topic does not exist on the cluster. */
export class TopicNotFoundError extends NotFoundError {}

/** A record as stored, before decoding. */
export interface RawMessage {
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[Buffer | null, Buffer | null]>;
  /** Key, value and headers as stored, in bytes. */
  sizeBytes: number;
}

/** Where a read starts in each partition. */
export type ReadStart =
  | { from: 'latest' }
  | { from: 'offset'; offset: bigint }
  | { from: 'timestamp'; timestamp: number };

export interface ReadRequest {
  topic: string;
  /** Partitions to read; all of the topic's when absent. */
  partitions?: number[];
  start: ReadStart;
  /**
   * Messages per partition: from `latest`, each partition starts this many
   * before its end; otherwise each partition stops after this many.
   */
  perPartition: number;
  /** Most messages in all. */
  maxMessages: number;
  /** Most bytes (key, value and headers as stored) in all. */
  maxBytes: number;
  /** Aborted when the time bound is reached: the read stops with what it has. */
  deadline: AbortSignal;
  /** Aborted when the caller went away: the read stops and throws. */
  cancel?: AbortSignal;
}

export interface PartitionRange {
  partition: number;
  startOffset: bigint;
  nextOffset: bigint;
  endOffset: bigint;
}

export interface ReadResult {
  messages: RawMessage[];
  partitions: PartitionRange[];
  stoppedBy: KafkaMessageReadStop;
}

export interface MessageReaderOptions {
  /** Most bytes one partition answers per fetch. Default: 1 MiB. */
  partitionFetchBytes?: number;
  /** Called after each fetch round, with its number (from 1); for tests. */
  onRound?: (round: number) => void;
}

// The Consumer class needs a group id, but this reader never joins a group
// and never commits: it only issues Metadata, ListOffsets and Fetch
// requests, so no group of this name ever exists on the broker.
const UNUSED_GROUP_ID = 'kafka-hub-message-reader-never-joins';
const EARLIEST = -2n;
const LATEST = -1n;
/** How long the broker may wait for data at the end of a partition. */
const FETCH_MAX_WAIT_MS = 100;
/** Control records' key: version (int16) then type (int16); 0 is ABORT. */
const ABORT_MARKER = 0;
const IS_TRANSACTIONAL = 1 << 4;
const IS_CONTROL = 1 << 5;

interface PartitionCursor extends PartitionRange {
  leader: number;
  /** Messages this partition may still add. */
  remaining: number;
  done: 'end' | 'limit' | undefined;
}

function sizeOf(record: {
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[Buffer | null, Buffer | null]>;
}): number {
  let size = (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const [k, v] of record.headers) {
    size += (k?.length ?? 0) + (v?.length ?? 0);
  }
  return size;
}

/** The client answers a Metadata request for a missing topic with "Unknown topic <name>.". */
function isUnknownTopic(error: unknown, topic: string): boolean {
  return (error as Error)?.message === `Unknown topic ${topic}.`;
}

/**
 * Reads a bounded range of a topic's messages with a throwaway client that
 * never joins a consumer group and never commits offsets: ListOffsets for
 * where to start and end, then Fetch requests per partition leader until
 * every partition reached its end offset (as it was when the read started)
 * or a bound stopped it. Committed transactions only: aborted records and
 * transaction markers are skipped.
 */
export class MessageReader {
  constructor(
    private readonly cluster: KafkaClusterConfig,
    private readonly options: MessageReaderOptions = {},
  ) {}

  async read(request: ReadRequest): Promise<ReadResult> {
    const consumer = new Consumer({
      ...kafkaClientOptions(this.cluster),
      groupId: UNUSED_GROUP_ID,
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
    });
    const closeOnCancel = () => {
      consumer.close(true).catch(() => {});
    };
    request.cancel?.addEventListener('abort', closeOnCancel);
    try {
      return await this.readWith(consumer, request);
    } finally {
      request.cancel?.removeEventListener('abort', closeOnCancel);
      await consumer.close(true).catch(() => {});
    }
  }

  private async readWith(
    consumer: Consumer,
    request: ReadRequest,
  ): Promise<ReadResult> {
    const { topic } = request;
    let metadata: ClusterMetadata;
    try {
      metadata = await consumer.metadata({ topics: [topic] });
    } catch (error) {
      if (isUnknownTopic(error, topic)) {
        throw new TopicNotFoundError(`No topic ${topic}`);
      }
      throw error;
    }
    const topicMetadata = metadata.topics.get(topic);
    if (!topicMetadata) throw new TopicNotFoundError(`No topic ${topic}`);
    const all = topicMetadata.partitions.map((_, i) => i);
    const partitions = request.partitions ?? all;
    for (const partition of partitions) {
      if (!Number.isInteger(partition) || !all.includes(partition)) {
        throw new NotFoundError(
          `Topic ${topic} has no partition ${partition} (it has ${all.length})`,
        );
      }
    }
    // Consumer.fetch resolves its topics' metadata from the tracked ones.
    consumer.topics.track(topic);

    const listOffsets = async (timestamp: bigint) =>
      (
        await consumer.listOffsets({
          topics: [topic],
          partitions: { [topic]: partitions },
          timestamp,
          isolationLevel: FetchIsolationLevels.READ_COMMITTED,
        })
      ).get(topic) ?? [];
    const [earliest, latest] = await Promise.all([
      listOffsets(EARLIEST),
      listOffsets(LATEST),
    ]);
    const { start } = request;
    const byTimestamp =
      start.from === 'timestamp'
        ? await listOffsets(BigInt(start.timestamp))
        : undefined;

    const cursors: PartitionCursor[] = partitions.map(partition => {
      const low = earliest[partition] ?? 0n;
      const end = latest[partition] ?? 0n;
      let first: bigint;
      if (start.from === 'latest') {
        first = end - BigInt(request.perPartition);
      } else if (start.from === 'offset') {
        first = start.offset;
      } else {
        // -1: no message at or after the timestamp.
        const found = byTimestamp![partition];
        first = found === undefined || found < 0n ? end : found;
      }
      if (first < low) first = low;
      if (first > end) first = end;
      return {
        partition,
        leader: topicMetadata.partitions[partition].leader,
        startOffset: first,
        nextOffset: first,
        endOffset: end,
        remaining: request.perPartition,
        done: first >= end ? 'end' : undefined,
      };
    });

    const messages: RawMessage[] = [];
    let bytes = 0;
    let stopped: KafkaMessageReadStop | undefined;
    const partitionFetchBytes = this.options.partitionFetchBytes ?? 1 << 20;
    let round = 0;

    while (!stopped) {
      if (request.cancel?.aborted) throw new Error('Message read cancelled');
      if (request.deadline.aborted) {
        stopped = 'time';
        break;
      }
      const active = cursors.filter(c => !c.done);
      if (active.length === 0) break;
      const byLeader = new Map<number, PartitionCursor[]>();
      for (const cursor of active) {
        const list = byLeader.get(cursor.leader) ?? [];
        list.push(cursor);
        byLeader.set(cursor.leader, list);
      }
      const fetches = [...byLeader].map(([node, group]) =>
        consumer
          .fetch({
            node,
            maxWaitTime: FETCH_MAX_WAIT_MS,
            minBytes: 1,
            maxBytes: Math.min(
              partitionFetchBytes * group.length,
              request.maxBytes,
            ),
            isolationLevel: FetchIsolationLevels.READ_COMMITTED,
            topics: [
              {
                topicId: topicMetadata.id,
                partitions: group.map(cursor => ({
                  partition: cursor.partition,
                  fetchOffset: cursor.nextOffset,
                  partitionMaxBytes: partitionFetchBytes,
                  currentLeaderEpoch: -1,
                  lastFetchedEpoch: -1,
                })),
              },
            ],
          })
          .then(response => ({ group, response })),
      );
      const answers = await raceDeadline(
        Promise.all(fetches),
        request.deadline,
        request.cancel,
      );
      if (answers === 'deadline') {
        stopped = 'time';
        break;
      }
      round++;
      const answered = new Map<number, FetchResponsePartition>();
      for (const { response } of answers) {
        for (const topicAnswer of response.responses) {
          for (const p of topicAnswer.partitions) {
            answered.set(p.partitionIndex, p);
          }
        }
      }
      // Partitions in a stable order, so a bound cuts the same way each time.
      for (const cursor of active.sort((a, b) => a.partition - b.partition)) {
        const answer = answered.get(cursor.partition);
        if (!answer?.records) continue;
        for (const record of committedRecords(answer, cursor)) {
          if (record.offset >= cursor.endOffset) {
            cursor.done = 'end';
            break;
          }
          if (messages.length >= request.maxMessages) {
            stopped = 'limit';
            break;
          }
          if (bytes + record.sizeBytes > request.maxBytes) {
            stopped = 'bytes';
            break;
          }
          messages.push(record);
          bytes += record.sizeBytes;
          cursor.nextOffset = record.offset + 1n;
          cursor.remaining--;
          if (cursor.remaining <= 0) {
            cursor.done = 'limit';
            break;
          }
        }
        if (stopped) break;
        if (!cursor.done) {
          // Past the last batch, markers and aborted records included.
          const next = nextOffsetAfter(answer.records);
          if (next !== undefined && next > cursor.nextOffset) {
            cursor.nextOffset = next;
          }
          if (cursor.nextOffset >= cursor.endOffset) cursor.done = 'end';
        }
      }
      this.options.onRound?.(round);
    }

    if (!stopped) {
      stopped = cursors.some(
        c => c.done === 'limit' && c.nextOffset < c.endOffset,
      )
        ? 'limit'
        : 'end';
    }
    messages.sort((a, b) => {
      if (a.partition !== b.partition) return a.partition - b.partition;
      return a.offset < b.offset ? -1 : 1;
    });
    return {
      messages,
      partitions: cursors.map(
        ({ partition, startOffset, nextOffset, endOffset }) => ({
          partition,
          startOffset,
          nextOffset,
          endOffset,
        }),
      ),
      stoppedBy: stopped,
    };
  }
}

/** The offset after the last batch of a fetch answer. */
function nextOffsetAfter(batches: RecordsBatch[]): bigint | undefined {
  const last = batches[batches.length - 1];
  return last
    ? last.firstOffset + BigInt(last.lastOffsetDelta) + 1n
    : undefined;
}

/**
 * The committed data records of one partition's answer from the cursor's
 * offset on: transaction markers are skipped, and so are the records of
 * the transactions the broker lists as aborted (what a read_committed
 * consumer does).
 */
function* committedRecords(
  answer: FetchResponsePartition,
  cursor: PartitionCursor,
): Generator<RawMessage> {
  const aborted = [...(answer.abortedTransactions ?? [])].sort((a, b) =>
    a.firstOffset < b.firstOffset ? -1 : 1,
  );
  const abortedProducers = new Set<bigint>();
  for (const batch of answer.records ?? []) {
    const lastOffset = batch.firstOffset + BigInt(batch.lastOffsetDelta);
    while (aborted.length > 0 && aborted[0].firstOffset <= lastOffset) {
      abortedProducers.add(aborted.shift()!.producerId);
    }
    const transactional = (batch.attributes & IS_TRANSACTIONAL) !== 0;
    if (batch.attributes & IS_CONTROL) {
      const key = batch.records[0]?.key;
      if (
        transactional &&
        key &&
        key.length >= 4 &&
        key.readInt16BE(2) === ABORT_MARKER
      ) {
        abortedProducers.delete(batch.producerId);
      }
      continue;
    }
    if (transactional && abortedProducers.has(batch.producerId)) continue;
    for (const record of batch.records) {
      const offset = batch.firstOffset + BigInt(record.offsetDelta);
      // A batch may start before the offset asked for.
      if (offset < cursor.nextOffset) continue;
      yield {
        partition: cursor.partition,
        offset,
        timestamp: batch.firstTimestamp + record.timestampDelta,
        key: record.key,
        value: record.value,
        headers: record.headers,
        sizeBytes: sizeOf(record),
      };
    }
  }
}

/** Waits for `work` unless the deadline passes first; a cancel throws. */
async function raceDeadline<T>(
  work: Promise<T>,
  deadline: AbortSignal,
  cancel?: AbortSignal,
): Promise<T | 'deadline'> {
  let onAbort: (() => void) | undefined;
  let onCancel: (() => void) | undefined;
  const stop = new Promise<'deadline'>((resolve, reject) => {
    onAbort = () => resolve('deadline');
    onCancel = () => reject(new Error('Message read cancelled'));
    deadline.addEventListener('abort', onAbort);
    cancel?.addEventListener('abort', onCancel);
  });
  try {
    return await Promise.race([work, stop]);
  } finally {
    deadline.removeEventListener('abort', onAbort!);
    cancel?.removeEventListener('abort', onCancel!);
    // The losing fetch fails when the client closes; nobody waits for it.
    work.catch(() => {});
  }
}
