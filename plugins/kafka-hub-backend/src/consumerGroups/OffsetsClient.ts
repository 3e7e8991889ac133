import { setTimeout as delay } from 'timers/promises';
import {
  Broker,
  Connection,
  FetchIsolationLevels,
  metadataV12,
  offsetFetchV8,
  offsetFetchV9,
} from '@platformatic/kafka';
import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';
import { chunks } from '../database/chunks';
import { ClusterProtocolClient } from '../kafka/ClusterProtocolClient';
import { findGroupCoordinators } from '../kafka/groupCoordinators';
import {
  LATEST,
  LedPartitions,
  LIST_OFFSETS,
  listOffsetsPerLeader,
} from '../kafka/listOffsetsPerLeader';
import { answerDespiteItemErrors, itemError } from '../kafka/protocolAnswers';

/** Committed offsets of one group: partitions without a commit are not listed. */
export type CommittedTopicOffsets = Array<{
  topic: string;
  partitions: Array<{ partition: number; offset: number }>;
}>;

/** Committed offsets of one group, or why they could not be fetched. */
export type GroupCommittedOffsets =
  | { offsets: CommittedTopicOffsets; error?: undefined }
  | { offsets?: undefined; error: unknown };

/** End offsets (the offset the next message gets) by topic and partition. */
export type EndOffsets = Map<string, Map<number, number>>;

/** Groups per OffsetFetch: a few requests in flight per coordinator. */
const GROUPS_PER_REQUEST = 100;
/** Pause before asking a moved or loading coordinator again. */
const RETRY_DELAY_MS = 250;

/** A partition's answer to a stable OffsetFetch while its transactional commit is pending. */
const UNSTABLE_COMMIT = 'UNSTABLE_OFFSET_COMMIT';

/** Group error codes that mean "ask the group's new coordinator". */
const COORDINATOR_MOVED = new Set([
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
]);

// The versions of Kafka 3.5 and later (what `@platformatic/kafka`
// supports), highest first: the first one the broker speaks is used. The
// same arguments and answer shape within each list.
const METADATA = [metadataV12];
const OFFSET_FETCH = [offsetFetchV9, offsetFetchV8];

interface Snapshot {
  /** Partitions without a leader are left out: nothing can answer for them now. */
  topics: LedPartitions[];
  brokers: Map<number, Broker>;
}

interface OffsetFetchBatch {
  coordinator: number;
  requireStable: boolean;
  indexes: number[];
}

/** A transactional commit of the partition is not yet committed or aborted. */
function isUnstableCommit(error: unknown): boolean {
  return (error as { apiId?: unknown } | undefined)?.apiId === UNSTABLE_COMMIT;
}

/**
 * Whether a group's failure may pass when asked again after a new
 * coordinator lookup: a coordinator that moved or is loading, or a broker
 * that did not answer. Error codes such as GROUP_AUTHORIZATION_FAILED stay.
 */
function worthAnotherTry(error: unknown): boolean {
  const apiId = (error as { apiId?: unknown } | undefined)?.apiId;
  return typeof apiId === 'string' ? COORDINATOR_MOVED.has(apiId) : true;
}

/**
 * The lag sampler's batched offset lookups on one cluster, through
 * `@platformatic/kafka`'s public protocol APIs on its admin's connections.
 *
 * The admin client's own calls cost more per sample: `listOffsets` sends a
 * metadata request of its own and fails whole on one deleted topic, and
 * `listConsumerGroupOffsets` sends a FindCoordinator per call and fails
 * (and is retried) whole when one group answers an error code. Here:
 * - committed offsets: one OffsetFetch (version 8+, KIP-709, Kafka 3.0+)
 *   per coordinator for up to 100 groups. Coordinators are found with one
 *   batched FindCoordinator and kept across samples; a group whose
 *   coordinator moved, or did not answer, is asked once more after a new
 *   lookup. A group answering an error code (e.g. not authorized) gets its
 *   own error; the others in its request are unaffected.
 * - end offsets: one metadata request for the topics wanted (topics that
 *   are gone or not visible are left out), then one ListOffsets per leader
 *   (per 2,500 partitions). Partitions that failed are asked once more on
 *   fresh metadata.
 */
export class OffsetsClient extends ClusterProtocolClient {
  private brokers = new Map<number, Broker>();
  private readonly coordinators = new Map<string, number>();

