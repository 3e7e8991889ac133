import { Knex } from 'knex';
import { bulkInsert, ColumnType } from './bulkInsert';
import { chunks } from '../chunks';
import { toNumber } from '../numbers';
import {
  decodeTopics,
  encodeTopics,
  mergeTopics,
  sampleTopics,
  TopicLagAggregate,
} from './lagSeriesJson';
import { GroupSample } from './types';

const SERIES = 'kafka_hub_consumer_group_lag_series';

const SERIES_COLUMNS: Record<string, ColumnType> = {
  environment: 'text',
  group_id: 'text',
  resolution: 'text',
  bucket_start_ms: 'bigint',
  samples: 'integer',
  topics: 'text',
};

const HOUR_MS = 3_600_000;

/** Where series rows come from: one sample (`raw`) or a rollup of them. */
export type LagSeriesResolution = 'raw' | 'halfhour' | 'hour' | 'day';

type Rollup = Exclude<LagSeriesResolution, 'raw'>;

/** The length of a row's period. */
export const LAG_SERIES_MS: Record<LagSeriesResolution, number> = {
  raw: 0,
  halfhour: HOUR_MS / 2,
  hour: HOUR_MS,
  day: 24 * HOUR_MS,
};

/** Each rollup is made of the next finer resolution's rows. */
const SOURCE: Record<Rollup, LagSeriesResolution> = {
  halfhour: 'raw',
  hour: 'halfhour',
  day: 'hour',
};

/** Finest first: the order a range is read in, coarsest last. */
const FINEST_FIRST: readonly LagSeriesResolution[] = [
  'raw',
  'halfhour',
  'hour',
  'day',
];

/** Groups whose rows one rollup query reads. */
const GROUPS_PER_QUERY = 100;

/** One chart bucket of a group's lag by topic and partition. */
export interface LagSeriesBucket {
  bucketStartMs: number;
  samples: number;
  topics: TopicLagAggregate[];
}

type Row = {
  group_id: string;
  bucket_start_ms: number | string;
  samples: number | string;
  topics: string;
};

/**
 * A group's lag per topic and per partition over time, one JSON row per
 * group per sample and per rollup period (see the migration
 * 20261205000000_consumer_group_lag_series.js): what the group page charts
 * by topic and by its top partitions.
 */
export class LagSeriesStore {
  constructor(private readonly db: Knex) {}

  /** Inserts one sample's rows, inside the sample's transaction. */
  async insertSample(
    tx: Knex.Transaction,
    environment: string,
    sampledAtMs: number,
    groups: readonly GroupSample[],
  ): Promise<void> {
    const rows = groups.map(g => ({
      environment,
      group_id: g.groupId,
      resolution: 'raw',
      bucket_start_ms: sampledAtMs,
      samples: 1,
      topics: encodeTopics(sampleTopics(g.partitions)),
    }));
    await bulkInsert(tx, SERIES, rows, { columns: SERIES_COLUMNS });
  }

  /**
   * A group's series in `[fromMs, toMs)` in buckets of `bucketMs` (a
   * multiple of the resolution's period), read from `resolution` and,
   * after its last row, from each finer resolution in turn: the periods
   * not rolled up yet.
   */
  async read(options: {
    environment: string;
    groupId: string;
    fromMs: number;
    toMs: number;
    resolution: LagSeriesResolution;
    bucketMs: number;
  }): Promise<LagSeriesBucket[]> {
    const { environment, groupId, toMs, bucketMs } = options;
    const layers = FINEST_FIRST.slice(
      0,
      FINEST_FIRST.indexOf(options.resolution) + 1,
    ).reverse();
    const buckets = new Map<
      number,
      { samples: number; lists: TopicLagAggregate[][] }
    >();
    let cursor = options.fromMs;
    for (const resolution of layers) {
      if (cursor >= toMs) break;
      const rows: Row[] = await this.db(SERIES)
        .where({ environment, group_id: groupId, resolution })
        .where('bucket_start_ms', '>=', cursor)
        .where('bucket_start_ms', '<', toMs)
        .orderBy('bucket_start_ms')
        .select(['group_id', 'bucket_start_ms', 'samples', 'topics']);
      for (const row of rows) {
        const start = toNumber(row.bucket_start_ms);
        const key = Math.floor(start / bucketMs) * bucketMs;
        let bucket = buckets.get(key);
        if (!bucket) {
          bucket = { samples: 0, lists: [] };
          buckets.set(key, bucket);
        }
        bucket.samples += toNumber(row.samples);
        bucket.lists.push(decodeTopics(row.topics));
      }
      if (rows.length > 0) {
        const last = toNumber(rows[rows.length - 1].bucket_start_ms);
        cursor = Math.max(
          cursor,
          last + Math.max(1, LAG_SERIES_MS[resolution]),
        );
      }
    }
    return [...buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([bucketStartMs, { samples, lists }]) => ({
        bucketStartMs,
        samples,
        topics: mergeTopics(lists),
      }));
  }

