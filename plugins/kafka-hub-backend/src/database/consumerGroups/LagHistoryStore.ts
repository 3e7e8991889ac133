import { Knex } from 'knex';
import { ConsumerGroupState } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { bulkInsert, ColumnType, isPostgres } from './bulkInsert';
import { chunks } from '../chunks';
import { toNumber, toOptionalNumber } from '../numbers';
import { decodePartitions, encodePartitions } from './partitionsJson';
import {
  lessHealthyState,
  stateOfSeverity,
  stateSeveritySql,
} from './groupStateSeverity';
import { LagSeriesStore } from './LagSeriesStore';
import {
  EndOffsetPointWrite,
  EndOffsetPrune,
  GroupHistorySample,
  HistoryBucket,
  HistoryResolution,
  LagSampleWrite,
  PartitionOffsets,
} from './types';

const LAG = 'kafka_hub_consumer_group_lag';
const OFFSETS = 'kafka_hub_consumer_group_offsets';
const HISTORY = 'kafka_hub_consumer_group_lag_history';
const ROLLUPS = 'kafka_hub_consumer_group_lag_rollups';
const PARTITION_HISTORY = 'kafka_hub_consumer_group_partition_history';
const END_OFFSETS = 'kafka_hub_partition_end_offsets';

const LAG_COLUMNS: Record<string, ColumnType> = {
  environment: 'text',
  group_id: 'text',
  sampled_at_ms: 'bigint',
  total_lag: 'bigint',
  max_partition_lag: 'bigint',
  time_lag_seconds: 'double precision',
  partitions_without_commit: 'integer',
  status: 'text',
  status_reason: 'text',
  trend: 'text',
};

const OFFSET_COLUMNS: Record<string, ColumnType> = {
  environment: 'text',
  group_id: 'text',
  sampled_at_ms: 'bigint',
  partitions: 'text',
};

const HISTORY_COLUMNS: Record<string, ColumnType> = {
  environment: 'text',
  group_id: 'text',
  sampled_at_ms: 'bigint',
  total_lag: 'bigint',
  max_partition_lag: 'bigint',
  time_lag_seconds: 'double precision',
  committed_sum: 'bigint',
  rewound: 'boolean',
  state: 'text',
  member_count: 'integer',
  status: 'text',
};

const PARTITION_HISTORY_COLUMNS: Record<string, ColumnType> = {
  environment: 'text',
  group_id: 'text',
  sampled_at_ms: 'bigint',
  topic: 'text',
  partition: 'integer',
  committed_offset: 'bigint',
  end_offset: 'bigint',
  lag: 'bigint',
};

const END_OFFSET_COLUMNS: Record<string, ColumnType> = {
  environment: 'text',
  topic: 'text',
  partition: 'integer',
  end_offset: 'bigint',
  first_seen_ms: 'bigint',
  last_seen_ms: 'bigint',
};

const ROLLUP_COLUMNS: Record<string, ColumnType> = {
  environment: 'text',
  group_id: 'text',
  resolution: 'text',
  bucket_start_ms: 'bigint',
  samples: 'integer',
  sum_total_lag: 'bigint',
  max_total_lag: 'bigint',
  max_partition_lag: 'bigint',
  time_lag_samples: 'integer',
  sum_time_lag_seconds: 'double precision',
  max_time_lag_seconds: 'double precision',
  min_member_count: 'integer',
  max_member_count: 'integer',
  state: 'text',
};

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
const HALF_HOUR_MS = HOUR_MS / 2;

/**
 * Stored aggregates: half-hourly ones of the raw samples, kept as long as
 * they are (they answer raw ranges charted in buckets of whole half hours,
 * e.g. 7d, with the same numbers), hourly and daily ones for longer.
 */
type RollupResolution = 'halfhour' | 'hour' | 'day';

const ROLLUP_MS: Record<RollupResolution, number> = {
  halfhour: HALF_HOUR_MS,
  hour: HOUR_MS,
  day: DAY_MS,
};

/** Raw history older than the retention window, rolled up, then removed. */
export interface RetentionWindows {
  rawMs: number;
  hourlyMs: number;
  dailyMs: number;
  partitionHistoryMs: number;
}

