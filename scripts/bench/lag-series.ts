/* eslint-disable no-console */
// Benchmark of the lag series (lag per topic and partition, one JSON row
// per group per sample, see migrations/20261205000000_consumer_group_lag_series.js)
// on PostgreSQL. Run from the repository root:
//
//   source scripts/toolchain.sh && node \
//     --require @backstage/cli/config/nodeTransform.cjs scripts/bench/lag-series.ts
//
// In a scratch database it prints:
//   - the write of one sample's series rows for BENCH_GROUPS groups (default
//     10,000) of BENCH_PARTITIONS partitions (default 10) over
//     BENCH_SAMPLES samples (default 60: half an hour at 30 s), median and
//     max, and the table's size after them;
//   - the retention task's half-hourly rollup of those samples;
//   - one group's chart reads: 1h from raw rows, 7d from half-hourly and 30d
//     from hourly rollups, with BENCH_ROLLUP_GROUPS groups (default 1,000)
//     of 7 days of half-hourly and 30 days of hourly rollups in the table.
// The database is dropped at the end.
//
// Env: BENCH_GROUPS, BENCH_PARTITIONS, BENCH_SAMPLES, BENCH_ROLLUP_GROUPS,
// BENCH_POSTGRES (default: the URL from scripts/services/postgres.sh).

import { lagSeriesPlan } from '../../plugins/kafka-hub-backend/src/consumerGroups/lagHistoryPlan';
import {
  GroupSample,
  LagHistoryStore,
} from '../../plugins/kafka-hub-backend/src/database/consumerGroups';
import { log, median, ms, scratchDatabase } from './benchKit';

const GROUPS = Number(process.env.BENCH_GROUPS ?? 10_000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 10);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 60);
const ROLLUP_GROUPS = Number(process.env.BENCH_ROLLUP_GROUPS ?? 1_000);
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const STEP_MS = 30_000;
const WINDOWS = {
  rawMs: 7 * DAY_MS,
  hourlyMs: 30 * DAY_MS,
  dailyMs: 365 * DAY_MS,
  partitionHistoryMs: HOUR_MS,
};

function groupsOf(sample: number): GroupSample[] {
  return Array.from({ length: GROUPS }, (_, g) => {
    const partitions = Array.from({ length: PARTITIONS }, (__, p) => ({
      topic: `bench.topic-${String(g % 2000).padStart(4, '0')}`,
      partition: p,
      committedOffset: 1_000_000 + sample * 10,
      endOffset: 1_000_000 + sample * 10 + ((g + p + sample) % 500),
      lag: (g + p + sample) % 500,
    }));
    const totalLag = partitions.reduce((sum, p) => sum + p.lag, 0);
    return {
      groupId: `bench-group-${g}`,
      state: 'Stable',
      memberCount: 3,
      partitions,
      totalLag,
      maxPartitionLag: Math.max(...partitions.map(p => p.lag)),
      partitionsWithoutCommit: 0,
      committedSum: 0,
      rewound: false,
      status: 'OK',
      statusReason: '',
      trend: [],
    };
  });
}

async function main() {
  const { knex, drop } = await scratchDatabase('series');
  try {
    const history = new LagHistoryStore(knex);
    const now = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    const start = now - SAMPLES * STEP_MS;

    const writes: number[] = [];
    for (let s = 0; s < SAMPLES; s++) {
      const groups = groupsOf(s);
      const t0 = Date.now();
      await knex.transaction(tx =>
        history.series.insertSample(tx, 'bench', start + s * STEP_MS, groups),
      );
      writes.push(ms(t0));
    }
    const [{ size }] = (
      await knex.raw(
        `SELECT pg_total_relation_size('kafka_hub_consumer_group_lag_series') AS size`,
      )
    ).rows;
    log(
      `series write of one sample, ${GROUPS.toLocaleString(
        'en-US',
      )} groups x ${PARTITIONS} partitions: median ${median(
        writes,
      )} ms, max ${Math.max(...writes)} ms over ${SAMPLES} samples; table ${(
        Number(size) /
        1024 /
        1024
      ).toFixed(1)} MB (${(Number(size) / (GROUPS * SAMPLES)).toFixed(
        0,
      )} bytes per row with indexes)`,
    );

    const t1 = Date.now();
    const rolled = await history.series.rollUp('bench', 'halfhour', now);
    log(
      `half-hourly rollup of ${(GROUPS * SAMPLES).toLocaleString(
        'en-US',
      )} raw rows: ${rolled.toLocaleString('en-US')} rollups in ${ms(t1)} ms`,
    );

    // 7 days of half-hourly and 30 days of hourly rollups of other groups.
    const t2 = Date.now();
    const topics = JSON.stringify([
      {
        t: 'bench.topic',
        n: 60,
        s: 6000,
        m: 200,
        p: Array.from({ length: PARTITIONS }, (_, p) => [p, 60, 600, 20]),
      },
    ]);
    for (const [resolution, periods, size] of [
      ['halfhour', 7 * 48, HOUR_MS / 2],
      ['hour', 30 * 24, HOUR_MS],
    ] as const) {
      await knex.raw(
        `INSERT INTO kafka_hub_consumer_group_lag_series
           (environment, group_id, resolution, bucket_start_ms, samples, topics)
         SELECT 'bench', 'bench-group-' || g, ?, ?::bigint - h * ?::bigint, 60, ?
         FROM generate_series(0, ? - 1) AS g, generate_series(2, ?) AS h
         ON CONFLICT DO NOTHING`,
        [resolution, now, size, topics, ROLLUP_GROUPS, periods],
      );
    }
    await knex.raw('ANALYZE kafka_hub_consumer_group_lag_series');
    log(`rollups of ${ROLLUP_GROUPS} groups written in ${ms(t2)} ms`);

    for (const range of ['1h', '7d', '30d'] as const) {
      const plan = lagSeriesPlan(range, now, WINDOWS);
      const times: number[] = [];
      let buckets = 0;
      for (let i = 0; i < 20; i++) {
        const t0 = Date.now();
        const read = await history.series.read({
          environment: 'bench',
          groupId: `bench-group-${(i * 37) % Math.min(GROUPS, ROLLUP_GROUPS)}`,
          ...plan,
        });
        times.push(ms(t0));
        buckets = read.length;
      }
      log(
        `read ${range} (${plan.resolution}, ${
          plan.bucketMs / 1000
        } s buckets, ${buckets} points): median ${median(
          times,
        )} ms, max ${Math.max(...times)} ms over 20 groups`,
      );
    }
  } finally {
    await drop();
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
