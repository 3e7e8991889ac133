import { Admin, Kafka } from 'kafkajs';
import { CommittedTopicOffsets, OffsetsClient } from './OffsetsClient';
import {
  createProducer,
  produce,
  testKafka,
  uniqueSuffix,
  waitFor,
} from './__testUtils__/testKafka';

jest.setTimeout(120_000);

describe('OffsetsClient against the real broker', () => {
  const prefix = `khoc-${uniqueSuffix()}.`;
  const topics = [`${prefix}a`, `${prefix}b`];
  const groupId = `${prefix}reader`;
  const otherGroupId = `${prefix}other`;
  let kafka: Kafka;
  let admin: Admin;
  const clients: OffsetsClient[] = [];

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: topics.map(topic => ({ topic, numPartitions: 3 })),
      waitForLeaders: true,
    });
    const producer = createProducer(kafka);
    await producer.connect();
    await produce(producer, topics[0], 3, 4);
    await produce(producer, topics[1], 3, 2);
    await producer.disconnect();
    await admin.setOffsets({
      groupId,
      topic: topics[0],
      partitions: [
        { partition: 0, offset: '1' },
        { partition: 2, offset: '3' },
      ],
    });
    await admin.setOffsets({
      groupId: otherGroupId,
      topic: topics[1],
      partitions: [0, 1, 2].map(partition => ({ partition, offset: '2' })),
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map(c => c.admin.disconnect()));
    await admin.deleteGroups([groupId, otherGroupId]).catch(() => undefined);
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  async function connected(batched: boolean) {
    const client = new OffsetsClient(testKafka(), { batched });
    clients.push(client);
    let requests = 0;
    client.admin.on(client.admin.events.REQUEST, () => {
      requests++;
    });
    await client.admin.connect();
    return { client, requests: () => requests };
  }

  const sorted = (offsets: CommittedTopicOffsets | undefined) =>
    (offsets ?? [])
      .map(({ topic, partitions }) => ({
        topic,
        partitions: partitions
          .map(({ partition, offset }) => ({ partition, offset }))
          .sort((a, b) => a.partition - b.partition),
      }))
      .sort((a, b) => a.topic.localeCompare(b.topic));

  it('batches through kafkajs internals and answers like the public admin calls', async () => {
    const batched = await connected(true);
    const plain = await connected(false);
    expect(batched.client.batched).toBe(true);
    expect(plain.client.batched).toBe(false);

    const snapshot = await batched.client.snapshot();
    expect(snapshot.topics.get(topics[0])).toHaveLength(3);
    expect(snapshot.coordinatorOf(groupId)).toEqual(expect.any(Number));

    const ids = [groupId, otherGroupId, `${prefix}never-committed`];
    const expected = await Promise.all(
      ids.map(id => admin.fetchOffsets({ groupId: id })),
    );
    const before = batched.requests();
    const committed = await batched.client.committedOffsetsOfGroups(
      ids,
      snapshot,
      4,
    );
    // One OffsetFetch (version 8) for the three groups, to their
    // coordinator: no FindCoordinator.
    expect(batched.requests() - before).toBe(1);
    expect(committed.map(c => sorted(c.offsets))).toEqual(expected.map(sorted));
    expect(sorted(committed[1].offsets)).toEqual([
      {
        topic: topics[1],
        partitions: [0, 1, 2].map(partition => ({ partition, offset: '2' })),
      },
    ]);
    const plainCommitted = await plain.client.committedOffsetsOfGroups(
      ids,
      await plain.client.snapshot(),
      4,
    );
    expect(plainCommitted.map(c => sorted(c.offsets))).toEqual(
      expected.map(sorted),
    );
    // One group at a time, straight to its coordinator.
    const beforeOne = batched.requests();
    expect(
      sorted(await batched.client.committedOffsets(groupId, snapshot)),
    ).toEqual(sorted(expected[0]));
    expect(batched.requests() - beforeOne).toBe(1);

    const wanted = [...topics, `${prefix}missing`];
    const beforeEnds = batched.requests();
    const ends = await batched.client.endOffsets(wanted, snapshot, 4);
    // Both topics' partitions in one ListOffsets to the one leader.
    expect(batched.requests() - beforeEnds).toBe(1);
    const plainEnds = await plain.client.endOffsets(
      wanted,
      await plain.client.snapshot(),
      4,
    );
    const asObject = (m: Map<string, Map<number, number>>) =>
      Object.fromEntries(
        [...m].map(([topic, p]) => [topic, Object.fromEntries(p)]),
      );
    expect(asObject(ends)).toEqual({
      [topics[0]]: { 0: 4, 1: 4, 2: 4 },
      [topics[1]]: { 0: 2, 1: 2, 2: 2 },
    });
    expect(asObject(plainEnds)).toEqual(asObject(ends));
  });

  it('falls back to the public calls when a topic went away after the snapshot', async () => {
    const { client } = await connected(true);
    const gone = `${prefix}gone`;
    await admin.createTopics({
      topics: [{ topic: gone, numPartitions: 1 }],
      waitForLeaders: true,
    });
    const snapshot = await client.snapshot();
    expect(snapshot.topics.has(gone)).toBe(true);
    await admin.deleteTopics({ topics: [gone] });
    await waitFor('the topic to be gone', async () =>
      (await admin.listTopics()).every(t => t !== gone),
    );

    const ends = await client.endOffsets([topics[1], gone], snapshot, 4);
    expect([...ends.keys()]).toEqual([topics[1]]);
    expect(Object.fromEntries(ends.get(topics[1])!)).toEqual({
      0: 2,
      1: 2,
      2: 2,
    });
  });
});