export interface RetentionResult {
  halfHourlyRollups: number;
  hourlyRollups: number;
  dailyRollups: number;
  /** Rollups of the lag by topic and partition. */
  halfHourlySeriesRollups: number;
  hourlySeriesRollups: number;
  dailySeriesRollups: number;
  deleted: {
    raw: number;
    halfHourly: number;
    hourly: number;
    daily: number;
    partitionHistory: number;
    endOffsetPoints: number;
    seriesRaw: number;
    seriesHalfHourly: number;
    seriesHourly: number;
    seriesDaily: number;
  };
}

/** The count a retention step reports: rollups written or rows deleted. */
export type RetentionStepName =
  | 'halfHourlyRollups'
  | 'hourlyRollups'
  | 'dailyRollups'
  | 'halfHourlySeriesRollups'
  | 'hourlySeriesRollups'
  | 'dailySeriesRollups'
  | keyof RetentionResult['deleted'];

export interface RetentionStep {
  name: RetentionStepName;
  run(): Promise<number>;
}

/** The counts of the steps run (zero for steps not run). */
export function retentionResult(
  counts: ReadonlyMap<RetentionStepName, number>,
): RetentionResult {
  const of = (name: RetentionStepName) => counts.get(name) ?? 0;
  return {
    halfHourlyRollups: of('halfHourlyRollups'),
    hourlyRollups: of('hourlyRollups'),
    dailyRollups: of('dailyRollups'),
    halfHourlySeriesRollups: of('halfHourlySeriesRollups'),
    hourlySeriesRollups: of('hourlySeriesRollups'),
    dailySeriesRollups: of('dailySeriesRollups'),
    deleted: {
      raw: of('raw'),
      halfHourly: of('halfHourly'),
      hourly: of('hourly'),
      daily: of('daily'),
      partitionHistory: of('partitionHistory'),
      endOffsetPoints: of('endOffsetPoints'),
      seriesRaw: of('seriesRaw'),
      seriesHalfHourly: of('seriesHalfHourly'),
      seriesHourly: of('seriesHourly'),
      seriesDaily: of('seriesDaily'),
    },
  };
}

type Aggregate = Record<
  | 'bucket'
  | 'samples'
  | 'sum_total_lag'
  | 'max_total_lag'
  | 'max_partition_lag'
  | 'time_lag_samples'
  | 'sum_time_lag_seconds'
  | 'max_time_lag_seconds'
  | 'min_member_count'
  | 'max_member_count'
  | 'state_rank',
  number | string | null
>;

/** Raw samples as one rollup bucket would store them, grouped by an SQL expression. */
const RAW_AGGREGATES = [
  'COUNT(*) AS samples',
  'SUM(total_lag) AS sum_total_lag',
  'MAX(total_lag) AS max_total_lag',
  'MAX(max_partition_lag) AS max_partition_lag',
  'COUNT(time_lag_seconds) AS time_lag_samples',
  'COALESCE(SUM(time_lag_seconds), 0) AS sum_time_lag_seconds',
  'MAX(time_lag_seconds) AS max_time_lag_seconds',
  'MIN(member_count) AS min_member_count',
  'MAX(member_count) AS max_member_count',
  `MAX(${stateSeveritySql('state')}) AS state_rank`,
];

/** Rollups re-aggregated into coarser buckets. */
const ROLLUP_AGGREGATES = [
  'SUM(samples) AS samples',
  'SUM(sum_total_lag) AS sum_total_lag',
  'MAX(max_total_lag) AS max_total_lag',
  'MAX(max_partition_lag) AS max_partition_lag',
  'SUM(time_lag_samples) AS time_lag_samples',
  'SUM(sum_time_lag_seconds) AS sum_time_lag_seconds',
  'MAX(max_time_lag_seconds) AS max_time_lag_seconds',
  // Null in rollups written before they had them: stays unknown.
  'MIN(min_member_count) AS min_member_count',
  'MAX(max_member_count) AS max_member_count',
  `MAX(${stateSeveritySql('state')}) AS state_rank`,
];

/**
 * Lag samples and their history: writes one sample of an environment in one
 * transaction, reads the windows the sampler resumes from, answers history
 * ranges from raw samples or rollups, and rolls up and prunes.
 */
export class LagHistoryStore {
  /** The lag by topic and partition, written with each sample. */
  readonly series: LagSeriesStore;

  constructor(private readonly db: Knex) {
    this.series = new LagSeriesStore(db);
  }

