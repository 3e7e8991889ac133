import { randomBytes } from 'crypto';
import {
  Admin,
  Consumer,
  Kafka,
  logLevel,
  Partitioners,
  Producer,
} from 'kafkajs';
import { KafkaEntity } from '../catalog/KafkaEntitiesReader';
import { EnvironmentConfig } from '../config/types';
import { testServices } from '../testUtils/testServices';

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

export const testKafka = () =>
  new Kafka({
    clientId: 'kafka-hub-consumer-groups-test-client',
    brokers: testServices.kafkaPlaintextBrokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 8 },
  });

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

/** Committed offsets of a group on a topic, by partition (-1: none). */
export async function committedOffsets(
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<Record<number, number>> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return Object.fromEntries(
    offsets.partitions.map(p => [p.partition, Number(p.offset)]),
  );
}

export async function endOffsets(
  admin: Admin,
  topic: string,
): Promise<Record<number, number>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return Object.fromEntries(offsets.map(p => [p.partition, Number(p.high)]));
}

export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
}

/** Sends `perPartition` messages to every partition; resolves with send times by offset. */
export async function produce(
  producer: Producer,
  topic: string,
  partitions: number,
  perPartition: number,
): Promise<void> {
  const messages = [];
  for (let partition = 0; partition < partitions; partition++) {
    for (let i = 0; i < perPartition; i++) {
      messages.push({ partition, value: `m-${partition}-${i}` });
    }
  }
  await producer.send({ topic, messages });
}

/** A consumer in `groupId` reading `topic` from the start, committing as it goes. */
export async function startConsumer(
  kafka: Kafka,
  groupId: string,
  topic: string,
): Promise<Consumer> {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
    retry: { retries: 8 },
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ autoCommitInterval: 100, eachMessage: async () => {} });
  return consumer;
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
