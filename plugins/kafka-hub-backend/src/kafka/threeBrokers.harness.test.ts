/*
 * Proves the three-broker harness (scripts/services/kafka-cluster.sh and
 * src/testUtils/kafkaCluster.ts): the leader of a partition is killed with
 * kill -9, its leadership moves to a survivor, producing (acks=all, two
 * in-sync replicas left) and consuming go on, and the node rejoins the ISR
 * after a restart on its data; then the coordinator of a group is killed, the
 * group moves to a survivor with its committed offsets. Prints the seconds
 * each step took.
 *
 * Starts and stops its own cluster (ports 29092-29293), so it is not part of
 * the regular run (package.json ignores *.harness.test.ts). Run it with:
 *   yarn backstage-cli package test src/kafka/threeBrokers.harness.test.ts \
 *     --testPathIgnorePatterns=/node_modules/ --testMatch='**\/*.harness.test.ts'
 * (the path first: after --testMatch it would be read as a second pattern).
 */
import { randomBytes } from 'crypto';
import {
  Admin,
  Consumer,
  MessagesStreamModes,
  Producer,
  stringDeserializers,
  stringSerializers,
} from '@platformatic/kafka';
import {
  groupCoordinator,
  kafkaCluster,
  kafkaClusterNodes,
  partitionLeader,
  partitionStates,
  waitForFullIsr,
  waitForInSync,
  waitForLiveBrokers,
  waitForCluster,
  waitForNewCoordinator,
  waitForNewLeader,
} from '../testUtils/kafkaCluster';
import {
  committedOffsets,
  setOffsets,
} from '../consumerGroups/__testUtils__/testKafka';

jest.setTimeout(900_000);

const CLIENT_ID = 'kafka-hub-three-brokers-harness-test';
const PARTITIONS = 3;
const PER_PARTITION = 10;

const steps: Array<{ step: string; seconds: number }> = [];

/** Runs one step of the scenario and records how long it took. */
async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await run();
  steps.push({ step: name, seconds: (Date.now() - started) / 1000 });
  return result;
}

function printSteps() {
  const width = Math.max(...steps.map(s => s.step.length));
  // eslint-disable-next-line no-console
  console.log(
    [
      'three-broker harness: seconds per step',
      ...steps.map(
        s => `  ${s.step.padEnd(width)}  ${s.seconds.toFixed(1).padStart(6)}`,
      ),
    ].join('\n'),
  );
}

/** `PER_PARTITION` messages for every partition, named by batch, partition and index. */
function batch(topic: string, name: string) {
  const messages = [];
  for (let partition = 0; partition < PARTITIONS; partition++) {
    for (let i = 0; i < PER_PARTITION; i++) {
      messages.push({ topic, partition, value: `${name}-p${partition}-${i}` });
    }
  }
  return messages;
}

/** Values by partition, in the order they were sent (or read). */
function byPartition(messages: Array<{ partition: number; value: string }>) {
  const result: string[][] = Array.from({ length: PARTITIONS }, () => []);
  for (const m of messages) result[m.partition].push(m.value);
  return result;
}

/** Reads `count` messages of `topic` from the beginning as a new group. */
async function readFromStart(topic: string, groupId: string, count: number) {
  const consumer = new Consumer<string, string, string, string>({
    ...kafkaCluster.clientOptions(CLIENT_ID, { retries: 8 }),
    groupId,
    deserializers: stringDeserializers,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
  });
  try {
    const stream = await consumer.consume({
      topics: [topic],
      mode: MessagesStreamModes.EARLIEST,
      autocommit: false,
    });
    const read: Array<{ partition: number; value: string }> = [];
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        (async () => {
          for await (const message of stream) {
            read.push({ partition: message.partition, value: message.value });
            if (read.length >= count) return;
          }
        })(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(`read ${read.length} of ${count} messages in 120 s`),
              ),
            120_000,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
      await stream.close();
    }
    return read;
  } finally {
    await consumer.close(true);
  }
}

