import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import { promisify } from 'util';
import {
  Admin,
  BaseOptions,
  Consumer,
  GroupProtocols,
  MessagesStream,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  Producer,
  stringDeserializers,
  stringSerializers,
} from '@platformatic/kafka';
import { KafkaEntity } from '../../catalog/KafkaEntitiesReader';
import { EnvironmentConfig } from '../../config/types';
import { kafkaClientOptions } from '../../kafka';
import { testServices } from '../../testUtils/testServices';

/** Test helpers for the consumer-group tests against the real broker. */

export const uniqueSuffix = () => randomBytes(4).toString('hex');

export const liveEnvironment = (name = 'dev'): EnvironmentConfig => ({
  name,
  kafka: {
    brokers: testServices.kafkaPlaintextBrokers,
    clientId: 'kafka-hub-consumer-groups-test',
    ssl: false,
    connectionTimeoutMs: 2000,
    requestTimeoutMs: 10_000,
  },
});

/** Client id of the tests' own admin, producers and consumers. */
export const TEST_CLIENT_ID = 'kafka-hub-consumer-groups-test-client';

/** Options of the tests' own clients: patient, as a freshly started broker needs. */
export const testClientOptions = (): BaseOptions =>
  kafkaClientOptions(
    { ...liveEnvironment().kafka, clientId: TEST_CLIENT_ID },
    { retries: 8 },
  );

/** The tests' own admin client (close it with `await admin.close()`). */
export const testAdmin = () => new Admin(testClientOptions());

/**
 * An admin for one test file (it connects on first use) and the topics and
 * groups the file creates on the shared broker, all deleted after the file.
 */
export function brokerScratch(): {
  admin: Admin;
  topics: string[];
  groupIds: string[];
} {
  const scratch = { admin: testAdmin(), topics: [], groupIds: [] };
  afterAll(async () => {
    const { admin, topics, groupIds } = scratch;
    await admin.deleteGroups({ groups: groupIds }).catch(() => undefined);
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.close();
  });
  return scratch;
}

