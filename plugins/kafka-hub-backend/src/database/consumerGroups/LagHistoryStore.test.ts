import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { lagHistoryPlan } from '../../consumerGroups/lagHistoryPlan';
import { migrationsDir } from '../migrations';
import { testDatabaseIds } from '../../testUtils/testServices';
import { chunks } from '../chunks';
import { DAY_MS, HOUR_MS, LagHistoryStore } from './LagHistoryStore';

jest.setTimeout(120_000);

const MINUTE = 60_000;
/** A whole hour, so the expected rollups are easy to name. */
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const STEP = 10 * MINUTE;
const WINDOWS = {
  rawMs: 7 * DAY_MS,
  hourlyMs: 30 * DAY_MS,
  dailyMs: 365 * DAY_MS,
  partitionHistoryMs: HOUR_MS,
};

/** Total lag of the sample at `ms`: its minute of the day, so every bucket differs. */
const lagAt = (ms: number) => Math.floor((ms % DAY_MS) / MINUTE);

describe('LagHistoryStore retention and history', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    return { knex, store: new LagHistoryStore(knex) };
  }

  it.each(databases.eachSupportedId())(
    'rolls 40 days of samples up, prunes them, and answers 7d from raw and 30d from hourly rollups on %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      // 40 days every 10 minutes for one group, 1 day for a second group.
      const rows = [];
      for (let ms = NOW - 40 * DAY_MS; ms < NOW; ms += STEP) {
        rows.push({
          environment: 'dev',
          group_id: 'orders.reader',
          sampled_at_ms: ms,
          total_lag: lagAt(ms),
          max_partition_lag: lagAt(ms),
          time_lag_seconds: ms % (2 * STEP) === 0 ? 2 : null,
          committed_sum: ms / STEP,
          rewound: false,
          // A rebalance every 7th sample, one to three members.
          state: (ms / STEP) % 7 === 0 ? 'PreparingRebalance' : 'Stable',
          member_count: ((ms / STEP) % 3) + 1,
          status: 'OK',
        });
      }
      for (let ms = NOW - DAY_MS; ms < NOW; ms += STEP) {
        rows.push({ ...rows[0], group_id: 'other', sampled_at_ms: ms });
      }
      for (const chunk of chunks(rows)) {
        await knex('kafka_hub_consumer_group_lag_history').insert(chunk);
      }
      await knex('kafka_hub_consumer_group_partition_history').insert([
        {
          environment: 'dev',
          group_id: 'other',
          sampled_at_ms: NOW - 2 * HOUR_MS,
          topic: 't',
          partition: 0,
          committed_offset: null,
          end_offset: 1,
          lag: null,
        },
        {
          environment: 'dev',
          group_id: 'other',
          sampled_at_ms: NOW - MINUTE,
          topic: 't',
          partition: 0,
          committed_offset: 1,
          end_offset: 1,
          lag: 0,
        },
      ]);

      const result = await store.applyRetention('dev', NOW, WINDOWS);

      // Every complete hour of 40 days, then only the last 30 days of them.
      expect(result.halfHourlyRollups).toBe(40 * 48 + 48);
      expect(result.hourlyRollups).toBe(40 * 24 + 24);
      expect(result.dailyRollups).toBe(40 + 1);
      expect(result.deleted).toMatchObject({
        raw: (33 * DAY_MS) / STEP,
        halfHourly: 33 * 48,
        hourly: 10 * 24,
        daily: 0,
        partitionHistory: 1,
      });
      const [{ oldest }] = await knex(
        'kafka_hub_consumer_group_lag_history',
      ).min({
        oldest: 'sampled_at_ms',
      });
      expect(Number(oldest)).toBe(NOW - 7 * DAY_MS);

      // An hourly rollup aggregates its six raw samples exactly.
      const hourStart = NOW - 3 * DAY_MS - 5 * HOUR_MS;
      const hour = await knex('kafka_hub_consumer_group_lag_rollups')
        .where({
          group_id: 'orders.reader',
          resolution: 'hour',
          bucket_start_ms: hourStart,
        })
        .first();
      const inHour = Array.from({ length: 6 }, (_, i) =>
        lagAt(hourStart + i * STEP),
      );
      expect(Number(hour.samples)).toBe(6);
      expect(Number(hour.sum_total_lag)).toBe(
        inHour.reduce((a, b) => a + b, 0),
      );
      expect(Number(hour.max_total_lag)).toBe(Math.max(...inHour));
      expect(Number(hour.time_lag_samples)).toBe(3);
      expect(Number(hour.sum_time_lag_seconds)).toBe(6);

      // A daily rollup of a whole day, made from hourly rollups since deleted.
      const firstFullDay = Math.ceil((NOW - 40 * DAY_MS) / DAY_MS) * DAY_MS;
      const full = await knex('kafka_hub_consumer_group_lag_rollups')
        .where({
          group_id: 'orders.reader',
          resolution: 'day',
          bucket_start_ms: firstFullDay,
        })
        .first();
      expect(Number(full.samples)).toBe(DAY_MS / STEP);
      expect(Number(full.max_total_lag)).toBe(24 * 60 - 10);

      // Running it again changes nothing.
      const again = await store.applyRetention('dev', NOW, WINDOWS);
      expect(again.deleted).toMatchObject({ raw: 0, hourly: 0, daily: 0 });
      const fullAgain = await knex('kafka_hub_consumer_group_lag_rollups')
        .where({
          group_id: 'orders.reader',
          resolution: 'day',
          bucket_start_ms: firstFullDay,
        })
        .first();
      expect(Number(fullAgain.samples)).toBe(DAY_MS / STEP);

      // 7d: raw samples in 30-minute buckets.
      const week = lagHistoryPlan('7d', NOW, WINDOWS);
      expect(week).toMatchObject({ resolution: 'raw', bucketMs: 30 * MINUTE });
      const weekPoints = await store.history({
        environment: 'dev',
        groupId: 'orders.reader',
        ...week,
      });
      expect(weekPoints.length).toBe((7 * DAY_MS) / (30 * MINUTE));
      expect(weekPoints.length).toBeLessThanOrEqual(500);
      const someBucket = weekPoints[100];
      expect(someBucket.samples).toBe(3);
      expect(someBucket.sumTotalLag).toBe(
        [0, 1, 2]
          .map(i => lagAt(someBucket.bucketStartMs + i * STEP))
          .reduce((a, b) => a + b, 0),
      );

      // The 7d buckets come from the half-hourly rollups, with exactly the
      // numbers of the raw samples: they stay when the samples go.
      const fromRaw = new Map<number, any>();
      for (const row of rows) {
        if (
          row.group_id !== 'orders.reader' ||
          row.sampled_at_ms < week.fromMs ||
          row.sampled_at_ms >= week.toMs
        ) {
          continue;
        }
        const start =
          Math.floor(row.sampled_at_ms / week.bucketMs) * week.bucketMs;
        const bucket = fromRaw.get(start) ?? {
          bucketStartMs: start,
          samples: 0,
          sumTotalLag: 0,
          maxTotalLag: 0,
          timeLagSamples: 0,
          sumTimeLagSeconds: 0,
          minMemberCount: row.member_count,
          maxMemberCount: row.member_count,
          state: 'Stable',
        };
        bucket.samples += 1;
        bucket.minMemberCount = Math.min(
          bucket.minMemberCount,
          row.member_count,
        );
        bucket.maxMemberCount = Math.max(
          bucket.maxMemberCount,
          row.member_count,
        );
        // The least healthy state of the bucket.
        if (row.state === 'PreparingRebalance') bucket.state = row.state;
        bucket.sumTotalLag += row.total_lag;
        bucket.maxTotalLag = Math.max(bucket.maxTotalLag, row.total_lag);
        if (row.time_lag_seconds !== null) {
          bucket.timeLagSamples += 1;
          bucket.sumTimeLagSeconds += row.time_lag_seconds;
          bucket.maxTimeLagSeconds = Math.max(
            bucket.maxTimeLagSeconds ?? 0,
            row.time_lag_seconds,
          );
        }
        fromRaw.set(start, bucket);
      }
      expect(weekPoints).toEqual([...fromRaw.values()]);
      await knex('kafka_hub_consumer_group_lag_history')
        .where('sampled_at_ms', '<', NOW - HOUR_MS)
        .delete();
      expect(
        await store.history({
          environment: 'dev',
          groupId: 'orders.reader',
          ...week,
        }),
      ).toEqual(weekPoints);
      // Not in whole half hours (24h: 5-minute buckets): from raw samples.
      const day = lagHistoryPlan('24h', NOW, WINDOWS);
      expect(day).toMatchObject({ resolution: 'raw', bucketMs: 5 * MINUTE });
      const dayPoints = await store.history({
        environment: 'dev',
        groupId: 'orders.reader',
        ...day,
      });
      expect(dayPoints.reduce((n, b) => n + b.samples, 0)).toBe(HOUR_MS / STEP);

      // 30d: hourly rollups in 2-hour buckets, the last hour from raw.
      const month = lagHistoryPlan('30d', NOW + 25 * MINUTE, WINDOWS);
      expect(month).toMatchObject({
        resolution: 'hour',
        bucketMs: 2 * HOUR_MS,
      });
      await knex('kafka_hub_consumer_group_lag_history').insert({
        ...rows[0],
        sampled_at_ms: NOW + 20 * MINUTE,
        total_lag: 99_999,
      });
      const monthPoints = await store.history({
        environment: 'dev',
        groupId: 'orders.reader',
        ...month,
      });
      expect(monthPoints.length).toBeLessThanOrEqual(361);
      expect(monthPoints.length).toBeGreaterThanOrEqual(359);
      expect(monthPoints[monthPoints.length - 2].samples).toBe(12);
      const last = monthPoints[monthPoints.length - 1];
      expect(last.bucketStartMs).toBe(NOW);
      expect(last).toMatchObject({ samples: 1, maxTotalLag: 99_999 });
    },
  );

  it.each(databases.eachSupportedId())(
    'writes a sample atomically and reads it back for resuming on %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      const write = (
        ms: number,
        committed: number,
        points: any[],
        prunes: any[] = [],
      ) =>
        store.writeSample({
          environment: 'dev',
          sampledAtMs: ms,
          groups: [
            {
              groupId: 'g',
              state: 'Stable',
              memberCount: 1,
              partitions: [
                {
                  topic: 't',
                  partition: 0,
                  committedOffset: committed,
                  endOffset: 100,
                  lag: 100 - committed,
                },
              ],
              totalLag: 100 - committed,
              maxPartitionLag: 100 - committed,
              partitionsWithoutCommit: 0,
              committedSum: committed,
              rewound: false,
              status: 'OK',
              statusReason: 'ok',
              trend: [],
            },
          ],
          endOffsetPoints: points,
          endOffsetPrunes: prunes,
          keepPartitionHistory: false,
        });
      await write(NOW, 10, [
        {
          topic: 't',
          partition: 0,
          endOffset: 90,
          firstSeenMs: NOW - 1,
          lastSeenMs: NOW - 1,
        },
        {
          topic: 't',
          partition: 0,
          endOffset: 100,
          firstSeenMs: NOW,
          lastSeenMs: NOW,
        },
      ]);
      await write(
        NOW + MINUTE,
        20,
        [
          {
            topic: 't',
            partition: 0,
            endOffset: 100,
            firstSeenMs: NOW,
            lastSeenMs: NOW + MINUTE,
          },
        ],
        [{ topic: 't', partition: 0, belowOffset: 100 }],
      );

      expect(await store.latestSampleMs('dev')).toBe(NOW + MINUTE);
      expect(await store.latestCommitted('dev')).toEqual([
        { groupId: 'g', topic: 't', partition: 0, committed: 20 },
      ]);
      expect(await store.endOffsetPoints('dev')).toEqual([
        {
          topic: 't',
          partition: 0,
          endOffset: 100,
          firstSeenMs: NOW,
          lastSeenMs: NOW + MINUTE,
        },
      ]);
      expect(
        (await store.samplesSince('dev', 0)).map(s => [
          s.sampledAtMs,
          s.committedSum,
        ]),
      ).toEqual([
        [NOW, 10],
        [NOW + MINUTE, 20],
      ]);
      // keepPartitionHistory: false writes no per-partition rows.
      const [{ n }] = await knex(
        'kafka_hub_consumer_group_partition_history',
      ).count({ n: '*' });
      expect(Number(n)).toBe(0);

      // A write that fails half-way (the latest lag and offsets are
      // written, then the history table is gone) changes nothing.
      // Matched on the message, not with toThrow: better-sqlite3 builds its
      // errors with the error class of the first Jest sandbox of the worker
      // process that loaded it, so in any later test file of that worker
      // they are not `instanceof Error` and toThrow reports "did not throw".
      await knex.schema.dropTable('kafka_hub_consumer_group_lag_history');
      await expect(write(NOW + 2 * MINUTE, 30, [])).rejects.toMatchObject({
        message: expect.stringMatching(/kafka_hub_consumer_group_lag_history/),
      });
      expect(await store.latestSampleMs('dev')).toBe(NOW + MINUTE);
      expect(await store.latestCommitted('dev')).toEqual([
        { groupId: 'g', topic: 't', partition: 0, committed: 20 },
      ]);
      expect(await store.endOffsetPoints('dev')).toEqual([
        {
          topic: 't',
          partition: 0,
          endOffset: 100,
          firstSeenMs: NOW,
          lastSeenMs: NOW + MINUTE,
        },
      ]);
    },
  );
});
