import { LoggerService } from '@backstage/backend-plugin-api';
import { EnvironmentConfig } from '../config/types';
import {
  ConsumerGroupStore,
  EndOffsetPointWrite,
  EndOffsetPrune,
  GroupSample,
  LagHistoryStore,
  PartitionOffsets,
  StoredConsumerGroup,
  TaskRunStore,
} from '../database/consumerGroups';
import { describeKafkaError } from '../kafka';
import { EndOffsetTimelines } from './EndOffsetTimelines';
import { evaluateGroupStatus, StatusSample } from './evaluateGroupStatus';
import { OffsetsClient } from './OffsetsClient';
import { KafkaHubEvents } from '../events/KafkaHubEvents';

export interface LagSamplerOptions {
  environment: EnvironmentConfig;
  logger: LoggerService;
  groups: ConsumerGroupStore;
  history: LagHistoryStore;
  taskRuns: TaskRunStore;
  /** Kafka requests in flight at once. */
  concurrency: number;
  /** Samples the status looks back on. */
  statusWindow: number;
  /** End-offset points kept per partition. */
  timeLagPoints: number;
  /** Whether per-partition history is kept (its retention is above zero). */
  keepPartitionHistory: boolean;
  /** Total-lag values kept for a group's sparkline. */
  trendLength?: number;
  /**
   * How stale the stored last-seen time of an end offset that did not move
   * may get (default 1 hour); keep it well under the raw retention, which
   * drops points not seen for that long.
   */
  endOffsetRefreshMs?: number;
  /**
   * Told each written sample's group statuses (notifications, signals),
   * after the fact: emitting never waits for the listeners.
   */
  events?: Pick<KafkaHubEvents, 'emit'>;
  now?: () => number;
}

export interface LagSampleResult {
  ok: boolean;
  /** The environment-level failure: nothing was written. */
  error?: string;
  /** It stopped at its abort signal: nothing was written. */
  aborted?: boolean;
  sampledAtMs?: number;
  groups: number;
  /** Groups whose offsets could not be fetched, with why. */
  groupErrors: Array<{ groupId: string; error: string }>;
  topics: number;
  partitions: number;
  /** Kafka requests this sample sent. */
  kafkaRequests: number;
  kafkaMs: number;
  databaseWriteMs: number;
}

/** Recorded for a sample stopped at its abort signal. */
export const ABORTED_SAMPLE =
  'Stopped at its abort signal (the task timed out or the backend is shutting down): nothing was sampled';

/**
 * Recorded for a group whose every committed offset vanished since the
 * previous sample: a group coordinator that just took over from a crashed
 * one has been seen answering "no committed offset" for a moment. Once the
 * next sample agrees, the group is recorded without commits.
 */
export const VANISHED_COMMITS =
  'Every committed offset of the group vanished since the previous sample: not recorded this time (a coordinator that just took over can answer so for a moment); recorded without commits if the next sample agrees';

/** A loaded sample window reaches back at most this far. */
const WINDOW_LOOKBACK_MS = 6 * 3_600_000;

const partitionKey = (groupId: string, topic: string, partition: number) =>
  `${groupId}\u0000${topic}\u0000${partition}`;

/**
 * The lag sampler of one environment. It keeps one admin client open
 * across samples (dropped and reopened after a failure); each sample sends
 * one OffsetFetch per coordinator for up to 100 active groups, one
 * metadata request for the topics they read, and the end offsets of every
 * distinct topic in one ListOffsets per leader broker, with bounded
 * concurrency (see {@link OffsetsClient}), and writes the sample in one
 * transaction.
 *
 * Between samples it keeps the status windows, the previous committed
 * offsets (to notice rewinds) and the end-offset timelines in memory; they
 * are reloaded from the database whenever someone else (another replica)
 * wrote the environment's latest sample.
 */
export class LagSampler {
  private client?: OffsetsClient;
  /** Requests of the clients closed so far, so the count never goes back. */
  private closedRequests = 0;
  private lastWrittenMs?: number;
  private readonly timelines: EndOffsetTimelines;
  private windows = new Map<string, StatusSample[]>();
  private committed = new Map<string, number>();
  /** Groups skipped once because their commits vanished (see {@link VANISHED_COMMITS}). */
  private vanished = new Set<string>();
  private readonly trendLength: number;

  constructor(private readonly options: LagSamplerOptions) {
    this.timelines = new EndOffsetTimelines(
      options.timeLagPoints,
      options.endOffsetRefreshMs ?? 3_600_000,
    );
    this.trendLength = options.trendLength ?? 30;
  }