  /**
   * Every committed offset of each group, in the order of `groupIds`. With
   * `signal` aborted no further request is sent: it throws its reason.
   *
   * Offsets are asked with require_stable. Kafka's group coordinator (the
   * only one since Kafka 4.0) answers a plain OffsetFetch from its state at
   * the offsets partition's high watermark: a coordinator that just took
   * over from a crashed one may hold commits its high watermark does not
   * cover yet, and answer older ones, or none, until its followers catch
   * up (an older commit reads as a rewind, none as a group that lost its
   * offsets). A stable fetch is answered from every commit it holds, once
   * they are replicated. A partition whose transactional commit is still
   * pending answers UNSTABLE_OFFSET_COMMIT to it: its group is asked once
   * more without require_stable, which answers the last committed offsets.
   */
  async committedOffsetsOfGroups(
    groupIds: string[],
    concurrency: number,
    signal?: AbortSignal,
  ): Promise<GroupCommittedOffsets[]> {
    const results = new Array<GroupCommittedOffsets>(groupIds.length);
    signal?.throwIfAborted();
    const offsetFetch = await this.api('OffsetFetch', OFFSET_FETCH);
    /** Groups asked again after a failure, on a new coordinator lookup. */
    const movedOnce = new Set<number>();
    /** Groups with a pending transactional commit: asked without require_stable. */
    const unstable = new Set<number>();

    let pending = groupIds.map((_, i) => i);
    let again: number[] = [];
    /** Records a group's failure; asks it again if that may help. */
    const failed = (i: number, error: unknown) => {
      results[i] = { error };
      if (isUnstableCommit(error) && !unstable.has(i)) {
        unstable.add(i);
        again.push(i);
      } else if (!movedOnce.has(i) && worthAnotherTry(error)) {
        movedOnce.add(i);
        this.coordinators.delete(groupIds[i]);
        again.push(i);
      }
    };

    for (let attempt = 0; pending.length > 0; attempt++) {
      signal?.throwIfAborted();
      if (attempt > 0) {
        await delay(RETRY_DELAY_MS);
        signal?.throwIfAborted();
      }
      again = [];
      const unknown = pending
        .map(i => groupIds[i])
        .filter(id => !this.coordinators.has(id));
      const lookupErrors = await this.findCoordinators(unknown);
      const byRequest = new Map<string, OffsetFetchBatch>();
      for (const i of pending) {
        const coordinator = this.coordinators.get(groupIds[i]);
        if (coordinator === undefined) {
          failed(i, lookupErrors.get(groupIds[i]));
          continue;
        }
        const requireStable = !unstable.has(i);
        const key = `${coordinator} ${requireStable}`;
        const batch = byRequest.get(key) ?? {
          coordinator,
          requireStable,
          indexes: [],
        };
        batch.indexes.push(i);
        byRequest.set(key, batch);
      }
      const batches = [...byRequest.values()].flatMap(batch =>
        chunks(batch.indexes, GROUPS_PER_REQUEST).map(indexes => ({
          ...batch,
          indexes,
        })),
      );
      await mapWithConcurrency(batches, concurrency, async batch => {
        signal?.throwIfAborted();
        const ids = batch.indexes.map(i => groupIds[i]);
        let response: offsetFetchV9.OffsetFetchResponse;
        try {
          const connection = await this.connectionTo(batch.coordinator);
          response = await answerDespiteItemErrors(
            offsetFetch.api.async(
              connection,
              ids.map(groupId => ({
                groupId,
                memberId: null,
                memberEpoch: -1,
              })),
              batch.requireStable,
            ),
          );
        } catch (error) {
          // The coordinator is down or gone: maybe another one has the groups now.
          batch.indexes.forEach(i => failed(i, error));
          return;
        }
        const byGroup = new Map(response.groups.map(g => [g.groupId, g]));
        for (const i of batch.indexes) {
          const answer = byGroup.get(groupIds[i]);
          if (!answer) {
            results[i] = {
              error: new Error(
                `The coordinator did not answer for ${groupIds[i]}`,
              ),
            };
            continue;
          }
          const failedPartition = answer.topics
            .flatMap(t => t.partitions)
            .find(p => p.errorCode !== 0);
          const code = answer.errorCode || failedPartition?.errorCode || 0;
          if (code !== 0) {
            failed(i, itemError(code));
            continue;
          }
          results[i] = {
            offsets: answer.topics.map(t => ({
              topic: t.name,
              partitions: t.partitions.map(p => ({
                partition: p.partitionIndex,
                offset: Number(p.committedOffset),
              })),
            })),
          };
        }
      });
      pending = again;
    }
    return results;
  }