describe('the three-broker cluster harness', () => {
  let admin: Admin | undefined;
  let producer: Producer<string, string, string, string> | undefined;

  beforeAll(async () => {
    await step('start the cluster (3 nodes, 3 brokers registered)', () =>
      kafkaCluster.start(),
    );
    admin = kafkaCluster.admin(CLIENT_ID);
  });

  afterAll(async () => {
    await producer?.close().catch(() => undefined);
    await admin?.close().catch(() => undefined);
    await step('stop the cluster', () => kafkaCluster.stop());
    printSteps();
  });

  it('moves a killed leader to a survivor, keeps producing and consuming, and takes the node back into the ISR', async () => {
    const cluster = admin!;
    const topic = `harness-${randomBytes(4).toString('hex')}`;
    const groupId = `${topic}.reader`;

    await waitForLiveBrokers(cluster, kafkaClusterNodes);
    const created = await step(`create ${topic} (RF 3)`, async () => {
      await cluster.createTopics({
        topics: [topic],
        partitions: PARTITIONS,
        replicas: 3,
      });
      return waitForFullIsr(cluster, topic, 3);
    });
    for (const state of created) {
      expect(state.replicas).toEqual([1, 2, 3]);
      expect(state.isr).toEqual([1, 2, 3]);
    }

    producer = new Producer({
      ...kafkaCluster.clientOptions(CLIENT_ID, { retries: 8 }),
      serializers: stringSerializers,
      // acks=all; a send retried after a lost answer is not written twice.
      idempotent: true,
    });
    const before = batch(topic, 'before');
    await step('produce 30 messages (acks=all)', () =>
      producer!.send({ messages: before }),
    );

    const killed = await partitionLeader(cluster, topic, 0);
    const survivors = kafkaClusterNodes.filter(n => n !== killed);
    await step(`kill -9 node ${killed} (leader of partition 0)`, () =>
      kafkaCluster.killNode(killed),
    );
    const killedAt = Date.now();

    const newLeader = await step(
      'metadata: partition 0 led by a survivor',
      () => waitForNewLeader(cluster, topic, 0, killed),
    );
    expect(survivors).toContain(newLeader);
    await step(`metadata: node ${killed} gone from the live brokers`, () =>
      waitForLiveBrokers(cluster, survivors),
    );
    const during = await partitionStates(cluster, topic);
    for (const state of during) {
      expect(survivors).toContain(state.leader);
      expect(state.isr).toEqual(survivors);
    }
    steps.push({
      step: '  (kill to new leader and fencing, total)',
      seconds: (Date.now() - killedAt) / 1000,
    });

    const after = batch(topic, 'after');
    await step('produce 30 more on 2 of 3 brokers (acks=all)', () =>
      producer!.send({ messages: after }),
    );

    const read = await step('consume all 60 from the start (new group)', () =>
      readFromStart(topic, groupId, 2 * before.length),
    );
    expect(byPartition(read)).toEqual(byPartition([...before, ...after]));
    expect(survivors).toContain(await groupCoordinator(cluster, groupId));

    await step(`restart node ${killed} on its data (registered)`, () =>
      kafkaCluster.startNode(killed),
    );
    const rejoined = await step(`node ${killed} back in every ISR`, () =>
      waitForInSync(cluster, topic, killed),
    );
    for (const state of rejoined) {
      expect(state.isr).toEqual([1, 2, 3]);
    }
    await waitForLiveBrokers(cluster, kafkaClusterNodes);

    const last = batch(topic, 'rejoined');
    await step('produce 30 more with all 3 in sync (acks=all)', () =>
      producer!.send({ messages: last }),
    );
    const all = await step('consume all 90 from the start (new group)', () =>
      readFromStart(topic, `${groupId}.2`, 3 * before.length),
    );
    expect(byPartition(all)).toEqual(
      byPartition([...before, ...after, ...last]),
    );
  });

  it('moves a group whose coordinator is killed to a survivor, with its committed offsets', async () => {
    const cluster = admin!;
    const topic = `harness-${randomBytes(4).toString('hex')}`;
    const groupId = `${topic}.committed`;
    await cluster.createTopics({
      topics: [topic],
      partitions: PARTITIONS,
      replicas: 3,
    });
    await waitForFullIsr(cluster, topic, 3);
    await producer!.send({ messages: batch(topic, 'offsets') });
    const offsets = [
      { partition: 0, offset: 3 },
      { partition: 1, offset: 5 },
      { partition: 2, offset: 7 },
    ];
    await setOffsets(cluster, groupId, topic, offsets);
    expect(await committedOffsets(cluster, groupId, topic)).toEqual({
      0: 3,
      1: 5,
      2: 7,
    });

    const killed = await groupCoordinator(cluster, groupId);
    const survivors = kafkaClusterNodes.filter(n => n !== killed);
    await step(`kill -9 node ${killed} (coordinator of the group)`, () =>
      kafkaCluster.killNode(killed),
    );
    const coordinator = await step(
      'FindCoordinator: the group on a survivor',
      () => waitForNewCoordinator(cluster, groupId, killed),
    );
    expect(survivors).toContain(coordinator);
    // Right after the move, the new coordinator has answered "no committed
    // offset" (-1) for a while (seen once, 2026-12): a finding for the chaos
    // suite's lag sampling. The offsets themselves must come back unchanged.
    const answers: string[] = [];
    const recovered = await step(
      'OffsetFetch: the committed offsets read back',
      () =>
        waitForCluster(
          'the committed offsets on the new coordinator',
          async () => {
            const read = await committedOffsets(cluster, groupId, topic);
            answers.push(JSON.stringify(read));
            return Object.values(read).every(o => o < 0)
              ? { done: false, seen: JSON.stringify(read) }
              : { done: true, value: read };
          },
        ),
    );
    expect(recovered).toEqual({ 0: 3, 1: 5, 2: 7 });
    steps.push({
      step: `  (OffsetFetch answers before: ${
        answers.length - 1
      } without offsets)`,
      seconds: 0,
    });

    await step(`restart node ${killed} on its data (registered)`, () =>
      kafkaCluster.startNode(killed),
    );
    await step(`node ${killed} back in every ISR`, () =>
      waitForInSync(cluster, topic, killed),
    );
  });
});
