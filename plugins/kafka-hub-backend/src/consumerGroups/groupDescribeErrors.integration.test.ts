import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  AclOperations,
  AclPermissionTypes,
  Admin,
  Connection,
  ResourcePatternTypes,
  ResourceTypes,
} from '@platformatic/kafka';
import { ClaimSet } from '../claims';
import { ConsumerGroupStore, TaskRunStore } from '../database/consumerGroups';
import { migrationsDir } from '../database/migrations';
import { createKafkaAdmin } from '../kafka';
import { testDatabaseIds, testServices } from '../testUtils/testServices';
import { GroupDescriber } from './GroupDescriber';
import { GroupSync } from './GroupSync';
import {
  createTopics,
  liveEnvironment,
  startConsumer,
  testAdmin,
  TestConsumer,
  uniqueSuffix,
  waitFor,
} from './__testUtils__/testKafka';

jest.setTimeout(180_000);

const logger = mockServices.logger.mock();

/**
 * A group the broker answers with its own error in a describe batch, or
 * whose answer cannot be read, fails alone: it is recorded with its error
 * and keeps its last description; the other groups of the batch are
 * recorded as usual.
 */
describe('a group failing its describe, next to groups that do not', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const prefix = `khde-${uniqueSuffix()}.`;
  const open = `${prefix}open`;
  const secret = `${prefix}secret`;
  const reader = `${prefix}reader`;
  const secretReader = `${prefix}secret-reader`;
  const alice = testServices.user.username;
  let admin: Admin;
  const consumers: TestConsumer[] = [];

  const acl = (
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
  const groupAcls = [
    acl(ResourceTypes.GROUP, reader),
    acl(ResourceTypes.GROUP, secretReader),
    acl(ResourceTypes.TOPIC, open),
  ];
  const secretAcl = acl(ResourceTypes.TOPIC, secret);

  beforeAll(async () => {
    admin = testAdmin();
    await createTopics(admin, [
      { topic: open, partitions: 1 },
      { topic: secret, partitions: 1 },
    ]);
    // KIP-848 groups: ConsumerGroupDescribe checks the members' topics.
    consumers.push(
      await startConsumer(reader, open, { groupProtocol: 'consumer' }),
      await startConsumer(secretReader, secret, { groupProtocol: 'consumer' }),
    );
    await waitFor('both groups to be Stable', async () => {
      const listed = await admin.listGroups({ types: ['consumer'] });
      return [reader, secretReader].every(
        id => listed.get(id)?.state === 'Stable',
      );
    });
    await admin.createAcls({ creations: [...groupAcls, secretAcl] });
  });

  afterAll(async () => {
    await Promise.allSettled(consumers.map(c => c.close()));
    await admin
      .deleteAcls({ filters: [...groupAcls, secretAcl] })
      .catch(() => undefined);
    await admin
      .deleteGroups({ groups: [reader, secretReader] })
      .catch(() => undefined);
    await admin.deleteTopics({ topics: [open, secret] }).catch(() => undefined);
    await admin.close();
  });

  /** The environment as alice sees it, on the SASL listener. */
  const asAlice = () => {
    const environment = liveEnvironment();
    environment.kafka.brokers = testServices.kafkaSaslBrokers;
    environment.kafka.sasl = {
      mechanism: 'plain',
      username: alice,
      password: testServices.user.password,
    };
    return environment;
  };

  it('records the group whose topic alice may no longer describe with TOPIC_AUTHORIZATION_FAILED, keeping its members, and the other group of its batch as usual (SQLite and PostgreSQL)', async () => {
    const recorders = await Promise.all(
      databases.eachSupportedId().map(async ([id]) => {
        const knex = await databases.init(id);
        await knex.migrate.latest({ directory: migrationsDir });
        const groups = new ConsumerGroupStore(knex);
        const taskRuns = new TaskRunStore(knex);
        const sync = new GroupSync({
          environment: asAlice(),
          logger,
          groups,
          taskRuns,
          claims: async () => new ClaimSet([], []),
          describeBatchSize: 100,
          inactiveAfterMs: 86_400_000,
          archiveAfterMs: 7 * 86_400_000,
        });
        return { id, groups, taskRuns, sync };
      }),
    );

    // Alice may describe both groups and both topics: both described.
    for (const r of recorders) {
      const result = await r.sync.sync();
      expect(result).toMatchObject({ ok: true, describeErrors: [] });
      for (const groupId of [reader, secretReader]) {
        expect(await r.groups.get('dev', groupId)).toMatchObject({
          describedWith: 'ConsumerGroupDescribe',
          members: [
            expect.objectContaining({ memberEpoch: expect.any(Number) }),
          ],
        });
      }
    }
    const described = new Map(
      await Promise.all(
        recorders.map(
          async r => [r.id, await r.groups.get('dev', secretReader)] as const,
        ),
      ),
    );

    // Not the secret topic any more: ConsumerGroupDescribe answers that
    // group's error in the same response that describes the other.
    await admin.deleteAcls({ filters: [secretAcl] });
    const describer = createKafkaAdmin(asAlice().kafka);
    try {
      await waitFor('the topic ACL to be gone', async () => {
        const [, secretGroup] = await new GroupDescriber(
          describer,
          100,
        ).describe([
          { groupId: reader, type: 'consumer', state: 'Stable' },
          { groupId: secretReader, type: 'consumer', state: 'Stable' },
        ]);
        return secretGroup.describeError !== undefined;
      });
    } finally {
      await describer.close();
    }

    for (const r of recorders) {
      const result = await r.sync.sync();
      if (!result.ok) throw new Error(`${r.id}: ${result.error}`);
      expect(result.describeErrors).toEqual([
        {
          groupId: secretReader,
          error: expect.stringMatching(/^TOPIC_AUTHORIZATION_FAILED: /),
        },
      ]);
      expect(await r.taskRuns.get('dev', 'sync')).toMatchObject({
        lastOutcome: 'succeeded',
      });

      const failed = await r.groups.get('dev', secretReader);
      const before = described.get(r.id)!;
      expect(failed).toMatchObject({
        state: 'Stable',
        type: 'consumer',
        describeError: expect.stringMatching(/^TOPIC_AUTHORIZATION_FAILED: /),
        // Its last description stays.
        members: before.members,
        describedWith: 'ConsumerGroupDescribe',
        groupEpoch: before.groupEpoch,
        assignmentEpoch: before.assignmentEpoch,
        subscribedTopics: [secret],
        coordinator: before.coordinator,
      });
      expect(failed?.lastSeenAt.getTime()).toBeGreaterThan(
        before.lastSeenAt.getTime(),
      );

      const other = await r.groups.get('dev', reader);
      expect(other).toMatchObject({
        state: 'Stable',
        describedWith: 'ConsumerGroupDescribe',
        subscribedTopics: [open],
        members: [expect.objectContaining({ memberEpoch: expect.any(Number) })],
      });
      expect(other?.describeError).toBeUndefined();
    }
  });

  /** The connection, its answers for `secretReader` without a members list. */
  const tamper = (connection: Connection): Connection =>
    new Proxy(connection, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (property !== 'send') {
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return (...sendArgs: unknown[]) => {
          const callback = sendArgs.pop() as (e: unknown, r: any) => void;
          return (value as Function).call(
            target,
            ...sendArgs,
            (error: unknown, response: any) => {
              for (const group of response?.groups ?? []) {
                if (group.groupId === secretReader) group.members = null;
              }
              callback(error, response);
            },
          );
        };
      },
    });

  it('gives a group whose answer cannot be read its own error and describes the others of its batch', async () => {
    const tampered = testAdmin();
    // Between the broker and Kafka Hub: the answer for one group of the
    // batch comes back without its members list.
    const pool = tampered.connections;
    const get = pool.get.bind(pool);
    // The describer's own calls (promise style); the client's, with a
    // callback, pass through.
    pool.get = ((broker: Parameters<typeof get>[0], callback?: unknown) =>
      callback
        ? (get as Function)(broker, callback)
        : get(broker).then(connection => tamper(connection))) as typeof get;
    try {
      const [readerGroup, secretGroup] = await new GroupDescriber(
        tampered,
        100,
      ).describe([
        { groupId: reader, type: 'consumer', state: 'Stable' },
        { groupId: secretReader, type: 'consumer', state: 'Stable' },
      ]);
      expect(readerGroup).toMatchObject({
        groupId: reader,
        describedWith: 'ConsumerGroupDescribe',
        members: [expect.objectContaining({ memberEpoch: expect.any(Number) })],
      });
      expect(readerGroup.describeError).toBeUndefined();
      expect(secretGroup).toMatchObject({
        groupId: secretReader,
        state: 'Stable',
        members: [],
        describeError: expect.stringMatching(
          /^The coordinator's answer for this group could not be read: /,
        ),
      });
      expect(secretGroup.describedWith).toBeUndefined();
    } finally {
      await tampered.close();
    }
  });
});