  /**
   * Writes everything one sample learned, atomically: a failed write leaves
   * the previous sample as the latest one. Each table gets one statement on
   * PostgreSQL (multi-row statements on SQLite): the latest lag and the
   * latest offsets (one JSON value per group) are upserted, the history
   * rows inserted, and only the end-offset points the sampler says changed
   * are written.
   */
  async writeSample(sample: LagSampleWrite): Promise<void> {
    const { environment, sampledAtMs, groups } = sample;
    const latest = groups.map(g => ({
      environment,
      group_id: g.groupId,
      sampled_at_ms: sampledAtMs,
      total_lag: g.totalLag,
      max_partition_lag: g.maxPartitionLag,
      time_lag_seconds: g.timeLagSeconds ?? null,
      partitions_without_commit: g.partitionsWithoutCommit,
      status: g.status,
      status_reason: g.statusReason,
      trend: JSON.stringify(g.trend),
    }));
    const offsets = groups.map(g => ({
      environment,
      group_id: g.groupId,
      sampled_at_ms: sampledAtMs,
      partitions: encodePartitions(g.partitions),
    }));
    const history = groups.map(g => ({
      environment,
      group_id: g.groupId,
      sampled_at_ms: sampledAtMs,
      total_lag: g.totalLag,
      max_partition_lag: g.maxPartitionLag,
      time_lag_seconds: g.timeLagSeconds ?? null,
      committed_sum: g.committedSum,
      rewound: g.rewound,
      state: g.state,
      member_count: g.memberCount,
      status: g.status,
    }));
    const partitionRows = sample.keepPartitionHistory
      ? groups.flatMap(g =>
          g.partitions.map(p => ({
            environment,
            group_id: g.groupId,
            sampled_at_ms: sampledAtMs,
            topic: p.topic,
            partition: p.partition,
            committed_offset: p.committedOffset ?? null,
            end_offset: p.endOffset,
            lag: p.lag ?? null,
          })),
        )
      : [];
    const points = sample.endOffsetPoints.map(p => ({
      environment,
      topic: p.topic,
      partition: p.partition,
      end_offset: p.endOffset,
      first_seen_ms: p.firstSeenMs,
      last_seen_ms: p.lastSeenMs,
    }));

    await this.db.transaction(async tx => {
      await bulkInsert(tx, LAG, latest, {
        columns: LAG_COLUMNS,
        onConflict: {
          target: ['environment', 'group_id'],
          merge: Object.keys(LAG_COLUMNS).slice(2),
        },
      });
      await bulkInsert(tx, OFFSETS, offsets, {
        columns: OFFSET_COLUMNS,
        onConflict: {
          target: ['environment', 'group_id'],
          merge: Object.keys(OFFSET_COLUMNS).slice(2),
        },
      });
      await bulkInsert(tx, HISTORY, history, { columns: HISTORY_COLUMNS });
      await bulkInsert(tx, PARTITION_HISTORY, partitionRows, {
        columns: PARTITION_HISTORY_COLUMNS,
      });
      if (sample.keepPartitionHistory) {
        await this.series.insertSample(tx, environment, sampledAtMs, groups);
      }
      await bulkInsert(tx, END_OFFSETS, points, {
        columns: END_OFFSET_COLUMNS,
        onConflict: {
          target: ['environment', 'topic', 'partition', 'end_offset'],
          merge: ['last_seen_ms'],
        },
      });
      await this.prune(tx, environment, sample.endOffsetPrunes);
    });
  }

  /** Drops end-offset points that fell out of their bounded timelines. */
  private async prune(
    tx: Knex.Transaction,
    environment: string,
    prunes: EndOffsetPrune[],
  ): Promise<void> {
    if (prunes.length === 0) return;
    if (isPostgres(tx)) {
      await tx.raw(
        `DELETE FROM ?? AS e
           USING unnest(?::text[], ?::integer[], ?::bigint[]) AS p(topic, partition, below)
         WHERE e.environment = ? AND e.topic = p.topic
           AND e.partition = p.partition AND e.end_offset < p.below`,
        [
          END_OFFSETS,
          prunes.map(p => p.topic),
          prunes.map(p => p.partition),
          prunes.map(p => p.belowOffset),
          environment,
        ],
      );
      return;
    }
    for (const chunk of chunks(prunes, 200)) {
      await tx(END_OFFSETS)
        .where({ environment })
        .where(q => {
          for (const prune of chunk) {
            q.orWhere(inner =>
              inner
                .where({ topic: prune.topic, partition: prune.partition })
                .where('end_offset', '<', prune.belowOffset),
            );
          }
        })
        .delete();
    }
  }

