#!/usr/bin/env node
// Gives the adoption apps' Kafka application (adoption-shop, see
// templates/root/catalog.yaml) something to show on its tabs, in the local
// Kafka and Apicurio Registry:
//   - topic adoption-shop.orders (3 partitions, as the annotation declares),
//     with 5 more messages per partition on every run;
//   - consumer group adoption-shop.order-processor with committed offsets
//     2 behind the end of each partition (lag 6), no members;
//   - subject adoption-shop.orders-value (Avro) in the registry;
//   - consumer group adoption-community.reader (outside every namespace, the
//     community plugin's annotation links it) 1 behind on each partition.
// Idempotent: a second run adds messages and moves the commits along.
//
//   node scripts/adoption/seed.mjs
//
// Env: KAFKA_HUB_ADOPTION_BROKERS (127.0.0.1:9092),
//      KAFKA_HUB_ADOPTION_REGISTRY_URL (http://127.0.0.1:8081/apis/ccompat/v7).
// Exit codes: 0 seeded, 1 seeding failed, 2 Kafka or the registry unreachable.

import {
  Admin,
  ListOffsetTimestamps,
  ProduceAcks,
  Producer,
  stringSerializers,
} from '@platformatic/kafka';

const BROKERS = (process.env.KAFKA_HUB_ADOPTION_BROKERS || '127.0.0.1:9092')
  .split(',')
  .map(s => s.trim())
  .filter(Boolean);
const REGISTRY_URL = (
  process.env.KAFKA_HUB_ADOPTION_REGISTRY_URL ||
  'http://127.0.0.1:8081/apis/ccompat/v7'
).replace(/\/+$/, '');

const TOPIC = 'adoption-shop.orders';
const PARTITIONS = 3;
const GROUP = 'adoption-shop.order-processor';
const COMMUNITY_GROUP = 'adoption-community.reader';
const SUBJECT = `${TOPIC}-value`;
const MESSAGES_PER_PARTITION = 5;
const LAG_PER_PARTITION = 2;
const SCHEMA = {
  type: 'record',
  name: 'Order',
  namespace: 'io.kafkahub.adoption',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
  ],
};

class UnreachableError extends Error {}

function log(message) {
  console.log(`[adoption-seed] ${message}`);
}

/** The innermost causes of a client error, joined (retry wrappers hide them). */
function describe(error) {
  const leaves = [];
  const visit = e => {
    if (!e || typeof e !== 'object') return;
    if (Array.isArray(e.errors) && e.errors.length) e.errors.forEach(visit);
    else {
      leaves.push(e.message ?? String(e));
      visit(e.cause);
    }
  };
  visit(error);
  return [...new Set(leaves)].join('; ') || String(error);
}

const clientOptions = clientId => ({
  clientId,
  bootstrapBrokers: BROKERS,
  connectTimeout: 3_000,
  timeout: 15_000,
  retries: 3,
});

async function registry(method, urlPath, body) {
  let res;
  try {
    res = await fetch(`${REGISTRY_URL}${urlPath}`, {
      method,
      headers: {
        Accept: 'application/vnd.schemaregistry.v1+json, application/json',
        ...(body
          ? { 'Content-Type': 'application/vnd.schemaregistry.v1+json' }
          : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new UnreachableError(
      `schema registry unreachable at ${REGISTRY_URL}: ${describe(error)}`,
    );
  }
  const text = await res.text();
  if (!res.ok)
    throw new Error(
      `${method} ${REGISTRY_URL}${urlPath}: HTTP ${res.status}: ${text.slice(
        0,
        300,
      )}`,
    );
  return JSON.parse(text);
}

async function seedSchema() {
  const { id } = await registry(
    'POST',
    `/subjects/${encodeURIComponent(SUBJECT)}/versions`,
    { schemaType: 'AVRO', schema: JSON.stringify(SCHEMA) },
  );
  log(`schema: ${SUBJECT} registered (id ${id})`);
}

async function endOffsets(admin) {
  const [topic] = await admin.listOffsets({
    topics: [
      {
        name: TOPIC,
        partitions: Array.from({ length: PARTITIONS }, (_, i) => ({
          partitionIndex: i,
          timestamp: ListOffsetTimestamps.LATEST,
        })),
      },
    ],
  });
  return new Map(
    topic.partitions.map(p => [p.partitionIndex, BigInt(p.offset)]),
  );
}

async function seedKafka() {
  const admin = new Admin(clientOptions('kafka-hub-adoption-seed'));
  const producer = new Producer({
    ...clientOptions('kafka-hub-adoption-seed-producer'),
    serializers: stringSerializers,
  });
  try {
    let topics;
    try {
      topics = await admin.listTopics();
    } catch (error) {
      throw new UnreachableError(
        `Kafka unreachable at ${BROKERS.join(',')}: ${describe(error)}`,
      );
    }
    if (!topics.includes(TOPIC)) {
      try {
        await admin.createTopics({
          topics: [TOPIC],
          partitions: PARTITIONS,
          replicas: 1,
        });
        log(`topic: ${TOPIC} created with ${PARTITIONS} partitions`);
      } catch (error) {
        // Kafka Hub's provisioning may have created it in between.
        if (!(await admin.listTopics()).includes(TOPIC)) throw error;
      }
    }
    // Right after creation a partition may have no leader yet: retry.
    for (let attempt = 1; ; attempt++) {
      try {
        await producer.send({
          messages: Array.from(
            { length: PARTITIONS * MESSAGES_PER_PARTITION },
            (_, i) => ({
              topic: TOPIC,
              partition: i % PARTITIONS,
              key: `order-${i}`,
              value: JSON.stringify({ id: `order-${i}`, amount: i * 1.5 }),
            }),
          ),
          acks: ProduceAcks.ALL,
        });
        break;
      } catch (error) {
        if (attempt === 10) throw error;
        await new Promise(resolve => setTimeout(resolve, 500 * attempt));
      }
    }
    const ends = await endOffsets(admin);
    const commitBehind = async (groupId, behind) => {
      await admin.alterConsumerGroupOffsets({
        groupId,
        topics: [
          {
            name: TOPIC,
            partitionOffsets: [...ends].map(([partition, end]) => ({
              partition,
              offset: end - BigInt(behind),
            })),
          },
        ],
      });
      log(
        `group: ${groupId} committed ${behind} behind the end of each partition of ${TOPIC} (ends ${[
          ...ends.values(),
        ].join(',')})`,
      );
    };
    await commitBehind(GROUP, LAG_PER_PARTITION);
    await commitBehind(COMMUNITY_GROUP, 1);
  } finally {
    await producer.close().catch(() => {});
    await admin.close().catch(() => {});
  }
}

try {
  await seedSchema();
  await seedKafka();
} catch (error) {
  console.error(`[adoption-seed] ERROR ${describe(error)}`);
  process.exit(error instanceof UnreachableError ? 2 : 1);
}
