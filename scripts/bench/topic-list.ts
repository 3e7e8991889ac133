/* eslint-disable no-console */
// Benchmark of the cross-entity topic list (`GET /topics`, issue 14 part 1)
// at the size of a whole organisation, on PostgreSQL. Run from the
// repository root:
//
//   source scripts/toolchain.sh && node \
//     --require @backstage/cli/config/nodeTransform.cjs scripts/bench/topic-list.ts
//
// It migrates a scratch database, stores BENCH_APPLICATIONS applications
// (default 10,000) with BENCH_TOPICS_PER_APPLICATION topics each (default
// 3) as topic samples of two environments would (every 10th topic
// undeclared, every 50th under-replicated), then times TopicStore.list,
// the single statement `GET /topics` sends, for the scopes a request can
// have: an admin (every application), a member of a big team (half of
// the applications readable, passed as one bound array), a member of a
// small team (1%), each with the default page, a search, the drift filter
// and a size sort, and a deep page. It prints a markdown table of p50 and
// p95 (nearest rank) over BENCH_SAMPLES runs (default 30) after 3 warm-up
// runs, with the rows matched. The database is dropped at the end.
// Nothing is asserted: the numbers are for the README. The HTTP route with
// the real catalog and permission backends is timed by org-scale.ts.
//
// Env: BENCH_APPLICATIONS, BENCH_TOPICS_PER_APPLICATION, BENCH_SAMPLES,
// BENCH_POSTGRES (default: the URL from scripts/services/postgres.sh).

import { performance } from 'perf_hooks';
import {
  ListTopicsQuery,
  SampledTopic,
  TopicStore,
} from '../../plugins/kafka-hub-backend/src/database/topics';
import { scratchDatabase } from './benchKit';

const APPLICATIONS = Number(process.env.BENCH_APPLICATIONS ?? 10_000);
const PER_APPLICATION = Number(process.env.BENCH_TOPICS_PER_APPLICATION ?? 3);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 30);
const ENVIRONMENTS = ['dev', 'stage'];

const slugOf = (i: number) => `app-${String(i).padStart(5, '0')}`;
const refOf = (i: number) => `component:default/${slugOf(i)}`;

function topicsOf(environmentIndex: number): SampledTopic[] {
  const topics: SampledTopic[] = [];
  for (let i = 0; i < APPLICATIONS; i++) {
    // Applications alternate between the environments.
    if (i % ENVIRONMENTS.length !== environmentIndex) continue;
    for (let t = 0; t < PER_APPLICATION; t++) {
      const k = i * PER_APPLICATION + t;
      const undeclared = k % 10 === 9;
      topics.push({
        topic: `${slugOf(i)}.topic-${t}`,
        entityRef: refOf(i),
        partitions: 3,
        replicationFactor: 3,
        underReplicatedPartitions: k % 50 === 7 ? 1 : 0,
        offlinePartitions: 0,
        minInSyncReplicas: 2,
        partitionDetail: [0, 1, 2].map(partition => ({
          partition,
          leader: 1 + (partition % 3),
          replicas: [1, 2, 3],
          inSyncReplicas: [1, 2, 3],
        })),
        sizeBytes: (k * 7919) % 10_000_000,
        diskBytes: ((k * 7919) % 10_000_000) * 3,
        messageEstimate: (k * 104_729) % 1_000_000,
        retentionMs: 604_800_000,
        retentionBytes: -1,
        cleanupPolicy: 'delete',
        configOverrides: {},
        consumerGroups: [`${slugOf(i)}.consumer`],
        drift: undeclared ? 'undeclared' : undefined,
        declaredPartitions: undeclared ? undefined : 3,
      });
    }
  }
  return topics;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main() {
  const { knex: db, drop } = await scratchDatabase('topiclist');
  try {
    const store = new TopicStore(db);
    const seedStart = performance.now();
    for (const [index, environment] of ENVIRONMENTS.entries()) {
      await store.replaceEnvironment({
        environment,
        topics: topicsOf(index),
        sampledAtMs: Date.now(),
        run: {
          lastRunAt: new Date(),
          durationMs: 0,
          outcome: 'succeeded',
          kafkaRequests: 0,
          requestCounts: {},
        },
      });
    }
    await db.raw('ANALYZE');
    console.log(
      `seeded ${APPLICATIONS} applications x ${PER_APPLICATION} topics (${
        APPLICATIONS * PER_APPLICATION
      } rows) in ${Math.round(performance.now() - seedStart)} ms\n`,
    );

    const all = Array.from({ length: APPLICATIONS }, (_, i) => refOf(i));
    const scopes: Array<[string, readonly string[] | undefined]> = [
      ['admin (every application)', undefined],
      ['big team (50% readable)', all.filter((_, i) => i % 2 === 0)],
      ['small team (1% readable)', all.filter((_, i) => i % 100 === 0)],
    ];
    const queries: Array<[string, Partial<ListTopicsQuery>]> = [
      ['first page (50, by name)', {}],
      ['search "99."', { search: '99.' }],
      ['drift only', { drift: true }],
      ['under-replicated, by size', { underReplicated: true, sort: 'size' }],
      ['by messages, page 100', { sort: 'messages', offset: 4_950 }],
      ['one environment, 200 a page', { environment: 'dev', limit: 200 }],
    ];

    console.log('| scope | query | rows matched | p50 ms | p95 ms |');
    console.log('| --- | --- | ---: | ---: | ---: |');
    for (const [scopeName, entityRefs] of scopes) {
      for (const [queryName, query] of queries) {
        const full: ListTopicsQuery = {
          entityRefs,
          sort: 'name',
          limit: 50,
          offset: 0,
          ...query,
        };
        let total = 0;
        for (let i = 0; i < 3; i++) total = (await store.list(full)).total;
        const times: number[] = [];
        for (let i = 0; i < SAMPLES; i++) {
          const start = performance.now();
          await store.list(full);
          times.push(performance.now() - start);
        }
        times.sort((a, b) => a - b);
        console.log(
          `| ${scopeName} | ${queryName} | ${total} | ${percentile(
            times,
            50,
          ).toFixed(1)} | ${percentile(times, 95).toFixed(1)} |`,
        );
      }
    }
  } finally {
    await drop();
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