  /**
   * One sample. Never throws: failures are recorded and returned. With
   * `signal` aborted it sends no further Kafka request and writes no
   * sample (a sample is written in one transaction, after the last
   * request): the run is recorded as aborted.
   */
  async sample(signal?: AbortSignal): Promise<LagSampleResult> {
    const { environment, taskRuns } = this.options;
    const now = this.options.now ?? Date.now;
    const startedAt = now();
    const requestsBefore = this.requests;
    const result: LagSampleResult = {
      ok: false,
      groups: 0,
      groupErrors: [],
      topics: 0,
      partitions: 0,
      kafkaRequests: 0,
      kafkaMs: 0,
      databaseWriteMs: 0,
    };
    try {
      // Share groups (KIP-932) commit no offsets: their progress is each
      // share partition's start offset, which this sampler does not read.
      const groups = (
        await this.options.groups.listByLifecycle(environment.name, 'active')
      ).filter(group => group.type !== 'share');
      signal?.throwIfAborted();
      await this.resumeFromDatabase(startedAt);
      const kafkaStart = now();
      const fetched = await this.fetchOffsets(groups, signal);
      result.kafkaMs = now() - kafkaStart;
      result.groupErrors = fetched.groupErrors;
      result.kafkaRequests = this.requests - requestsBefore;
      // Last check: the in-memory state moves with the sample built next.
      signal?.throwIfAborted();

      const sample = this.buildSample(fetched);
      result.groups = sample.groups.length;
      result.topics = fetched.endOffsets.size;
      result.partitions = sample.groups.reduce(
        (n, g) => n + g.partitions.length,
        0,
      );

      const writeStart = now();
      await this.options.history.writeSample({
        environment: environment.name,
        sampledAtMs: fetched.sampledAtMs,
        groups: sample.groups,
        endOffsetPoints: sample.points,
        endOffsetPrunes: sample.prunes,
        keepPartitionHistory: this.options.keepPartitionHistory,
      });
      result.databaseWriteMs = now() - writeStart;
      this.lastWrittenMs = fetched.sampledAtMs;
      result.sampledAtMs = fetched.sampledAtMs;
      result.ok = true;
      this.tellSampled(fetched.sampledAtMs, groups, sample.groups);
      await taskRuns.record({
        environment: environment.name,
        task: 'lag',
        startedAt: new Date(startedAt),
        finishedAt: new Date(now()),
        error: fetched.groupErrors.length
          ? `${fetched.groupErrors.length} of ${groups.length} groups could not be sampled, e.g. ${fetched.groupErrors[0].groupId}: ${fetched.groupErrors[0].error}`
          : undefined,
        outcome: fetched.groupErrors.length ? 'partial' : 'succeeded',
      });
    } catch (error) {
      const aborted = signal?.aborted === true && !result.ok;
      if (aborted) result.aborted = true;
      result.error = aborted ? ABORTED_SAMPLE : describeKafkaError(error);
      result.kafkaRequests = this.requests - requestsBefore;
      // The in-memory state may be ahead of the database now.
      this.lastWrittenMs = undefined;
      await this.dropConnection();
      await taskRuns
        .record({
          environment: environment.name,
          task: 'lag',
          startedAt: new Date(startedAt),
          finishedAt: new Date(now()),
          error: result.error,
          outcome: aborted ? 'aborted' : 'failed',
        })
        .catch(recordError =>
          this.options.logger.warn(
            `Could not record the failed lag sample of ${
              environment.name
            }: ${describeKafkaError(recordError)}`,
          ),
        );
    }
    return result;
  }

  /** Closes the admin connection; the next sample opens a new one. */
  async close(): Promise<void> {
    await this.dropConnection();
  }

  /** Kafka requests sent by this sampler's clients so far. */
  private get requests(): number {
    return this.closedRequests + (this.client?.requests ?? 0);
  }

  private connection(): OffsetsClient {
    // The client connects on its first request.
    this.client ??= new OffsetsClient(this.options.environment.kafka, {
      retries: 2,
    });
    return this.client;
  }

  private async dropConnection(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.closedRequests += client.requests;
    this.client = undefined;
    await client.close().catch(() => {});
  }