  /** Raw samples of an environment since a time, oldest first: the status windows. */
  async samplesSince(
    environment: string,
    sinceMs: number,
    /** At most the environment's last this many samples. */
    lastSamples?: number,
  ): Promise<GroupHistorySample[]> {
    let fromMs = sinceMs;
    if (lastSamples !== undefined) {
      // Every sample writes a row per group at one time: the times of the
      // last samples come from the time index, and only their rows are read.
      const times: Array<{ sampled_at_ms: number | string }> = await this.db(
        HISTORY,
      )
        .where({ environment })
        .where('sampled_at_ms', '>=', sinceMs)
        .distinct('sampled_at_ms')
        .orderBy('sampled_at_ms', 'desc')
        .limit(lastSamples);
      if (times.length === lastSamples) {
        fromMs = Math.max(
          fromMs,
          toNumber(times[lastSamples - 1].sampled_at_ms),
        );
      }
    }
    const rows: Array<{
      group_id: string;
      sampled_at_ms: number | string;
      total_lag: number | string;
      committed_sum: number | string;
      rewound: boolean | number;
      state: ConsumerGroupState;
      member_count: number | string;
    }> = await this.db(HISTORY)
      .where({ environment })
      .where('sampled_at_ms', '>=', fromMs)
      .orderBy('sampled_at_ms', 'asc')
      .select([
        'group_id',
        'sampled_at_ms',
        'total_lag',
        'committed_sum',
        'rewound',
        'state',
        'member_count',
      ]);
    return rows.map(row => ({
      groupId: row.group_id,
      sampledAtMs: toNumber(row.sampled_at_ms),
      totalLag: toNumber(row.total_lag),
      committedSum: toNumber(row.committed_sum),
      rewound: Boolean(row.rewound),
      state: row.state,
      memberCount: toNumber(row.member_count),
    }));
  }

  /** Time of the newest sample of an environment, to notice another writer. */
  async latestSampleMs(environment: string): Promise<number | undefined> {
    const row = await this.db(LAG)
      .where({ environment })
      .max({ latest: 'sampled_at_ms' })
      .first();
    return toOptionalNumber(row?.latest);
  }

  /**
   * The latest offsets of every group of an environment, with the time of
   * the sample they are from (its end offsets were seen then).
   */
  async latestOffsets(environment: string): Promise<
    Array<{
      groupId: string;
      sampledAtMs: number;
      partitions: PartitionOffsets[];
    }>
  > {
    const rows: Array<{
      group_id: string;
      sampled_at_ms: number | string;
      partitions: string;
    }> = await this.db(OFFSETS)
      .where({ environment })
      .select(['group_id', 'sampled_at_ms', 'partitions']);
    return rows.map(row => ({
      groupId: row.group_id,
      sampledAtMs: toNumber(row.sampled_at_ms),
      partitions: decodePartitions(row.partitions),
    }));
  }

  /** Committed offsets of the latest sample, by group, topic and partition. */
  async latestCommitted(environment: string): Promise<
    Array<{
      groupId: string;
      topic: string;
      partition: number;
      committed: number;
    }>
  > {
    return (await this.latestOffsets(environment)).flatMap(group =>
      group.partitions.flatMap(p =>
        p.committedOffset === undefined
          ? []
          : [
              {
                groupId: group.groupId,
                topic: p.topic,
                partition: p.partition,
                committed: p.committedOffset,
              },
            ],
      ),
    );
  }

  /** Every stored end-offset point of an environment. */
  async endOffsetPoints(environment: string): Promise<EndOffsetPointWrite[]> {
    const rows: Array<{
      topic: string;
      partition: number | string;
      end_offset: number | string;
      first_seen_ms: number | string;
      last_seen_ms: number | string;
    }> = await this.db(END_OFFSETS)
      .where({ environment })
      .orderBy([
        { column: 'topic' },
        { column: 'partition' },
        { column: 'end_offset' },
      ]);
    return rows.map(row => ({
      topic: row.topic,
      partition: toNumber(row.partition),
      endOffset: toNumber(row.end_offset),
      firstSeenMs: toNumber(row.first_seen_ms),
      lastSeenMs: toNumber(row.last_seen_ms),
    }));
  }

