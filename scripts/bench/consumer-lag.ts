/* eslint-disable no-console */
// Benchmark of the consumer-group lag sampler on the local broker and
// PostgreSQL (see issue 5). Run from the repository root:
//
//   source scripts/toolchain.sh && node --expose-gc \
//     --require @backstage/cli/config/nodeTransform.cjs scripts/bench/consumer-lag.ts
//
// It creates BENCH_GROUPS topics of BENCH_PARTITIONS partitions (default
// 1,000 x 10 = 10,000 partitions), one committed group per topic, and a
// scratch PostgreSQL database; it prints:
//   - one sample (after the first, which warms the long-lived connection):
//     wall time, Kafka requests, database write time;
//   - the naive baseline of the community Kafka plugin in the same run: per
//     group a new admin connection for the committed offsets, then a new one
//     per topic for its end offsets;
//   - wall and write times, heap, external memory and RSS across
//     BENCH_SAMPLES (default 100) consecutive samples;
//   - BENCH_BUSY_SAMPLES (default 3) samples after one message was produced
//     to every partition, so every end offset and the lag of every
//     partition moved (the samples above see idle topics);
//   - 7d and 30d history queries of one group among 5,000,000 history rows
//     (250 groups, written in sampling order like the sampler does, then one
//     run of the retention task), right after the bulk load and again after
//     VACUUM ANALYZE (what autovacuum leaves an append-only table in).
// Everything it creates (topics, groups, database) is deleted at the end.
//
// Kafka requests are counted on the clients' connections through
// `@platformatic/kafka`'s diagnostics channel (`connectionsApiChannel`).
//
// Env: BENCH_GROUPS, BENCH_PARTITIONS, BENCH_SAMPLES, BENCH_BUSY_SAMPLES,
// BENCH_HISTORY_ROWS (0 skips the history queries), BENCH_BASELINE (false
// skips the naive baseline, e.g. for a longer memory run), BENCH_BROKERS
// (default 127.0.0.1:9092),
// BENCH_POSTGRES (default: the URL from scripts/services/postgres.sh).

import { randomBytes } from 'crypto';
import { Knex } from 'knex';
import {
  Admin,
  connectionsApiChannel,
  Producer,
  protocolAPIsById,
} from '@platformatic/kafka';
import { ClaimSet } from '../../plugins/kafka-hub-backend/src/claims';
import { mapWithConcurrency } from '../../plugins/kafka-hub-backend/src/concurrency/mapWithConcurrency';
import {
  createKafkaAdmin,
  describeKafkaError,
  kafkaClientOptions,
} from '../../plugins/kafka-hub-backend/src/kafka';
import { GroupSync } from '../../plugins/kafka-hub-backend/src/consumerGroups/GroupSync';
import { LagSampler } from '../../plugins/kafka-hub-backend/src/consumerGroups/LagSampler';
import { lagHistoryPlan } from '../../plugins/kafka-hub-backend/src/consumerGroups/lagHistoryPlan';
import {
  ConsumerGroupStore,
  LagHistoryStore,
  TaskRunStore,
} from '../../plugins/kafka-hub-backend/src/database/consumerGroups';
import {
  benchEnvironment,
  log,
  mb,
  median,
  ms,
  scratchDatabase,
  seconds,
  setupKafka,
  silentLogger,
} from './benchKit';

const GROUPS = Number(process.env.BENCH_GROUPS ?? 1000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 10);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 100);
const BUSY_SAMPLES = Number(process.env.BENCH_BUSY_SAMPLES ?? 3);
const HISTORY_ROWS = Number(process.env.BENCH_HISTORY_ROWS ?? 5_000_000);
const BASELINE = process.env.BENCH_BASELINE !== 'false';
const suffix = randomBytes(3).toString('hex');
const prefix = `khbench-${suffix}.`;
const topicOf = (i: number) => `${prefix}t${String(i).padStart(4, '0')}`;
const groupOf = (i: number) => `${prefix}g${String(i).padStart(4, '0')}`;