  /** Reloads the in-memory state unless this sampler wrote the latest sample. */
  private async resumeFromDatabase(nowMs: number): Promise<void> {
    const { history, environment, statusWindow } = this.options;
    const latest = await history.latestSampleMs(environment.name);
    if (latest === this.lastWrittenMs && this.lastWrittenMs !== undefined) {
      return;
    }
    const keep = Math.max(statusWindow, this.trendLength);
    const windows = new Map<string, StatusSample[]>();
    const since = Math.min(latest ?? nowMs, nowMs) - WINDOW_LOOKBACK_MS;
    for (const s of await history.samplesSince(environment.name, since, keep)) {
      const window = windows.get(s.groupId) ?? [];
      window.push(s);
      if (window.length > keep) window.shift();
      windows.set(s.groupId, window);
    }
    this.windows = windows;
    this.timelines.load(await history.endOffsetPoints(environment.name));
    // The latest offsets are stored on every sample, the end offsets'
    // last-seen times only when due: the former bring the latter up to date.
    const committed = new Map<string, number>();
    for (const group of await history.latestOffsets(environment.name)) {
      for (const p of group.partitions) {
        this.timelines.seen(
          p.topic,
          p.partition,
          p.endOffset,
          group.sampledAtMs,
        );
        if (p.committedOffset !== undefined) {
          committed.set(
            partitionKey(group.groupId, p.topic, p.partition),
            p.committedOffset,
          );
        }
      }
    }
    this.committed = committed;
    this.vanished = new Set();
    this.lastWrittenMs = latest;
  }

  private async fetchOffsets(
    groups: StoredConsumerGroup[],
    signal: AbortSignal | undefined,
  ) {
    const client = this.connection();
    const { concurrency } = this.options;
    const groupErrors: LagSampleResult['groupErrors'] = [];

    const answers = await client.committedOffsetsOfGroups(
      groups.map(g => g.groupId),
      concurrency,
      signal,
    );
    const hadCommits = new Set(
      [...this.committed.keys()].map(key =>
        key.slice(0, key.indexOf('\u0000')),
      ),
    );
    let unanswered = 0;
    const committed = groups.map((group, i) => {
      const { offsets, error } = answers[i];
      if (!offsets) {
        unanswered++;
        groupErrors.push({
          groupId: group.groupId,
          error: describeKafkaError(error),
        });
        return undefined;
      }
      const { groupId } = group;
      const hasCommits = offsets.some(t =>
        t.partitions.some(p => p.offset >= 0),
      );
      if (hasCommits || !hadCommits.has(groupId)) {
        this.vanished.delete(groupId);
      } else if (!this.vanished.has(groupId)) {
        this.vanished.add(groupId);
        groupErrors.push({ groupId, error: VANISHED_COMMITS });
        return undefined;
      } else {
        // Vanished in two samples in a row: they are gone.
        this.vanished.delete(groupId);
      }
      return { group, topics: offsets };
    });
    if (groups.length > 0 && unanswered === groups.length) {
      // Nothing answered: the environment is down, not the groups.
      throw new Error(groupErrors[0].error);
    }

    const topics = new Set<string>();
    for (const entry of committed) {
      if (!entry) continue;
      entry.group.subscribedTopics.forEach(t => topics.add(t));
      entry.topics.forEach(t => topics.add(t.topic));
    }

    // Once per distinct topic, however many groups read it, after the
    // committed offsets: an end offset is never older than a commit.
    // Topics deleted since a group committed on them have no end offsets.
    const sampledAtMs = (this.options.now ?? Date.now)();
    const endOffsets = await client.endOffsets(
      [...topics].sort(),
      concurrency,
      signal,
    );
    return {
      committed: committed.filter(<T>(c: T | undefined): c is T => !!c),
      endOffsets,
      groupErrors,
      sampledAtMs,
    };
  }

  private tellSampled(
    sampledAtMs: number,
    groups: StoredConsumerGroup[],
    sampled: GroupSample[],
  ): void {
    const { events, environment } = this.options;
    if (!events) return;
    const entityRefs = new Map(groups.map(g => [g.groupId, g.entityRef]));
    events.emit({
      type: 'lag-sampled',
      environment: environment.name,
      sampledAtMs,
      groups: sampled.map(g => ({
        groupId: g.groupId,
        entityRef: entityRefs.get(g.groupId),
        status: g.status,
        statusReason: g.statusReason,
      })),
    });
  }

