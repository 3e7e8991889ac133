import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  AclOperations,
  AclPermissionTypes,
  Admin,
  ResourcePatternTypes,
  ResourceTypes,
} from '@platformatic/kafka';
import { recordClaims } from '../claims/__testUtils__/claims';
import { ConsumerGroupStore, TaskRunStore } from '../database/consumerGroups';
import { migrationsDir } from '../database/migrations';
import { createKafkaAdmin } from '../kafka';
import { testDatabaseIds, testServices } from '../testUtils/testServices';
import {
  describeGroupWithTool,
  killConsoleConsumers,
  parseToolTable,
  startConsoleConsumer,
  toolAssignment,
  ToolGroupMember,
  ToolGroupState,
} from './__testUtils__/kafkaCli';
import {
  committedOffsets,
  createProducer,
  createShareGroup,
  createTopics,
  entity,
  liveEnvironment,
  produce,
  runKafkaTool,
  startConsumer,
  testAdmin,
  TestConsumer,
  TestProducer,
  uniqueSuffix,
  waitFor,
} from './__testUtils__/testKafka';
import { GroupDescriber } from './GroupDescriber';
import { GroupSync } from './GroupSync';
import { StoredConsumerGroupWithLag } from '../database/consumerGroups';

jest.setTimeout(300_000);

const logger = mockServices.logger.mock();

/** `127.0.0.1:9092  (1)`, as the tool prints a coordinator, as Kafka Hub does: `1 (127.0.0.1:9092)`. */
function coordinatorAsKafkaHub(tool: string): string {
  const match = /^(\S+)\s+\((\d+)\)$/.exec(tool);
  return match ? `${match[2]} (${match[1]})` : tool;
}

const orDash = (value: number | undefined) =>
  value === undefined ? '-' : String(value);

/** A stored group in the shape of the tool's `--state --verbose` row. */
const stateAsTool = (group: StoredConsumerGroupWithLag): ToolGroupState => ({
  coordinator: group.coordinator ?? '',
  // The tool prints '-' for a value it does not have.
  assignmentStrategy: group.assignmentStrategy ?? '-',
  state: group.state,
  groupEpoch: orDash(group.groupEpoch),
  targetAssignmentEpoch: orDash(group.assignmentEpoch),
  members: group.members.length,
});

/** Stored members in the shape of the tool's `--members --verbose` rows. */
const membersAsTool = (group: StoredConsumerGroupWithLag): ToolGroupMember[] =>
  group.members.map(m => ({
    consumerId: m.memberId,
    host: m.host,
    clientId: m.clientId,
    partitions: m.assignments.reduce((n, a) => n + a.partitions.length, 0),
    currentEpoch: orDash(m.memberEpoch),
    currentAssignment: toolAssignment(m.assignments),
    targetEpoch:
      group.type === 'consumer' ? orDash(group.assignmentEpoch) : '-',
    targetAssignment:
      group.type === 'consumer' ? toolAssignment(m.targetAssignments) : '-',
  }));

/**
 * Kafka's own tools are the oracle: Kafka's console consumer runs in a
 * KIP-848 group and in a classic group, and what Kafka Hub records of each
 * (SQLite and PostgreSQL) must equal what `ConsumerGroupCommand --describe
 * --state --members --verbose` prints, while the consumer runs and after it
 * stopped.
 */