  /**
   * End offsets of every partition of `topics` that has a leader, after one
   * metadata request for them. Topics that are gone, or that this client
   * may not describe, are left out. With `signal` aborted no further
   * request is sent: it throws its reason.
   */
  async endOffsets(
    topics: string[],
    concurrency: number,
    signal?: AbortSignal,
  ): Promise<EndOffsets> {
    signal?.throwIfAborted();
    const listOffsets = await this.api('ListOffsets', LIST_OFFSETS);
    const result: EndOffsets = new Map();
    if (topics.length === 0) return result;
    signal?.throwIfAborted();
    let failures = await this.listOffsets(
      listOffsets,
      await this.snapshot(topics),
      concurrency,
      result,
      signal,
    );
    if (failures.size > 0) {
      // A leader moved or a topic went since the metadata: once more on fresh metadata.
      signal?.throwIfAborted();
      failures = await this.listOffsets(
        listOffsets,
        await this.snapshot([...failures.keys()]),
        concurrency,
        result,
        signal,
      );
    }
    const [failure] = failures;
    if (failure) {
      throw new Error(
        `End offsets of ${failure[0]} could not be read: ${failure[1].message}`,
        { cause: failure[1] },
      );
    }
    return result;
  }

  /**
   * End offsets (read_committed: the last stable offset, where a committed
   * reader stops) into `result`; returns the topics that failed with why.
   */
  private async listOffsets(
    listOffsets: (typeof LIST_OFFSETS)[number],
    snapshot: Snapshot,
    concurrency: number,
    result: EndOffsets,
    signal: AbortSignal | undefined,
  ): Promise<Map<string, Error>> {
    const { offsets, failures } = await listOffsetsPerLeader({
      listOffsets,
      connectionTo: leader => this.connectionTo(leader, snapshot),
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
      topics: snapshot.topics,
      timestamp: LATEST,
      concurrency,
      signal,
    });
    for (const [topic, byPartition] of offsets) result.set(topic, byPartition);
    return failures;
  }

  /** One metadata request: the leaders of `topics` and every broker. */
  private async snapshot(topics: string[]): Promise<Snapshot> {
    const metadata = await this.api('Metadata', METADATA);
    const connection = await this.admin.connections.getFirstAvailable([
      ...this.brokers.values(),
      ...this.bootstrap,
    ]);
    // Topics that are gone or not visible answer an error code of their own.
    const response = await answerDespiteItemErrors(
      metadata.api.async(connection, topics, false, false),
    );
    const brokers = new Map<number, Broker>(
      response.brokers.map(b => [b.nodeId, { host: b.host, port: b.port }]),
    );
    this.brokers = brokers;
    const led: LedPartitions[] = [];
    for (const topic of response.topics) {
      if (topic.errorCode !== 0 || !topic.name) continue;
      led.push({
        topic: topic.name,
        partitions: topic.partitions
          .filter(p => p.leaderId >= 0)
          .map(p => ({
            partition: p.partitionIndex,
            leader: p.leaderId,
            leaderEpoch: p.leaderEpoch,
          })),
      });
    }
    return { topics: led, brokers };
  }

  /**
   * Looks the coordinators of `groupIds` up in one request and keeps them;
   * returns why a group has none.
   */
  private async findCoordinators(
    groupIds: string[],
  ): Promise<Map<string, unknown>> {
    if (groupIds.length === 0) return new Map();
    let connection: Connection;
    try {
      connection = await this.admin.connections.getFirstAvailable([
        ...this.brokers.values(),
        ...this.bootstrap,
      ]);
    } catch (error) {
      return new Map(groupIds.map(id => [id, error]));
    }
    const { found, failed } = await findGroupCoordinators(
      connection,
      await this.apiVersions(),
      groupIds,
    );
    for (const [groupId, c] of found) {
      this.coordinators.set(groupId, c.nodeId);
      this.brokers.set(c.nodeId, { host: c.host, port: c.port });
    }
    return failed;
  }

  private connectionTo(
    nodeId: number,
    snapshot?: Snapshot,
  ): Promise<Connection> {
    return this.connectionToNode(
      snapshot?.brokers.has(nodeId) ? snapshot.brokers : this.brokers,
      nodeId,
    );
  }
}