  /**
   * History of one group in `[fromMs, toMs)`, aggregated on the database
   * into buckets of `bucketMs`. Rollup resolutions add the raw samples newer
   * than the last rollup, so the latest hours are never missing. Raw
   * history in buckets of whole half hours is read from the half-hourly
   * rollups (and the raw samples after them): the same sums, counts and
   * maxima from a sixtieth of the rows at a 30 s sampling interval.
   */
  async history(options: {
    environment: string;
    groupId: string;
    fromMs: number;
    toMs: number;
    resolution: HistoryResolution;
    bucketMs: number;
  }): Promise<HistoryBucket[]> {
    const { environment, groupId, fromMs, toMs, resolution, bucketMs } =
      options;
    if (resolution !== 'raw') {
      return this.rolledUpHistory(options, resolution);
    }
    if (bucketMs % HALF_HOUR_MS === 0 && fromMs % HALF_HOUR_MS === 0) {
      return this.rolledUpHistory(options, 'halfhour');
    }
    return toBuckets(
      await this.rawBuckets(environment, groupId, fromMs, toMs, bucketMs),
    );
  }

  private async rolledUpHistory(
    options: {
      environment: string;
      groupId: string;
      fromMs: number;
      toMs: number;
      bucketMs: number;
    },
    resolution: RollupResolution,
  ): Promise<HistoryBucket[]> {
    const { environment, groupId, fromMs, toMs, bucketMs } = options;
    const size = ROLLUP_MS[resolution];
    const [{ latest }] = await this.db(ROLLUPS)
      .where({ environment, group_id: groupId, resolution })
      .max({ latest: 'bucket_start_ms' });
    // Rollups of periods that end by `toMs`, then the raw samples.
    const rolledUpTo =
      latest === null || latest === undefined
        ? fromMs
        : Math.max(
            fromMs,
            Math.min(toNumber(latest) + size, Math.floor(toMs / size) * size),
          );
    const rollups: Aggregate[] =
      rolledUpTo > fromMs
        ? await this.db(ROLLUPS)
            .where({ environment, group_id: groupId, resolution })
            .where('bucket_start_ms', '>=', fromMs)
            .where('bucket_start_ms', '<', rolledUpTo)
            .select(this.bucket('bucket_start_ms', bucketMs))
            .select(ROLLUP_AGGREGATES.map(a => this.db.raw(a)))
            .groupByRaw('1')
            .orderByRaw('1')
        : [];
    const tail =
      rolledUpTo < toMs
        ? await this.rawBuckets(
            environment,
            groupId,
            rolledUpTo,
            toMs,
            bucketMs,
          )
        : [];
    return mergeBuckets(toBuckets(rollups), toBuckets(tail));
  }

  /**
   * The start of the bucket of a BIGINT time column. The casts make it
   * integer division on SQLite too, where numbers may be bound as REAL.
   */
  private bucket(column: string, bucketMs: number) {
    return this.db.raw(
      '(?? / CAST(? AS BIGINT)) * CAST(? AS BIGINT) AS bucket',
      [column, bucketMs, bucketMs],
    );
  }

  private rawBuckets(
    environment: string,
    groupId: string,
    fromMs: number,
    toMs: number,
    bucketMs: number,
  ): Promise<Aggregate[]> {
    return this.db(HISTORY)
      .where({ environment, group_id: groupId })
      .where('sampled_at_ms', '>=', fromMs)
      .where('sampled_at_ms', '<', toMs)
      .select(this.bucket('sampled_at_ms', bucketMs))
      .select(RAW_AGGREGATES.map(a => this.db.raw(a)))
      .groupByRaw('1')
      .orderByRaw('1');
  }

  /**
   * Rolls complete half hours and hours of raw samples into half-hourly
   * and hourly rollups and complete days of hourly rollups into daily ones,
   * then deletes what is older than each window (half-hourly rollups go
   * with the raw samples). Re-running is harmless: rollups are upserted
   * from their source, which is still there for the periods rolled up last
   * time.
   */
  async applyRetention(
    environment: string,
    nowMs: number,
    windows: RetentionWindows,
  ): Promise<RetentionResult> {
    const counts = new Map<RetentionStepName, number>();
    for (const step of this.retentionSteps(environment, nowMs, windows)) {
      counts.set(step.name, await step.run());
    }
    return retentionResult(counts);
  }