const environment = benchEnvironment;

const setupAdmin = () => createKafkaAdmin(setupKafka, { retries: 8 });

async function setUpKafka(admin: Admin) {
  const t0 = Date.now();
  const topics = Array.from({ length: GROUPS }, (_, i) => topicOf(i));
  for (let i = 0; i < topics.length; i += 100) {
    await admin.createTopics({
      topics: topics.slice(i, i + 100),
      partitions: PARTITIONS,
    });
  }
  // Wait until every partition's leader answers for it: a new topic's
  // metadata names leaders before they serve (NOT_LEADER_OR_FOLLOWER).
  const until = Date.now() + 300_000;
  let notReady: unknown;
  for (;;) {
    const ready = await admin
      .listOffsets({
        topics: topics.map(name => ({
          name,
          partitions: Array.from({ length: PARTITIONS }, (_, p) => ({
            partitionIndex: p,
            timestamp: -1n,
          })),
        })),
      })
      .then(() => true)
      .catch(error => {
        notReady = error;
        return false;
      });
    if (ready) break;
    if (Date.now() > until) {
      throw new Error(
        `partitions not served after 300 s: ${describeKafkaError(notReady)}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  await produceToEveryPartition(3);
  // Each group committed offset 1 on every partition of its topic: lag 2.
  await mapWithConcurrency(topics, 64, (name, i) =>
    admin.alterConsumerGroupOffsets({
      groupId: groupOf(i),
      topics: [
        {
          name,
          partitionOffsets: Array.from({ length: PARTITIONS }, (_, p) => ({
            partition: p,
            offset: 1n,
          })),
        },
      ],
    }),
  );
  log(
    `set up ${GROUPS} topics x ${PARTITIONS} partitions and ${GROUPS} committed groups in ${seconds(
      ms(t0),
    )}`,
  );
}

/** `perPartition` one-byte messages to every partition of every bench topic. */
async function produceToEveryPartition(perPartition: number) {
  const topics = Array.from({ length: GROUPS }, (_, i) => topicOf(i));
  const producer = new Producer(kafkaClientOptions(setupKafka, { retries: 8 }));
  const value = Buffer.from('x');
  // 100 topics per send: one metadata request for each batch's topics.
  for (let i = 0; i < topics.length; i += 100) {
    await producer.send({
      messages: topics.slice(i, i + 100).flatMap(topic =>
        Array.from({ length: PARTITIONS * perPartition }, (_, m) => ({
          topic,
          partition: m % PARTITIONS,
          value,
        })),
      ),
    });
  }
  await producer.close();
}

/**
 * What the community plugin does for each group it shows (it uses kafkajs):
 * a new admin connection for the group's committed offsets, then a new one
 * per topic for its end offsets.
 */
async function naiveBaseline(): Promise<{ wallMs: number; requests: number }> {
  const owners = new Set<number>();
  let requests = 0;
  const count = (message: unknown) => {
    const { connection } = message as { connection?: { ownerId?: number } };
    if (connection?.ownerId !== undefined && owners.has(connection.ownerId)) {
      requests++;
    }
  };
  connectionsApiChannel.start.subscribe(count);
  const admin = () => {
    const a = createKafkaAdmin(environment.kafka, { retries: 8 });
    owners.add(a.instanceId);
    return a;
  };
  const t0 = Date.now();
  try {
    for (let i = 0; i < GROUPS; i++) {
      const groupAdmin = admin();
      const [group] = await groupAdmin.listConsumerGroupOffsets({
        groups: [groupOf(i)],
      });
      await groupAdmin.close();
      await Promise.all(
        group.topics.map(async ({ name }) => {
          const topicAdmin = admin();
          const { topics } = await topicAdmin.metadata({ topics: [name] });
          await topicAdmin.listOffsets({
            topics: [
              {
                name,
                partitions: Array.from(
                  { length: topics.get(name)!.partitionsCount },
                  (_, partitionIndex) => ({ partitionIndex, timestamp: -1n }),
                ),
              },
            ],
          });
          await topicAdmin.close();
        }),
      );
    }
  } finally {
    connectionsApiChannel.start.unsubscribe(count);
  }
  return { wallMs: ms(t0), requests };
}

async function historyQueries(knex: Knex) {
  const history = new LagHistoryStore(knex);
  const groups = 250;
  const perGroup = Math.ceil(HISTORY_ROWS / groups);
  const now = Date.now();
  const step = 30_000;
  const t0 = Date.now();
  // perGroup samples every 30 s up to now, for `groups` groups, in the
  // order the sampler writes them: one row per group per sample time, so a
  // group's rows are spread over the table as in production.
  await knex.raw(
    `INSERT INTO kafka_hub_consumer_group_lag_history
       (environment, group_id, sampled_at_ms, total_lag, max_partition_lag,
        time_lag_seconds, committed_sum, rewound, state, member_count, status)
     SELECT 'hist', 'hist-group-' || g, ?::bigint - s * ?::bigint, (s * 7 + g) % 5000,
            (s * 3 + g) % 900, ((s + g) % 120)::double precision, 1000000 - s, false,
            'Stable', 3, 'OK'
     FROM generate_series(0, ?::bigint * ? - 1) AS i,
          LATERAL (SELECT ? - 1 - i / ? AS s, i % ? AS g) AS sample`,
    [now, step, groups, perGroup, perGroup, groups, groups],
  );
  // Hourly rollups of the 30 days, as the retention task leaves them.
  const hourMs = 3_600_000;
  await knex.raw(
    `INSERT INTO kafka_hub_consumer_group_lag_rollups
       (environment, group_id, resolution, bucket_start_ms, samples, sum_total_lag,
        max_total_lag, max_partition_lag, time_lag_samples, sum_time_lag_seconds,
        max_time_lag_seconds)
     SELECT 'hist', 'hist-group-' || g, 'hour', (?::bigint / ?::bigint - h) * ?::bigint, 120,
            120 * ((h * 11 + g) % 5000), (h * 11 + g) % 5000 + 50, 900, 120, 600.0, 60.0
     FROM generate_series(0, ? - 1) AS g, generate_series(1, 720) AS h`,
    [now, hourMs, hourMs, groups],
  );
  await knex.raw('ANALYZE kafka_hub_consumer_group_lag_history');
  await knex.raw('ANALYZE kafka_hub_consumer_group_lag_rollups');
  const [{ n }] = await knex('kafka_hub_consumer_group_lag_history').count({
    n: '*',
  });
  log(
    `history: ${Number(n).toLocaleString('en-US')} raw rows and ${(
      groups * 720
    ).toLocaleString('en-US')} hourly rollups written in ${seconds(ms(t0))}`,
  );

  // The scheduled retention task: half-hourly rollups of the raw samples.
  const retentionStart = Date.now();
  const retained = await history.applyRetention('hist', now, {
    rawMs: 7 * 86_400_000,
    hourlyMs: 30 * 86_400_000,
    dailyMs: 365 * 86_400_000,
    partitionHistoryMs: 3_600_000,
  });
  log(
    `retention task: ${retained.halfHourlyRollups.toLocaleString(
      'en-US',
    )} half-hourly, ${retained.hourlyRollups} hourly and ${
      retained.dailyRollups
    } daily rollups in ${seconds(ms(retentionStart))}`,
  );
  await timeQueries(
    history,
    groups,
    'right after the bulk load and a retention run',
  );
  const vacuumStart = Date.now();
  await knex.raw('VACUUM ANALYZE kafka_hub_consumer_group_lag_history');
  await knex.raw('VACUUM ANALYZE kafka_hub_consumer_group_lag_rollups');
  log(`VACUUM ANALYZE of both tables in ${seconds(ms(vacuumStart))}`);
  await timeQueries(history, groups, 'after VACUUM ANALYZE');
}

async function timeQueries(
  history: LagHistoryStore,
  groups: number,
  when: string,
) {
  const retention = { rawMs: 7 * 86_400_000, hourlyMs: 30 * 86_400_000 };
  for (const range of ['7d', '30d'] as const) {
    const times: number[] = [];
    let points = 0;
    let resolution = '';
    for (let i = 0; i < 21; i++) {
      const plan = lagHistoryPlan(range, Date.now(), retention);
      const start = process.hrtime.bigint();
      const buckets = await history.history({
        environment: 'hist',
        groupId: `hist-group-${i % groups}`,
        ...plan,
      });
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      points = buckets.length;
      resolution = plan.resolution;
    }
    log(
      `history query ${range} ${when}: median ${median(times).toFixed(
        1,
      )} ms, max ${Math.max(...times).toFixed(1)} ms over ${
        times.length
      } queries (${resolution}, ${points} points)`,
    );
  }
}

async function main() {
  const admin = setupAdmin();
  const { knex, drop } = await scratchDatabase('lag');
  let sampler: LagSampler | undefined;
  try {
    await setUpKafka(admin);

    const groups = new ConsumerGroupStore(knex);
    const history = new LagHistoryStore(knex);
    const taskRuns = new TaskRunStore(knex);
    const syncStart = Date.now();
    const synced = await new GroupSync({
      environment,
      logger: silentLogger,
      groups,
      taskRuns,
      // No claims: the bench measures discovery and sampling, not linking.
      claims: async () => new ClaimSet([], []),
      describeBatchSize: 100,
      inactiveAfterMs: 86_400_000,
      archiveAfterMs: 7 * 86_400_000,
    }).sync();
    if (!synced.ok) throw new Error(synced.error);
    // The shared broker may hold other groups: only the bench's are sampled.
    await knex('kafka_hub_consumer_groups')
      .whereNot('group_id', 'like', `${prefix}%`)
      .update({ lifecycle: 'inactive' });
    log(
      `group sync: ${synced.listed} groups listed and described in ${seconds(
        ms(syncStart),
      )}`,
    );

    sampler = new LagSampler({
      environment,
      logger: silentLogger,
      groups,
      history,
      taskRuns,
      concurrency: 32,
      statusWindow: 10,
      timeLagPoints: 60,
      keepPartitionHistory: true,
    });
    const timed = async () => {
      const t0 = Date.now();
      const result = await sampler!.sample();
      if (!result.ok) throw new Error(result.error);
      return { ...result, wallMs: ms(t0) };
    };
    // Every request sent while one sample runs (nothing else sends then), by API.
    const byApi = async () => {
      const counts = new Map<string, number>();
      const count = (message: unknown) => {
        const name = protocolAPIsById[(message as { apiKey: number }).apiKey];
        counts.set(name, (counts.get(name) ?? 0) + 1);
      };
      connectionsApiChannel.start.subscribe(count);
      try {
        const result = await timed();
        const apis = [...counts].map(([name, n]) => `${name} ${n}`).join(', ');
        return { ...result, apis };
      } finally {
        connectionsApiChannel.start.unsubscribe(count);
      }
    };
    const cold = await byApi();
    log(
      `first sample (opens the connection, finds the coordinators): ${seconds(
        cold.wallMs,
      )}, ${cold.kafkaRequests} Kafka requests (${cold.apis})`,
    );
    const warm = await byApi();
    log(
      `ONE SAMPLE: ${warm.groups} groups, ${warm.partitions} partitions, ${
        warm.topics
      } topics: wall ${seconds(warm.wallMs)}, Kafka ${seconds(
        warm.kafkaMs,
      )} with ${warm.kafkaRequests} requests (${warm.apis}), database write ${
        warm.databaseWriteMs
      } ms`,
    );

    if (BASELINE) {
      const baseline = await naiveBaseline();
      log(
        `NAIVE BASELINE (community plugin): wall ${seconds(baseline.wallMs)}, ${
          baseline.requests
        } Kafka requests; Kafka Hub is ${(
          baseline.wallMs / warm.wallMs
        ).toFixed(1)}x faster`,
      );
    }

    const walls: number[] = [];
    const writes: number[] = [];
    const kafkaTimes: number[] = [];
    const memory: Array<{
      sample: number;
      heap: number;
      heapTotal: number;
      external: number;
      rss: number;
    }> = [];
    for (let i = 1; i <= SAMPLES; i++) {
      const r = await timed();
      walls.push(r.wallMs);
      writes.push(r.databaseWriteMs);
      kafkaTimes.push(r.kafkaMs);
      if (i === 1 || i % Math.max(1, Math.round(SAMPLES / 4)) === 0) {
        (global as any).gc?.();
        const { heapUsed, heapTotal, external, rss } = process.memoryUsage();
        memory.push({ sample: i, heap: heapUsed, heapTotal, external, rss });
      }
    }
    log(
      `${SAMPLES} consecutive samples: wall median ${seconds(
        median(walls),
      )}, max ${seconds(Math.max(...walls))}; database write median ${median(
        writes,
      )} ms, max ${Math.max(...writes)} ms; Kafka median ${median(
        kafkaTimes,
      )} ms, max ${Math.max(...kafkaTimes)} ms`,
    );
    log(
      `memory after GC: ${memory
        .map(
          m =>
            `#${m.sample} heap ${mb(m.heap)} of ${mb(
              m.heapTotal,
            )} external ${mb(m.external)} rss ${mb(m.rss)}`,
        )
        .join('; ')}`,
    );

    const busy: Array<Awaited<ReturnType<typeof timed>>> = [];
    for (let i = 0; i < BUSY_SAMPLES; i++) {
      await produceToEveryPartition(1);
      busy.push(await timed());
    }
    if (busy.length > 0) {
      const mid = busy.reduce((a, b) => (a.wallMs <= b.wallMs ? a : b));
      log(
        `${busy.length} samples after a message to every partition: wall ${busy
          .map(b => seconds(b.wallMs))
          .join(', ')}; database write ${busy
          .map(b => `${b.databaseWriteMs} ms`)
          .join(', ')}; fastest: Kafka ${seconds(mid.kafkaMs)} with ${
          mid.kafkaRequests
        } requests`,
      );
    }

    if (HISTORY_ROWS > 0) await historyQueries(knex);
  } catch (error) {
    log(`failed: ${describeKafkaError(error)}\n${(error as Error).stack}`);
    process.exitCode = 1;
  } finally {
    await sampler?.close();
    const t0 = Date.now();
    try {
      const ids = Array.from({ length: GROUPS }, (_, i) => groupOf(i));
      for (let i = 0; i < ids.length; i += 100) {
        await admin
          .deleteGroups({ groups: ids.slice(i, i + 100) })
          .catch(() => undefined);
      }
      const existing = new Set(await admin.listTopics());
      const topics = Array.from({ length: GROUPS }, (_, i) =>
        topicOf(i),
      ).filter(t => existing.has(t));
      for (let i = 0; i < topics.length; i += 100) {
        await admin
          .deleteTopics({ topics: topics.slice(i, i + 100) })
          .catch(error => log(`could not delete topics: ${error.message}`));
      }
    } catch (error) {
      log(
        `could not clean up Kafka (${
          (error as Error).message
        }): delete the topics and groups ${prefix}* by hand`,
      );
    }
    await admin.close().catch(() => undefined);
    await drop().catch(error =>
      log(
        `could not drop the scratch database kafka_hub_bench_${suffix}: ${error.message}`,
      ),
    );
    log(
      `cleaned up topics, groups and the scratch database in ${seconds(
        ms(t0),
      )}`,
    );
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
