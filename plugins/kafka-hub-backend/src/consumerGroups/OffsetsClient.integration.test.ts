import {
  AclOperations,
  AclPermissionTypes,
  Admin,
  Consumer,
  Message,
  MessagesStreamModes,
  Producer,
  ResourcePatternTypes,
  ResourceTypes,
  stringDeserializers,
  stringSerializers,
} from '@platformatic/kafka';
import { describeKafkaError } from '../kafka';
import { testServices } from '../testUtils/testServices';
import {
  CommittedTopicOffsets,
  GroupCommittedOffsets,
  OffsetsClient,
} from './OffsetsClient';
import {
  createProducer,
  createShareGroup,
  createTopics,
  liveEnvironment,
  produce,
  setOffsets,
  startConsumer,
  TestConsumer,
  testAdmin,
  testClientOptions,
  uniqueSuffix,
  waitFor,
} from './__testUtils__/testKafka';

jest.setTimeout(120_000);

describe('OffsetsClient against the real broker', () => {
  const prefix = `khoc-${uniqueSuffix()}.`;
  const topics = [`${prefix}a`, `${prefix}b`];
  const groups = {
    classic: `${prefix}reader`,
    other: `${prefix}other`,
    consumer: `${prefix}kip848`,
    share: `${prefix}share`,
    never: `${prefix}never-committed`,
  };
  const transactionalGroup = `${prefix}transactional`;
  let admin: Admin;
  let consumer: TestConsumer | undefined;
  const clients: OffsetsClient[] = [];

  beforeAll(async () => {
    admin = testAdmin();
    await createTopics(
      admin,
      topics.map(topic => ({ topic, partitions: 3 })),
    );
    const producer = createProducer();
    await produce(producer, topics[0], 3, 4);
    await produce(producer, topics[1], 3, 2);
    await producer.close();
    await setOffsets(admin, groups.classic, topics[0], [
      { partition: 0, offset: 1 },
      { partition: 2, offset: 3 },
    ]);
    await setOffsets(
      admin,
      groups.other,
      topics[1],
      [0, 1, 2].map(partition => ({ partition, offset: 2 })),
    );
  });

  afterAll(async () => {
    await consumer?.close();
    await Promise.all(clients.map(c => c.close()));
    await admin
      .deleteGroups({ groups: [...Object.values(groups), transactionalGroup] })
      .catch(() => undefined);
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.close();
  });

  const client = (environment = liveEnvironment()) => {
    const created = new OffsetsClient(environment.kafka);
    clients.push(created);
    return created;
  };

  const sorted = (offsets: CommittedTopicOffsets | undefined) =>
    (offsets ?? [])
      .map(({ topic, partitions }) => ({
        topic,
        partitions: [...partitions].sort((a, b) => a.partition - b.partition),
      }))
      .sort((a, b) => a.topic.localeCompare(b.topic));

  /** What the admin client's own call answers for one group. */
  const viaAdmin = async (groupId: string) => {
    const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] });
    return sorted(
      group.topics.map(t => ({
        topic: t.name,
        partitions: t.partitions.map(p => ({
          partition: p.partitionIndex,
          offset: Number(p.committedOffset),
        })),
      })),
    );
  };

  it('answers every group type like the admin client, in one OffsetFetch per coordinator once coordinators are known', async () => {
    // A KIP-848 group that read everything and committed it.
    consumer = await startConsumer(groups.consumer, topics[0], {
      groupProtocol: 'consumer',
    });
    await waitFor(`${groups.consumer} to commit`, async () =>
      (
        await viaAdmin(groups.consumer)
      )[0]?.partitions.every(p => p.offset === 4),
    );
    await createShareGroup(groups.share, topics[1]);
    const listed = await admin.listGroups({
      types: ['classic', 'consumer', 'share'],
    });
    expect(listed.get(groups.consumer)?.groupType).toBe('consumer');
    expect(listed.get(groups.share)?.groupType).toBe('share');

    const ids = Object.values(groups);
    const offsets = client();
    const first = await offsets.committedOffsetsOfGroups(ids, 4);
    // ApiVersions, one FindCoordinator for all five, one OffsetFetch.
    expect(offsets.requests).toBe(3);
    const before = offsets.requests;
    const committed = await offsets.committedOffsetsOfGroups(ids, 4);
    expect(offsets.requests - before).toBe(1);
    expect(committed).toEqual(first);

    expect(committed.map(c => c.error)).toEqual(ids.map(() => undefined));
    expect(committed.map(c => sorted(c.offsets))).toEqual(
      await Promise.all(
        ids.map(id => (id === groups.share ? [] : viaAdmin(id))),
      ),
    );
    expect(sorted(committed[0].offsets)).toEqual([
      {
        topic: topics[0],
        partitions: [
          { partition: 0, offset: 1 },
          { partition: 2, offset: 3 },
        ],
      },
    ]);
    expect(sorted(committed[2].offsets)).toEqual([
      {
        topic: topics[0],
        partitions: [0, 1, 2].map(partition => ({ partition, offset: 4 })),
      },
    ]);
    // Neither a share group nor a group without commits has offsets.
    expect(committed[3].offsets).toEqual([]);
    expect(committed[4].offsets).toEqual([]);
  });

  it('gives a group that answers an error code its own error and the others of its request their offsets', async () => {
    const alice = testServices.user.username;
    const principal = `User:${alice}`;
    const acl = (
      resourceType: (typeof ResourceTypes)[keyof typeof ResourceTypes],
      resourceName: string,
      resourcePatternType: (typeof ResourcePatternTypes)[keyof typeof ResourcePatternTypes],
    ) => ({
      resourceType,
      resourceName,
      resourcePatternType,
      principal,
      host: '*',
      operation: AclOperations.DESCRIBE,
      permissionType: AclPermissionTypes.ALLOW,
    });
    const topicAcl = acl(
      ResourceTypes.TOPIC,
      prefix,
      ResourcePatternTypes.PREFIXED,
    );
    const groupAcls = [groups.classic, groups.other].map(id =>
      acl(ResourceTypes.GROUP, id, ResourcePatternTypes.LITERAL),
    );
    await admin.createAcls({ creations: [topicAcl, ...groupAcls] });
    try {
      const environment = liveEnvironment();
      environment.kafka.brokers = testServices.kafkaSaslBrokers;
      environment.kafka.sasl = {
        mechanism: 'plain',
        username: alice,
        password: testServices.user.password,
      };
      const offsets = client(environment);
      const ids = [groups.classic, groups.other];
      await waitFor('alice to read both groups', async () =>
        (
          await offsets.committedOffsetsOfGroups(ids, 4)
        ).every(c => c.offsets?.length === 1),
      );

      // Alice may no longer describe the second group; its coordinator is
      // known, so its error comes in the answer to the shared OffsetFetch.
      await admin.deleteAcls({
        filters: [groupAcls[1]],
      });
      let committed: GroupCommittedOffsets[] = [];
      await waitFor('the ACL to be gone', async () => {
        const before = offsets.requests;
        committed = await offsets.committedOffsetsOfGroups(ids, 4);
        // One OffsetFetch for both, none asked again.
        expect(offsets.requests - before).toBe(1);
        return committed[1].error !== undefined;
      });
      expect(describeKafkaError(committed[1].error)).toMatch(
        /^GROUP_AUTHORIZATION_FAILED: /,
      );
      expect(committed[0].error).toBeUndefined();
      expect(sorted(committed[0].offsets)).toEqual(
        await viaAdmin(groups.classic),
      );
    } finally {
      await admin.deleteAcls({ filters: [topicAcl, ...groupAcls] });
    }
  });

  it('answers the last committed offsets of a group whose transactional commit is pending, asking again without require_stable', async () => {
    const topic = topics[0];
    // A member that read 4 messages of partition 0 and committed 2.
    const reader = new Consumer<string, string, string, string>({
      ...testClientOptions(),
      groupId: transactionalGroup,
      deserializers: stringDeserializers,
      autocommit: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
    });
    const transactional = new Producer<string, string, string, string>({
      ...testClientOptions(),
      // Also the transaction's timeout: it stays pending while the test reads.
      timeout: 120_000,
      serializers: stringSerializers,
      idempotent: true,
      transactionalId: `${transactionalGroup}.tx`,
    });
    try {
      const stream = await reader.consume({
        topics: [topic],
        mode: MessagesStreamModes.EARLIEST,
        autocommit: false,
      });
      const read: Array<Message<string, string, string, string>> = [];
      for await (const message of stream) {
        if (message.partition === 0) read.push(message);
        if (read.length === 4) break;
      }
      await stream.close();
      await reader.commit({
        offsets: [{ topic, partition: 0, offset: 2n, leaderEpoch: -1 }],
      });
      const pendingCommit = async () => {
        const transaction = await transactional.beginTransaction();
        await transaction.addConsumer(reader);
        // Commits offset 4 (after the 4th message) once the transaction commits.
        await transaction.addOffset(read[3]);
        return transaction;
      };
      const transaction = await pendingCommit();

      // One stable fetch, without retries: its error, if any.
      const stableFetchError = async () => {
        const once = new Admin({ ...testClientOptions(), retries: 0 });
        return once
          .listConsumerGroupOffsets({
            groups: [transactionalGroup],
            requireStable: true,
          })
          .then(
            () => undefined,
            error => describeKafkaError(error),
          )
          .finally(() => once.close());
      };
      // A stable fetch is refused for the pending partition...
      expect(await stableFetchError()).toMatch(/UNSTABLE_OFFSET_COMMIT/);
      const offsets = client();
      await offsets.committedOffsetsOfGroups([transactionalGroup], 4);
      // ...so the client asks once with require_stable, then without.
      const before = offsets.requests;
      const [pending] = await offsets.committedOffsetsOfGroups(
        [transactionalGroup],
        4,
      );
      expect(offsets.requests - before).toBe(2);
      expect(pending.error).toBeUndefined();
      expect(sorted(pending.offsets)).toEqual([
        { topic, partitions: [{ partition: 0, offset: 2 }] },
      ]);

      await transaction.commit();
      // EndTxn is answered before the commit marker reaches the offsets
      // partition; until it has, a stable fetch is still refused. Once the
      // broker says so, one request is enough.
      await waitFor(
        'the transaction commit to reach the group coordinator',
        async () => (await stableFetchError()) === undefined,
      );
      const settled = offsets.requests;
      const [committed] = await offsets.committedOffsetsOfGroups(
        [transactionalGroup],
        4,
      );
      expect(offsets.requests - settled).toBe(1);
      expect(sorted(committed.offsets)).toEqual([
        { topic, partitions: [{ partition: 0, offset: 4 }] },
      ]);
    } finally {
      await transactional.close().catch(() => undefined);
      await reader.close(true).catch(() => undefined);
    }
  });

  it('reads end offsets with one metadata request and one ListOffsets per leader, leaving out topics that are gone', async () => {
    const offsets = client();
    const gone = `${prefix}gone`;
    await createTopics(admin, [{ topic: gone, partitions: 1 }]);
    await admin.deleteTopics({ topics: [gone] });
    await waitFor('the topic to be gone', async () =>
      (await admin.listTopics()).every(t => t !== gone),
    );

    const wanted = [...topics, gone, `${prefix}never-created`];
    // The first call also asks the API versions.
    await offsets.endOffsets(wanted, 4);
    const before = offsets.requests;
    const ends = await offsets.endOffsets(wanted, 4);
    // Metadata, then both topics' partitions in one ListOffsets to the one leader.
    expect(offsets.requests - before).toBe(2);
    const asObject = (m: Map<string, Map<number, number>>) =>
      Object.fromEntries(
        [...m].map(([topic, p]) => [topic, Object.fromEntries(p)]),
      );
    expect(asObject(ends)).toEqual({
      [topics[0]]: { 0: 4, 1: 4, 2: 4 },
      [topics[1]]: { 0: 2, 1: 2, 2: 2 },
    });
    expect(await offsets.endOffsets([], 4)).toEqual(new Map());
    expect(offsets.requests - before).toBe(2);
  });
});
