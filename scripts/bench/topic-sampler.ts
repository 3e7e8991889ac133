/* eslint-disable no-console */
// Benchmark of the topic sampler on the local broker and PostgreSQL (issue
// 14, part 1). Run from the repository root:
//
//   source scripts/toolchain.sh && node \
//     --require @backstage/cli/config/nodeTransform.cjs scripts/bench/topic-sampler.ts
//
// It creates BENCH_TOPICS topics (default 1,000) of BENCH_PARTITIONS
// partitions (default 3) inside one claimed namespace, writes one message
// to every partition, and a scratch PostgreSQL database; it prints, for
// BENCH_SAMPLES samples (default 3; the first opens the connections): the
// wall time, the time spent on Kafka and on the database write, and the
// Kafka requests by API. Everything it creates (topics, database) is
// deleted at the end.
//
// Env: BENCH_TOPICS, BENCH_PARTITIONS, BENCH_SAMPLES, BENCH_BROKERS
// (default 127.0.0.1:9092), BENCH_POSTGRES (default: the URL from
// scripts/services/postgres.sh).

import { randomBytes } from 'crypto';
import { Admin, Producer } from '@platformatic/kafka';
import { ClaimSet } from '../../plugins/kafka-hub-backend/src/claims';
import { ConsumerGroupStore } from '../../plugins/kafka-hub-backend/src/database/consumerGroups';
import { TopicStore } from '../../plugins/kafka-hub-backend/src/database/topics';
import {
  createKafkaAdmin,
  describeKafkaError,
  kafkaClientOptions,
} from '../../plugins/kafka-hub-backend/src/kafka';
import { TopicSampler } from '../../plugins/kafka-hub-backend/src/topics/TopicSampler';
import { topicSampleSummary } from '../../plugins/kafka-hub-backend/src/topics/scheduleTopicSampling';
import {
  benchEnvironment,
  log,
  scratchDatabase,
  seconds,
  setupKafka,
} from './benchKit';

const TOPICS = Number(process.env.BENCH_TOPICS ?? 1000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 3);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 3);
const application = `khbench-topics-${randomBytes(3).toString('hex')}`;
const prefix = `${application}.`;
const topicOf = (i: number) => `${prefix}t${String(i).padStart(4, '0')}`;
const ENTITY = 'component:default/topic-bench';

const environment = benchEnvironment;

async function createTopics(admin: Admin, topics: string[]) {
  const t0 = Date.now();
  for (let i = 0; i < topics.length; i += 100) {
    await admin.createTopics({
      topics: topics.slice(i, i + 100),
      partitions: PARTITIONS,
    });
  }
  // A new topic's metadata names leaders before they serve: wait for them.
  const until = Date.now() + 300_000;
  for (;;) {
    const error = await admin
      .listOffsets({
        topics: topics.map(name => ({
          name,
          partitions: Array.from({ length: PARTITIONS }, (_, p) => ({
            partitionIndex: p,
            timestamp: -1n,
          })),
        })),
      })
      .then(() => undefined)
      .catch(e => e);
    if (!error) break;
    if (Date.now() > until) {
      throw new Error(`not served after 300 s: ${describeKafkaError(error)}`);
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  const producer = new Producer(kafkaClientOptions(setupKafka, { retries: 8 }));
  const value = Buffer.from('x');
  for (let i = 0; i < topics.length; i += 100) {
    await producer.send({
      messages: topics.slice(i, i + 100).flatMap(topic =>
        Array.from({ length: PARTITIONS }, (_, partition) => ({
          topic,
          partition,
          value,
        })),
      ),
    });
  }
  await producer.close();
  log(
    `created ${
      topics.length
    } topics x ${PARTITIONS} partitions, one message each, in ${seconds(
      Date.now() - t0,
    )}`,
  );
}

async function main() {
  const admin = createKafkaAdmin(setupKafka, { retries: 8 });
  const topics = Array.from({ length: TOPICS }, (_, i) => topicOf(i));
  const { knex: db, drop } = await scratchDatabase('topics');
  try {
    await createTopics(admin, topics);
    const claims = new ClaimSet(
      [
        {
          application,
          prefix,
          entityRef: ENTITY,
          claimedAt: new Date(),
        },
      ],
      [],
    );
    const store = new TopicStore(db);
    const sampler = new TopicSampler({
      environment,
      store,
      groups: new ConsumerGroupStore(db),
      claims: async () => claims,
      concurrency: 8,
    });
    for (let i = 1; i <= SAMPLES; i++) {
      const t0 = Date.now();
      const result = await sampler.sample();
      const wall = Date.now() - t0;
      if (!result.ok) throw new Error(`sample failed: ${result.error}`);
      log(
        `sample ${i}: ${seconds(wall)} wall; ${topicSampleSummary(result)}${
          result.partial ? `; ${result.partial}` : ''
        }`,
      );
    }
    const stored = await store.listByEntity(ENTITY);
    const messages = stored.reduce((n, t) => n + (t.messageEstimate ?? 0), 0);
    log(
      `stored ${stored.length} topics; message estimate ${messages} (expected ${
        TOPICS * PARTITIONS
      })`,
    );
  } finally {
    for (let i = 0; i < topics.length; i += 100) {
      await admin
        .deleteTopics({ topics: topics.slice(i, i + 100) })
        .catch(error => log(`delete failed: ${describeKafkaError(error)}`));
    }
    await admin.close();
    await drop();
    log('deleted the topics and the scratch database');
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