  /**
   * The steps of {@link applyRetention}, in order, each one statement or
   * one transaction: a caller may stop between them (its abort signal) and
   * leaves no step half done. Stopping early is safe: the next run redoes
   * what is left.
   */
  retentionSteps(
    environment: string,
    nowMs: number,
    windows: RetentionWindows,
  ): RetentionStep[] {
    const olderThan = (table: string, column: string, ms: number) =>
      this.db(table)
        .where({ environment })
        .where(column, '<', nowMs - ms);
    return [
      {
        name: 'halfHourlyRollups',
        run: () => this.rollUp(environment, 'halfhour', nowMs),
      },
      {
        name: 'hourlyRollups',
        run: () => this.rollUp(environment, 'hour', nowMs),
      },
      {
        name: 'dailyRollups',
        run: () => this.rollUp(environment, 'day', nowMs),
      },
      {
        name: 'raw',
        run: async () =>
          olderThan(HISTORY, 'sampled_at_ms', windows.rawMs).delete(),
      },
      {
        name: 'halfHourly',
        run: async () =>
          olderThan(ROLLUPS, 'bucket_start_ms', windows.rawMs)
            .where({ resolution: 'halfhour' })
            .delete(),
      },
      {
        name: 'hourly',
        run: async () =>
          olderThan(ROLLUPS, 'bucket_start_ms', windows.hourlyMs)
            .where({ resolution: 'hour' })
            .delete(),
      },
      {
        name: 'daily',
        run: async () =>
          olderThan(ROLLUPS, 'bucket_start_ms', windows.dailyMs)
            .where({ resolution: 'day' })
            .delete(),
      },
      {
        name: 'partitionHistory',
        run: async () =>
          olderThan(
            PARTITION_HISTORY,
            'sampled_at_ms',
            windows.partitionHistoryMs,
          ).delete(),
      },
      {
        // Timelines of partitions nobody has sampled for as long as raw
        // history is kept (deleted topics, groups gone).
        name: 'endOffsetPoints',
        run: async () =>
          olderThan(END_OFFSETS, 'last_seen_ms', windows.rawMs).delete(),
      },
      // The lag by topic and partition: raw rows as long as the partition
      // history, rollups like the lag's.
      {
        name: 'halfHourlySeriesRollups',
        run: () => this.series.rollUp(environment, 'halfhour', nowMs),
      },
      {
        name: 'hourlySeriesRollups',
        run: () => this.series.rollUp(environment, 'hour', nowMs),
      },
      {
        name: 'dailySeriesRollups',
        run: () => this.series.rollUp(environment, 'day', nowMs),
      },
      {
        name: 'seriesRaw',
        run: () =>
          this.series.deleteOlderThan(
            environment,
            'raw',
            nowMs - windows.partitionHistoryMs,
          ),
      },
      {
        name: 'seriesHalfHourly',
        run: () =>
          this.series.deleteOlderThan(
            environment,
            'halfhour',
            nowMs - windows.rawMs,
          ),
      },
      {
        name: 'seriesHourly',
        run: () =>
          this.series.deleteOlderThan(
            environment,
            'hour',
            nowMs - windows.hourlyMs,
          ),
      },
      {
        name: 'seriesDaily',
        run: () =>
          this.series.deleteOlderThan(
            environment,
            'day',
            nowMs - windows.dailyMs,
          ),
      },
    ];
  }