  private buildSample(
    fetched: Awaited<ReturnType<LagSampler['fetchOffsets']>>,
  ): {
    groups: GroupSample[];
    points: EndOffsetPointWrite[];
    prunes: EndOffsetPrune[];
  } {
    const { sampledAtMs, endOffsets } = fetched;
    const points: EndOffsetPointWrite[] = [];
    const prunes: EndOffsetPrune[] = [];
    for (const [topic, partitions] of endOffsets) {
      for (const [partition, end] of partitions) {
        const recorded = this.timelines.record(
          topic,
          partition,
          end,
          sampledAtMs,
        );
        if (recorded.settle) points.push(recorded.settle);
        if (recorded.write) points.push(recorded.write);
        if (recorded.prune) prunes.push(recorded.prune);
      }
    }

    const nextCommitted = new Map<string, number>();
    const samples = fetched.committed.map(({ group, topics }) => {
      const committedByPartition = new Map<string, number>();
      for (const t of topics) {
        for (const p of t.partitions) {
          // -1: the group has no committed offset on this partition.
          if (p.offset >= 0)
            committedByPartition.set(
              `${t.topic}\u0000${p.partition}`,
              p.offset,
            );
        }
      }
      const groupTopics = new Set([
        ...group.subscribedTopics,
        ...topics.map(t => t.topic),
      ]);
      const partitions: PartitionOffsets[] = [];
      let rewindDetail: string | undefined;
      for (const topic of [...groupTopics].sort()) {
        const ends = endOffsets.get(topic);
        if (!ends) continue;
        for (const [partition, endOffset] of [...ends].sort(
          (a, b) => a[0] - b[0],
        )) {
          const committedOffset = committedByPartition.get(
            `${topic}\u0000${partition}`,
          );
          if (committedOffset === undefined) {
            partitions.push({ topic, partition, endOffset });
            continue;
          }
          const key = partitionKey(group.groupId, topic, partition);
          const previous = this.committed.get(key);
          if (previous !== undefined && committedOffset < previous) {
            rewindDetail ??= `${topic}[${partition}] from ${previous} to ${committedOffset}`;
          }
          nextCommitted.set(key, committedOffset);
          partitions.push({
            topic,
            partition,
            committedOffset,
            endOffset,
            lag: Math.max(0, endOffset - committedOffset),
            timeLagSeconds: this.timelines.estimateSeconds(
              topic,
              partition,
              committedOffset,
              sampledAtMs,
            ),
          });
        }
      }
      return this.groupSample(group, partitions, rewindDetail, sampledAtMs);
    });
    // Groups that failed this sample keep their previous offsets.
    const sampled = new Set(samples.map(s => s.groupId));
    for (const [key, value] of this.committed) {
      if (!sampled.has(key.slice(0, key.indexOf('\u0000')))) {
        nextCommitted.set(key, value);
      }
    }
    this.committed = nextCommitted;
    return { groups: samples, points, prunes };
  }

  private groupSample(
    group: StoredConsumerGroup,
    partitions: PartitionOffsets[],
    rewindDetail: string | undefined,
    sampledAtMs: number,
  ): GroupSample {
    const withCommit = partitions.filter(p => p.lag !== undefined);
    const totalLag = withCommit.reduce((n, p) => n + (p.lag ?? 0), 0);
    const timeLags = withCommit
      .map(p => p.timeLagSeconds)
      .filter((t): t is number => t !== undefined);
    const current: StatusSample = {
      sampledAtMs,
      totalLag,
      committedSum: withCommit.reduce(
        (n, p) => n + (p.committedOffset ?? 0),
        0,
      ),
      rewound: rewindDetail !== undefined,
      state: group.state,
      memberCount: group.members.length,
    };
    const window = [...(this.windows.get(group.groupId) ?? []), current];
    const keep = Math.max(this.options.statusWindow, this.trendLength);
    while (window.length > keep) window.shift();
    this.windows.set(group.groupId, window);
    const { status, reason } = evaluateGroupStatus(
      window.slice(-this.options.statusWindow),
      rewindDetail,
    );
    return {
      groupId: group.groupId,
      state: group.state,
      memberCount: group.members.length,
      partitions,
      totalLag,
      maxPartitionLag: withCommit.reduce((m, p) => Math.max(m, p.lag ?? 0), 0),
      // Like kafka-lag-exporter: the group is as far behind as its worst partition.
      timeLagSeconds: timeLags.length ? Math.max(...timeLags) : undefined,
      partitionsWithoutCommit: partitions.length - withCommit.length,
      committedSum: current.committedSum,
      rewound: current.rewound,
      status,
      statusReason: reason,
      trend: window.slice(-this.trendLength).map(s => s.totalLag),
    };
  }
}