  /**
   * Rolls the complete periods of one resolution up from the next finer
   * one, a chunk of groups per query, in one transaction (a failure leaves
   * no period rolled up for some groups only). The last period rolled up is
   * redone: samples may have landed in it since.
   */
  async rollUp(
    environment: string,
    resolution: Rollup,
    nowMs: number,
  ): Promise<number> {
    const size = LAG_SERIES_MS[resolution];
    const untilMs = Math.floor(nowMs / size) * size;
    const source = SOURCE[resolution];
    return this.db.transaction(async tx => {
      const [{ latest }] = await tx(SERIES)
        .where({ environment, resolution })
        .max({ latest: 'bucket_start_ms' });
      const fromMs =
        latest === null || latest === undefined ? 0 : toNumber(latest);
      if (fromMs >= untilMs) return 0;
      const inPeriod = (q: Knex.QueryBuilder) =>
        q
          .where({ environment, resolution: source })
          .where('bucket_start_ms', '>=', fromMs)
          .where('bucket_start_ms', '<', untilMs);
      const groupIds: string[] = (
        await inPeriod(tx(SERIES)).distinct('group_id')
      ).map((r: { group_id: string }) => r.group_id);
      let written = 0;
      for (const chunk of chunks(groupIds, GROUPS_PER_QUERY)) {
        const rows: Row[] = await inPeriod(tx(SERIES))
          .whereIn('group_id', chunk)
          .select(['group_id', 'bucket_start_ms', 'samples', 'topics']);
        const periods = new Map<
          string,
          {
            groupId: string;
            start: number;
            samples: number;
            lists: TopicLagAggregate[][];
          }
        >();
        for (const row of rows) {
          const start = Math.floor(toNumber(row.bucket_start_ms) / size) * size;
          const key = `${row.group_id}\u0000${start}`;
          let period = periods.get(key);
          if (!period) {
            period = { groupId: row.group_id, start, samples: 0, lists: [] };
            periods.set(key, period);
          }
          period.samples += toNumber(row.samples);
          period.lists.push(decodeTopics(row.topics));
        }
        const rollups = [...periods.values()].map(p => ({
          environment,
          group_id: p.groupId,
          resolution,
          bucket_start_ms: p.start,
          samples: p.samples,
          topics: encodeTopics(mergeTopics(p.lists)),
        }));
        await bulkInsert(tx, SERIES, rollups, {
          columns: SERIES_COLUMNS,
          onConflict: {
            target: [
              'environment',
              'group_id',
              'resolution',
              'bucket_start_ms',
            ],
            merge: ['samples', 'topics'],
          },
        });
        written += rollups.length;
      }
      return written;
    });
  }

  /** Deletes rows of one resolution older than its window. */
  async deleteOlderThan(
    environment: string,
    resolution: LagSeriesResolution,
    beforeMs: number,
  ): Promise<number> {
    return this.db(SERIES)
      .where({ environment, resolution })
      .where('bucket_start_ms', '<', beforeMs)
      .delete();
  }
}