  private async rollUp(
    environment: string,
    resolution: RollupResolution,
    nowMs: number,
  ): Promise<number> {
    const size = ROLLUP_MS[resolution];
    const untilMs = Math.floor(nowMs / size) * size; // complete periods only
    const [{ latest }] = await this.db(ROLLUPS)
      .where({ environment, resolution })
      .max({ latest: 'bucket_start_ms' });
    // The last period rolled up is redone: samples may have landed in it
    // after the previous run.
    const fromMs =
      latest === null || latest === undefined ? 0 : toNumber(latest);
    if (fromMs >= untilMs) return 0;

    const source =
      resolution !== 'day'
        ? this.db(HISTORY)
            .where({ environment })
            .where('sampled_at_ms', '>=', fromMs)
            .where('sampled_at_ms', '<', untilMs)
            .select(
              'group_id',
              this.bucket('sampled_at_ms', size),
              ...RAW_AGGREGATES.map(a => this.db.raw(a)),
            )
        : this.db(ROLLUPS)
            .where({ environment, resolution: 'hour' })
            .where('bucket_start_ms', '>=', fromMs)
            .where('bucket_start_ms', '<', untilMs)
            .select(
              'group_id',
              this.bucket('bucket_start_ms', size),
              ...ROLLUP_AGGREGATES.map(a => this.db.raw(a)),
            );
    const rows: Array<Aggregate & { group_id: string }> = await source
      .groupBy('group_id')
      .groupByRaw('2');
    const rollups = rows.map(row => ({
      environment,
      group_id: row.group_id,
      resolution,
      bucket_start_ms: toNumber(row.bucket),
      samples: toNumber(row.samples),
      sum_total_lag: toNumber(row.sum_total_lag),
      max_total_lag: toNumber(row.max_total_lag),
      max_partition_lag: toNumber(row.max_partition_lag),
      time_lag_samples: toNumber(row.time_lag_samples),
      sum_time_lag_seconds: toNumber(row.sum_time_lag_seconds),
      max_time_lag_seconds: toOptionalNumber(row.max_time_lag_seconds) ?? null,
      min_member_count: toOptionalNumber(row.min_member_count) ?? null,
      max_member_count: toOptionalNumber(row.max_member_count) ?? null,
      state: stateOfSeverity(row.state_rank) ?? null,
    }));
    // One transaction: SQLite takes the rows in several statements.
    await this.db.transaction(tx =>
      bulkInsert(tx, ROLLUPS, rollups, {
        columns: ROLLUP_COLUMNS,
        onConflict: {
          target: ['environment', 'group_id', 'resolution', 'bucket_start_ms'],
          merge: Object.keys(ROLLUP_COLUMNS).slice(4),
        },
      }),
    );
    return rollups.length;
  }
}

function toBuckets(rows: Aggregate[]): HistoryBucket[] {
  return rows.map(row => ({
    bucketStartMs: toNumber(row.bucket),
    samples: toNumber(row.samples),
    sumTotalLag: toNumber(row.sum_total_lag),
    maxTotalLag: toNumber(row.max_total_lag),
    timeLagSamples: toNumber(row.time_lag_samples),
    sumTimeLagSeconds: toNumber(row.sum_time_lag_seconds),
    maxTimeLagSeconds: toOptionalNumber(row.max_time_lag_seconds),
    minMemberCount: toOptionalNumber(row.min_member_count),
    maxMemberCount: toOptionalNumber(row.max_member_count),
    state: stateOfSeverity(row.state_rank),
  }));
}

/** Adds buckets with the same start together (rollups and the raw tail). */
function mergeBuckets(...lists: HistoryBucket[][]): HistoryBucket[] {
  const byStart = new Map<number, HistoryBucket>();
  for (const bucket of lists.flat()) {
    const prior = byStart.get(bucket.bucketStartMs);
    if (!prior) {
      byStart.set(bucket.bucketStartMs, { ...bucket });
      continue;
    }
    prior.samples += bucket.samples;
    prior.sumTotalLag += bucket.sumTotalLag;
    prior.maxTotalLag = Math.max(prior.maxTotalLag, bucket.maxTotalLag);
    prior.timeLagSamples += bucket.timeLagSamples;
    prior.sumTimeLagSeconds += bucket.sumTimeLagSeconds;
    if (bucket.maxTimeLagSeconds !== undefined) {
      prior.maxTimeLagSeconds = Math.max(
        prior.maxTimeLagSeconds ?? 0,
        bucket.maxTimeLagSeconds,
      );
    }
    if (bucket.minMemberCount !== undefined) {
      prior.minMemberCount = Math.min(
        prior.minMemberCount ?? bucket.minMemberCount,
        bucket.minMemberCount,
      );
    }
    if (bucket.maxMemberCount !== undefined) {
      prior.maxMemberCount = Math.max(
        prior.maxMemberCount ?? 0,
        bucket.maxMemberCount,
      );
    }
    prior.state = lessHealthyState(prior.state, bucket.state);
  }
  return [...byStart.values()].sort(
    (a, b) => a.bucketStartMs - b.bucketStartMs,
  );
}