export async function waitFor(
  what: string,
  condition: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

/** Partitions of a topic, by its metadata (fresh, not the client's cache). */
async function partitionCount(admin: Admin, topic: string): Promise<number> {
  const { topics } = await admin.metadata({
    topics: [topic],
    forceUpdate: true,
  });
  const metadata = topics.get(topic);
  if (!metadata) throw new Error(`Topic ${topic} has no metadata`);
  return metadata.partitionsCount;
}

/**
 * Creates topics and waits until every partition's leader serves it: a
 * freshly (re)started broker names leaders in its metadata before they
 * answer, and a produce sent then fails with NOT_LEADER_OR_FOLLOWER.
 */
export async function createTopics(
  admin: Admin,
  topics: Array<{ topic: string; partitions: number }>,
): Promise<void> {
  await admin.createTopics({
    topics: topics.map(({ topic, partitions }) => ({ topic, partitions })),
  });
  await waitFor(`leaders of ${topics.map(t => t.topic).join(', ')}`, async () =>
    admin
      .listOffsets({
        topics: topics.map(({ topic, partitions }) => ({
          name: topic,
          partitions: Array.from({ length: partitions }, (_, i) => ({
            partitionIndex: i,
            timestamp: -1n,
          })),
        })),
      })
      .then(() => true)
      .catch(() => false),
  );
}

/** Committed offsets of a group on a topic, by partition (-1: none). */
export async function committedOffsets(
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<Record<number, number>> {
  const partitions = await partitionCount(admin, topic);
  const [group] = await admin.listConsumerGroupOffsets({
    groups: [
      {
        groupId,
        topics: [
          {
            name: topic,
            partitionIndexes: Array.from({ length: partitions }, (_, i) => i),
          },
        ],
      },
    ],
  });
  return Object.fromEntries(
    (group?.topics.find(t => t.name === topic)?.partitions ?? []).map(p => [
      p.partitionIndex,
      Number(p.committedOffset),
    ]),
  );
}

/** End offsets (the offset the next message gets) of a topic, by partition. */
export async function endOffsets(
  admin: Admin,
  topic: string,
): Promise<Record<number, number>> {
  const partitions = await partitionCount(admin, topic);
  const [listed] = await admin.listOffsets({
    topics: [
      {
        name: topic,
        partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({
          partitionIndex,
          timestamp: -1n,
        })),
      },
    ],
  });
  return Object.fromEntries(
    (listed?.partitions ?? []).map(p => [p.partitionIndex, Number(p.offset)]),
  );
}

/**
 * Commits offsets for a group without members, as
 * `kafka-consumer-groups --reset-offsets --to-offset` does.
 */
export async function setOffsets(
  admin: Admin,
  groupId: string,
  topic: string,
  partitions: Array<{ partition: number; offset: number }>,
): Promise<void> {
  await admin.alterConsumerGroupOffsets({
    groupId,
    topics: [
      {
        name: topic,
        partitionOffsets: partitions.map(({ partition, offset }) => ({
          partition,
          offset: BigInt(offset),
        })),
      },
    ],
  });
}

export type TestProducer = Producer<string, string, string, string>;

/** A producer of string messages (close it with `await producer.close()`). */
export function createProducer(): TestProducer {
  return new Producer({
    ...testClientOptions(),
    serializers: stringSerializers,
    // A send retried after a lost answer must not write its messages twice:
    // the tests count exact offsets.
    idempotent: true,
  });
}

/** Sends `perPartition` messages to every partition of `topic`. */
export async function produce(
  producer: TestProducer,
  topic: string,
  partitions: number,
  perPartition: number,
): Promise<void> {
  const messages = [];
  for (let partition = 0; partition < partitions; partition++) {
    for (let i = 0; i < perPartition; i++) {
      messages.push({ topic, partition, value: `m-${partition}-${i}` });
    }
  }
  await producer.send({ messages });
}

/** A running member of a group, as {@link startConsumer} starts it. */
export interface TestConsumer {
  consumer: Consumer<string, string, string, string>;
  stream: MessagesStream<string, string, string, string>;
  /** Stops reading (the member stays in the group and keeps heartbeating). */
  pause(): void;
  /** Commits `offset` (the next offset to read) of a partition by hand. */
  commit(topic: string, partition: number, offset: number): Promise<void>;
  /** Leaves the group and closes the connections. */
  close(): Promise<void>;
}

export interface StartConsumerOptions {
  /** The rebalance protocol: 'classic' (default) or 'consumer' (KIP-848). */
  groupProtocol?: 'classic' | 'consumer';
  /** Commit what was read every 100 ms (default true). */
  autocommit?: boolean;
}

/** A consumer in `groupId` reading `topic` from the start, committing as it goes. */
export async function startConsumer(
  groupId: string,
  topic: string,
  options: StartConsumerOptions = {},
): Promise<TestConsumer> {
  const autocommit = options.autocommit === false ? false : 100;
  const consumer = new Consumer<string, string, string, string>({
    ...testClientOptions(),
    groupId,
    deserializers: stringDeserializers,
    autocommit,
    ...(options.groupProtocol === 'consumer'
      ? { groupProtocol: GroupProtocols.CONSUMER }
      : {
          groupProtocol: GroupProtocols.CLASSIC,
          sessionTimeout: 10_000,
          heartbeatInterval: 500,
        }),
  });
  let stream: MessagesStream<string, string, string, string>;
  try {
    stream = await consumer.consume({
      topics: [topic],
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      autocommit,
    });
  } catch (error) {
    await consumer.close(true).catch(() => undefined);
    throw error;
  }
  // Reading is enough: the stream commits what it emitted.
  stream.on('data', () => {});
  stream.on('error', () => {});
  return {
    consumer,
    stream,
    pause: () => {
      stream.pause();
    },
    commit: async (t, partition, offset) => {
      await consumer.commit({
        offsets: [
          { topic: t, partition, offset: BigInt(offset), leaderEpoch: -1 },
        ],
      });
    },
    close: async () => {
      await stream.close().catch(() => undefined);
      await consumer.close(true);
    },
  };
}

const kafkaScript = require.resolve('../../../../../scripts/services/kafka.sh');

/** Runs one of Kafka's own tools (a class of the project's Kafka jars). */
export async function runKafkaTool(
  className: string,
  args: string[],
): Promise<string> {
  const { stdout } = await promisify(execFile)(
    'bash',
    [kafkaScript, 'run-class', className, ...args],
    { timeout: 120_000 },
  );
  return stdout;
}

/**
 * A share group (KIP-932) reading `topic`, made by Kafka's own console
 * share consumer, which joins, reads nothing and leaves after a second.
 */
export async function createShareGroup(
  groupId: string,
  topic: string,
): Promise<void> {
  await runKafkaTool('org.apache.kafka.tools.consumer.ConsoleShareConsumer', [
    '--bootstrap-server',
    testServices.kafkaPlaintextBrokers[0],
    '--topic',
    topic,
    '--group',
    groupId,
    '--timeout-ms',
    '1000',
  ]);
}

export const entity = (
  entityRef: string,
  prefix: string | undefined,
  consumerGroups: KafkaEntity['annotations']['consumerGroups'] = [],
): KafkaEntity => ({
  entityRef,
  prefix,
  application: prefix?.replace(/\.$/, ''),
  annotations: { topics: [], consumerGroups, schemaSubjects: [] },
  errors: [],
});