describe('group types against the real broker, with Kafka tools as the oracle', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const suffix = uniqueSuffix();
  const prefix = `khgt-${suffix}.`;
  const topic = `${prefix}events`;
  let admin: Admin;
  let producer: TestProducer;
  const consumers: TestConsumer[] = [];
  const groupIds: string[] = [];

  beforeAll(async () => {
    admin = testAdmin();
    await createTopics(admin, [{ topic, partitions: 3 }]);
    producer = createProducer();
    await produce(producer, topic, 3, 10);
  });

  afterAll(async () => {
    killConsoleConsumers();
    await Promise.allSettled(consumers.map(c => c.close()));
    await producer?.close();
    if (groupIds.length > 0) {
      await admin?.deleteGroups({ groups: groupIds }).catch(() => undefined);
    }
    await admin
      ?.deleteTopics({ topics: [topic, `${prefix}secret`] })
      .catch(() => undefined);
    await admin?.close();
  });

  async function recorders() {
    return Promise.all(
      databases.eachSupportedId().map(async ([id]) => {
        const knex = await databases.init(id);
        await knex.migrate.latest({ directory: migrationsDir });
        const groups = new ConsumerGroupStore(knex);
        return {
          id,
          groups,
          sync: new GroupSync({
            environment: liveEnvironment(),
            logger,
            groups,
            taskRuns: new TaskRunStore(knex),
            claims: await recordClaims(knex, [
              entity('component:default/events', prefix),
            ]),
            describeBatchSize: 50,
            inactiveAfterMs: 86_400_000,
            archiveAfterMs: 7 * 86_400_000,
          }),
        };
      }),
    );
  }

  /** The group's state as listed, through the admin the tests use. */
  async function listedState(groupId: string): Promise<string | undefined> {
    const listed = await admin.listGroups({
      types: ['classic', 'consumer', 'share', 'streams'],
    });
    return listed.get(groupId)?.state;
  }

  /**
   * Runs the tool, then every recorder's sync, and checks that Kafka Hub
   * recorded what the tool printed. Returns both for the reader.
   */
  async function compareWithTool(
    rs: Awaited<ReturnType<typeof recorders>>,
    groupId: string,
  ) {
    const tool = await describeGroupWithTool(groupId);
    for (const r of rs) {
      const result = await r.sync.sync();
      expect(result).toMatchObject({ ok: true });
      if (result.ok) {
        expect(
          result.describeErrors.filter(e => e.groupId.startsWith(prefix)),
        ).toEqual([]);
      }
      const stored = await r.groups.get('dev', groupId);
      expect(stored).toBeDefined();
      expect(stateAsTool(stored!)).toEqual({
        ...tool.state,
        coordinator: coordinatorAsKafkaHub(tool.state.coordinator),
      });
      expect(membersAsTool(stored!)).toEqual(tool.members);
    }
    return { tool, stored: (await rs[0].groups.get('dev', groupId))! };
  }

  it('records a KIP-848 group as ConsumerGroupCommand shows it, while its console consumer runs and after it stops', async () => {
    const rs = await recorders();
    const groupId = `${prefix}kip848`;
    groupIds.push(groupId);
    const consumer = startConsoleConsumer({
      groupId,
      topic,
      groupProtocol: 'consumer',
    });
    // Stable once it has read and committed every message.
    await waitFor(
      `${groupId} to commit everything`,
      async () => {
        const offsets = await committedOffsets(admin, groupId, topic);
        return (
          [0, 1, 2].every(p => offsets[p] === 10) &&
          (await listedState(groupId)) === 'Stable'
        );
      },
      120_000,
    ).catch(error => {
      throw new Error(`${error.message}\n${consumer.stderr()}`);
    });

    const running = await compareWithTool(rs, groupId);
    // Not what classic DescribeGroups answers for it (Dead, 0 members).
    expect(running.tool.state).toMatchObject({
      state: 'Stable',
      members: 1,
      assignmentStrategy: 'uniform',
    });
    expect(running.stored).toMatchObject({
      type: 'consumer',
      protocolType: 'consumer',
      describedWith: 'ConsumerGroupDescribe',
      state: 'Stable',
      subscribedTopics: [topic],
      entityRef: 'component:default/events',
    });
    expect(running.stored.members).toEqual([
      expect.objectContaining({
        clientId: 'console-consumer',
        subscribedTopics: [topic],
        assignments: [{ topic, partitions: [0, 1, 2] }],
        targetAssignments: [{ topic, partitions: [0, 1, 2] }],
      }),
    ]);
    process.stdout.write(
      `KIP-848 group while its consumer runs.\nConsumerGroupCommand:\n${
        running.tool.output
      }\nKafka Hub: ${JSON.stringify(running.stored, null, 1)}\n`,
    );

    await consumer.stop();
    await waitFor(
      `${groupId} to be Empty`,
      async () => (await listedState(groupId)) === 'Empty',
    );
    const stopped = await compareWithTool(rs, groupId);
    expect(stopped.tool.state).toMatchObject({ state: 'Empty', members: 0 });
    expect(stopped.tool.members).toEqual([]);
    expect(stopped.stored).toMatchObject({
      type: 'consumer',
      state: 'Empty',
      members: [],
    });
    process.stdout.write(
      `KIP-848 group after its consumer stopped.\nConsumerGroupCommand:\n${
        stopped.tool.output
      }\nKafka Hub: ${JSON.stringify(stopped.stored, null, 1)}\n`,
    );
  });

  it('records a classic group as ConsumerGroupCommand shows it, while its console consumer runs and after it stops', async () => {
    const rs = await recorders();
    const groupId = `${prefix}classic`;
    groupIds.push(groupId);
    const consumer = startConsoleConsumer({
      groupId,
      topic,
      groupProtocol: 'classic',
    });
    await waitFor(
      `${groupId} to commit everything`,
      async () => {
        const offsets = await committedOffsets(admin, groupId, topic);
        return (
          [0, 1, 2].every(p => offsets[p] === 10) &&
          (await listedState(groupId)) === 'Stable'
        );
      },
      120_000,
    ).catch(error => {
      throw new Error(`${error.message}\n${consumer.stderr()}`);
    });

    const running = await compareWithTool(rs, groupId);
    expect(running.tool.state).toMatchObject({ state: 'Stable', members: 1 });
    expect(running.stored).toMatchObject({
      type: 'classic',
      protocolType: 'consumer',
      describedWith: 'DescribeGroups',
      state: 'Stable',
      subscribedTopics: [topic],
    });
    expect(running.stored.members).toEqual([
      expect.objectContaining({
        clientId: 'console-consumer',
        subscribedTopics: [topic],
        assignments: [{ topic, partitions: [0, 1, 2] }],
      }),
    ]);

    await consumer.stop();
    await waitFor(
      `${groupId} to be Empty`,
      async () => (await listedState(groupId)) === 'Empty',
    );
    const stopped = await compareWithTool(rs, groupId);
    expect(stopped.tool.state).toMatchObject({ state: 'Empty', members: 0 });
    expect(stopped.stored).toMatchObject({
      type: 'classic',
      state: 'Empty',
      members: [],
    });
  });

  it('lists a share group with its type and state as ShareGroupCommand shows it, next to the other groups', async () => {
    const rs = await recorders();
    const share = `${prefix}share`;
    const kip848 = `${prefix}kip848-share-neighbour`;
    groupIds.push(share, kip848);
    await createShareGroup(share, topic);
    consumers.push(
      await startConsumer(kip848, topic, { groupProtocol: 'consumer' }),
    );
    await waitFor(
      `${kip848} to be Stable`,
      async () => (await listedState(kip848)) === 'Stable',
    );
    const output = await runKafkaTool(
      'org.apache.kafka.tools.consumer.group.ShareGroupCommand',
      [
        '--bootstrap-server',
        testServices.kafkaPlaintextBrokers[0],
        '--describe',
        '--group',
        share,
        '--state',
      ],
    );
    const [tool] = parseToolTable(output);
    expect(tool).toBeDefined();
    for (const r of rs) {
      expect(await r.sync.sync()).toMatchObject({ ok: true });
      const stored = await r.groups.get('dev', share);
      expect(stored).toMatchObject({
        type: 'share',
        protocolType: 'share',
        state: tool.STATE,
        members: [],
      });
      expect(stored?.describedWith).toBeUndefined();
      expect(stored?.describeError).toBeUndefined();
      expect(await r.groups.get('dev', kip848)).toMatchObject({
        type: 'consumer',
        state: 'Stable',
        describedWith: 'ConsumerGroupDescribe',
        members: [expect.objectContaining({ memberEpoch: expect.any(Number) })],
      });
    }
  });

  it('gives a group that fails its own error and describes the others of its batch', async () => {
    const consumer = `${prefix}acl-consumer`;
    const classic = `${prefix}acl-classic`;
    const denied = `${prefix}acl-denied`;
    // Reads a topic alice may not describe.
    const secretReader = `${prefix}acl-secret-reader`;
    const secret = `${prefix}secret`;
    groupIds.push(consumer, classic, denied, secretReader);
    await createTopics(admin, [{ topic: secret, partitions: 1 }]);
    consumers.push(
      await startConsumer(consumer, topic, { groupProtocol: 'consumer' }),
      await startConsumer(classic, topic, { groupProtocol: 'classic' }),
      await startConsumer(denied, topic, { groupProtocol: 'consumer' }),
      await startConsumer(secretReader, secret, { groupProtocol: 'consumer' }),
    );
    await waitFor('the four groups to be Stable', async () => {
      const states = await Promise.all(
        [consumer, classic, denied, secretReader].map(listedState),
      );
      return states.every(s => s === 'Stable');
    });

    // Alice may describe three of the four groups, and one topic (which
    // ConsumerGroupDescribe checks for the members' subscriptions).
    const alice = testServices.user.username;
    const describe = (
      resourceType: (typeof ResourceTypes)[keyof typeof ResourceTypes],
      resourceName: string,
    ) => ({
      resourceType,
      resourceName,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: `User:${alice}`,
      host: '*',
      operation: AclOperations.DESCRIBE,
      permissionType: AclPermissionTypes.ALLOW,
    });
    const acls = [
      describe(ResourceTypes.TOPIC, topic),
      describe(ResourceTypes.GROUP, consumer),
      describe(ResourceTypes.GROUP, classic),
      describe(ResourceTypes.GROUP, secretReader),
    ];
    await admin.createAcls({ creations: acls });
    const environment = liveEnvironment();
    environment.kafka.brokers = testServices.kafkaSaslBrokers;
    environment.kafka.sasl = {
      mechanism: 'plain',
      username: alice,
      password: testServices.user.password,
    };
    const aliceAdmin = createKafkaAdmin(environment.kafka);
    try {
      const describer = new GroupDescriber(aliceAdmin, 10);
      const described = await describer.describe([
        { groupId: consumer, type: 'consumer', state: 'Stable' },
        { groupId: denied, type: 'consumer', state: 'Stable' },
        // A listing without types (before Kafka 3.8): ConsumerGroupDescribe
        // first, which answers GROUP_ID_NOT_FOUND for this classic group in
        // the same response that describes the consumer group; then
        // DescribeGroups, like Java's DescribeConsumerGroupsHandler.
        { groupId: classic, state: 'Stable' },
        // Its error code comes in that same response.
        { groupId: secretReader, type: 'consumer', state: 'Stable' },
      ]);
      expect(described.map(g => g.groupId)).toEqual([
        consumer,
        denied,
        classic,
        secretReader,
      ]);
      expect(described[0]).toMatchObject({
        type: 'consumer',
        state: 'Stable',
        describedWith: 'ConsumerGroupDescribe',
        members: [expect.objectContaining({ assignments: expect.any(Array) })],
      });
      expect(described[0].describeError).toBeUndefined();
      expect(described[1]).toMatchObject({
        groupId: denied,
        type: 'consumer',
        state: 'Stable',
        members: [],
        describeError: expect.stringMatching(
          /^Its coordinator could not be found: GROUP_AUTHORIZATION_FAILED: /,
        ),
      });
      expect(described[2]).toMatchObject({
        type: undefined,
        state: 'Stable',
        protocolType: 'consumer',
        describedWith: 'DescribeGroups',
        members: [expect.objectContaining({ subscribedTopics: [topic] })],
      });
      expect(described[2].describeError).toBeUndefined();
      expect(described[3]).toMatchObject({
        groupId: secretReader,
        type: 'consumer',
        state: 'Stable',
        members: [],
        coordinator: described[0].coordinator,
        describeError: expect.stringMatching(/^TOPIC_AUTHORIZATION_FAILED: /),
      });
      expect(described[3].describedWith).toBeUndefined();

      // Same through the plaintext listener, where every group is
      // described: the three in one ConsumerGroupDescribe batch.
      const all = await new GroupDescriber(admin, 10).describe([
        { groupId: consumer, type: 'consumer', state: 'Stable' },
        { groupId: denied, type: 'consumer', state: 'Stable' },
        { groupId: classic, state: 'Stable' },
        { groupId: secretReader, type: 'consumer', state: 'Stable' },
        // Listed a moment ago, gone since: Dead, as Java's tools say.
        { groupId: `${prefix}gone`, state: 'Empty' },
      ]);
      expect(all.map(g => [g.groupId, g.state, g.describeError])).toEqual([
        [consumer, 'Stable', undefined],
        [denied, 'Stable', undefined],
        [classic, 'Stable', undefined],
        [secretReader, 'Stable', undefined],
        [`${prefix}gone`, 'Dead', undefined],
      ]);
    } finally {
      await aliceAdmin.close();
      await admin.deleteAcls({ filters: acls });
    }
  });
});
