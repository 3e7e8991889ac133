import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Admin } from '@platformatic/kafka';
import {
  ConsumerGroupStore,
  LagHistoryStore,
  TaskRunStore,
} from '../database/consumerGroups';
import { migrationsDir } from '../database/migrations';
import { recordClaims } from '../claims/__testUtils__/claims';
import { testDatabaseIds } from '../testUtils/testServices';
import { GroupSync } from './GroupSync';
import { LagSampler } from './LagSampler';
import {
  committedOffsets,
  createProducer,
  createTopics,
  endOffsets,
  entity,
  liveEnvironment,
  produce,
  setOffsets,
  startConsumer,
  TEST_CLIENT_ID,
  testAdmin,
  TestConsumer,
  TestProducer,
  uniqueSuffix,
  waitFor,
} from './__testUtils__/testKafka';

jest.setTimeout(180_000);

const logger = mockServices.logger.mock();

/**
 * One scenario on the real broker, recorded by a sync and a sampler per
 * database (SQLite and PostgreSQL) at the same moments: a group that keeps
 * consuming, one whose consumer stopped, one whose consumer is paused, one
 * rewound by an offset reset after its consumer stopped, one with a
 * committed offset on only one of three partitions, one that commits
 * more slowly than its topic grows, and one that keeps consuming on the
 * KIP-848 rebalance protocol (classic DescribeGroups answers it Dead).
 */
describe('consumer group sync and lag sampling against the real broker', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const suffix = uniqueSuffix();
  const prefix = `khcg-${suffix}.`;
  const topic = `${prefix}orders`;
  const g = {
    running: `${prefix}running`,
    stopped: `${prefix}stopped`,
    paused: `${prefix}paused`,
    rewound: `${prefix}rewound`,
    // Named by the community annotation only: no prefix.
    partial: `legacy-${suffix}-partial`,
    kip848: `${prefix}kip848`,
  };
  // Its own topic, so the others' exact offsets stay as they are.
  const slowTopic = `${prefix}slow-events`;
  const slowGroup = `${prefix}slow`;
  let admin: Admin;
  let producer: TestProducer;
  const consumers: TestConsumer[] = [];

  beforeAll(async () => {
    admin = testAdmin();
    await createTopics(admin, [
      { topic, partitions: 3 },
      { topic: slowTopic, partitions: 1 },
    ]);
    producer = createProducer();
  });

  afterAll(async () => {
    await Promise.allSettled(consumers.map(c => c.close()));
    await producer?.close();
    await admin
      ?.deleteGroups({ groups: [...Object.values(g), slowGroup] })
      .catch(() => undefined);
    await admin
      ?.deleteTopics({ topics: [topic, slowTopic] })
      .catch(() => undefined);
    await admin?.close();
  });

  it('finds the groups with their state and members, samples exact lag and tells their status', async () => {
    const ids = databases.eachSupportedId().map(([id]) => id);
    const recorders = await Promise.all(
      ids.map(async id => {
        const knex = await databases.init(id);
        await knex.migrate.latest({ directory: migrationsDir });
        const groups = new ConsumerGroupStore(knex);
        const history = new LagHistoryStore(knex);
        const taskRuns = new TaskRunStore(knex);
        const environment = liveEnvironment();
        return {
          id,
          groups,
          taskRuns,
          sync: new GroupSync({
            environment,
            logger,
            groups,
            taskRuns,
            claims: await recordClaims(knex, [
              entity('component:default/orders', prefix),
              entity('component:default/legacy', undefined, [
                {
                  environment: 'dev',
                  groupId: g.partial,
                  source: 'kafka.apache.org/consumer-groups',
                },
              ]),
            ]),
            describeBatchSize: 2,
            inactiveAfterMs: 86_400_000,
            archiveAfterMs: 7 * 86_400_000,
          }),
          sampler: new LagSampler({
            environment,
            logger,
            groups,
            history,
            taskRuns,
            concurrency: 4,
            statusWindow: 3,
            timeLagPoints: 60,
            keepPartitionHistory: true,
          }),
        };
      }),
    );
    const syncAll = async () => {
      for (const r of recorders) {
        expect(await r.sync.sync()).toMatchObject({ ok: true });
      }
    };
    const sampleAll = async () => {
      for (const r of recorders) {
        const result = await r.sampler.sample();
        expect(result.ok).toBe(true);
        // Other test files' groups on the shared broker come and go (a
        // deleted one "vanishes"); this test answers for its own.
        expect(
          result.groupErrors.filter(e => e.groupId.startsWith(prefix)),
        ).toEqual([]);
      }
    };

    // Every consumer reads the first 30 messages and commits them.
    await produce(producer, topic, 3, 10);
    for (const group of [g.running, g.stopped, g.rewound]) {
      consumers.push(await startConsumer(group, topic));
    }
    const [running, stopped, rewound] = consumers;
    // A member that stays in the group and stops committing: it commits
    // what it read by hand once, then nothing (a paused stream still
    // commits what it buffered, so no auto commit).
    const paused = await startConsumer(g.paused, topic, { autocommit: false });
    consumers.push(paused);
    const kip848 = await startConsumer(g.kip848, topic, {
      groupProtocol: 'consumer',
    });
    consumers.push(kip848);
    // A member that commits by hand: one message per sample while four
    // arrive, so its lag grows although it commits.
    const slow = await startConsumer(slowGroup, slowTopic, {
      autocommit: false,
    });
    consumers.push(slow);
    await waitFor(`${slowGroup} to be Stable`, async () => {
      const group = (await admin.describeGroups({ groups: [slowGroup] })).get(
        slowGroup,
      );
      return group?.state === 'Stable' && group.members.size === 1;
    });
    slow.pause();
    let slowCommitted = 0;
    const slowStep = async () => {
      await produce(producer, slowTopic, 1, 4);
      slowCommitted += 1;
      await slow.commit(slowTopic, 0, slowCommitted);
    };
    const committedAll = (group: string, n: number) =>
      waitFor(`${group} to commit ${n}`, async () => {
        const offsets = await committedOffsets(admin, group, topic);
        return [0, 1, 2].every(p => offsets[p] === n);
      });
    await waitFor(`${g.paused} to be Stable`, async () => {
      const group = (await admin.describeGroups({ groups: [g.paused] })).get(
        g.paused,
      );
      return group?.state === 'Stable' && group.members.size === 1;
    });
    paused.pause();
    for (const partition of [0, 1, 2]) {
      await paused.commit(topic, partition, 10);
    }
    for (const group of [g.running, g.stopped, g.paused, g.rewound, g.kip848]) {
      await committedAll(group, 10);
    }
    await stopped.close();
    await rewound.close();
    await setOffsets(admin, g.partial, topic, [{ partition: 0, offset: 4 }]);

    await syncAll();
    for (const r of recorders) {
      const running1 = await r.groups.get('dev', g.running);
      expect(running1).toMatchObject({
        state: 'Stable',
        lifecycle: 'active',
        entityRef: 'component:default/orders',
        linkedBy: 'prefix',
        type: 'classic',
        protocolType: 'consumer',
        describedWith: 'DescribeGroups',
        subscribedTopics: [topic],
        coordinator: expect.stringMatching(/^\d+ \(.+:\d+\)$/),
      });
      expect(running1?.members).toEqual([
        {
          memberId: expect.any(String),
          clientId: TEST_CLIENT_ID,
          host: expect.any(String),
          subscribedTopics: [topic],
          assignments: [{ topic, partitions: [0, 1, 2] }],
        },
      ]);
      const kip848Group = await r.groups.get('dev', g.kip848);
      expect(kip848Group).toMatchObject({
        type: 'consumer',
        protocolType: 'consumer',
        describedWith: 'ConsumerGroupDescribe',
        state: 'Stable',
        assignmentStrategy: expect.any(String),
        groupEpoch: expect.any(Number),
        subscribedTopics: [topic],
      });
      expect(kip848Group?.members).toEqual([
        expect.objectContaining({
          clientId: TEST_CLIENT_ID,
          memberEpoch: expect.any(Number),
          subscribedTopics: [topic],
          assignments: [{ topic, partitions: [0, 1, 2] }],
          targetAssignments: [{ topic, partitions: [0, 1, 2] }],
        }),
      ]);
      expect(await r.groups.get('dev', g.paused)).toMatchObject({
        state: 'Stable',
        members: [expect.objectContaining({ clientId: expect.any(String) })],
      });
      for (const group of [g.stopped, g.rewound]) {
        expect(await r.groups.get('dev', group)).toMatchObject({
          state: 'Empty',
          members: [],
          lifecycle: 'active',
        });
      }
      expect(await r.groups.get('dev', g.partial)).toMatchObject({
        state: 'Empty',
        entityRef: 'component:default/legacy',
        linkedBy: 'kafka.apache.org/consumer-groups',
      });
    }

    await sampleAll();
    // Rewind the stopped consumer's group, then produce 15 more messages:
    // only the running consumer reads them.
    // What `kafka-consumer-groups --reset-offsets --to-offset 2` does.
    await setOffsets(
      admin,
      g.rewound,
      topic,
      [0, 1, 2].map(partition => ({ partition, offset: 2 })),
    );
    await produce(producer, topic, 3, 5);
    await committedAll(g.running, 15);
    await committedAll(g.kip848, 15);
    for (let i = 0; i < 3; i++) {
      await slowStep();
      await sampleAll();
    }

    const ends = await endOffsets(admin, topic);
    expect(ends).toEqual({ 0: 15, 1: 15, 2: 15 });
    for (const r of recorders) {
      for (const group of Object.values(g)) {
        const committed = await committedOffsets(admin, group, topic);
        const stored = await r.groups.latestOffsets('dev', group);
        expect(
          stored
            .map(p => ({
              partition: p.partition,
              committed: p.committedOffset,
              lag: p.lag,
              end: p.endOffset,
            }))
            .sort((a, b) => a.partition - b.partition),
        ).toEqual(
          [0, 1, 2].map(partition => ({
            partition,
            committed:
              committed[partition] >= 0 ? committed[partition] : undefined,
            end: ends[partition],
            lag:
              committed[partition] >= 0
                ? ends[partition] - committed[partition]
                : undefined,
          })),
        );
      }

      const status = async (group: string) =>
        (await r.groups.get('dev', group))?.lag;
      expect(await status(g.running)).toMatchObject({
        status: 'OK',
        totalLag: 0,
        timeLagSeconds: 0,
        partitionsWithoutCommit: 0,
      });
      // Described as classic, it was Dead, 0 members: "No consumer is running".
      expect(await status(g.kip848)).toMatchObject({
        status: 'OK',
        totalLag: 0,
        statusReason: 'Caught up: no lag',
      });
      expect(await status(g.stopped)).toMatchObject({
        status: 'STOP',
        totalLag: 15,
        statusReason: expect.stringContaining('No consumer is running'),
      });
      expect(await status(g.paused)).toMatchObject({
        status: 'STALL',
        totalLag: 15,
        statusReason: expect.stringContaining('no offset was committed'),
      });
      expect(await status(g.rewound)).toMatchObject({
        status: 'REWIND',
        totalLag: 39,
        statusReason: expect.stringContaining('went backwards'),
      });
      expect(await status(g.partial)).toMatchObject({
        totalLag: 11,
        partitionsWithoutCommit: 2,
      });
      expect((await status(g.partial))?.trend).toEqual([6, 11, 11, 11]);
      expect(await status(slowGroup)).toMatchObject({
        status: 'WARN',
        totalLag: 9,
        statusReason: expect.stringMatching(
          /^Lag grew from 3 to 9 over the last \d+s although the group is committing$/,
        ),
      });
      expect(await r.taskRuns.get('dev', 'lag')).toMatchObject({
        lastError: undefined,
        lastSuccessAt: expect.any(Date),
      });
      await r.sampler.close();
    }
    // The partition without a commit is "no commit", not zero lag.
    const partial = await recorders[0].groups.latestOffsets('dev', g.partial);
    expect(partial.find(p => p.partition === 1)).toEqual({
      topic,
      partition: 1,
      committedOffset: undefined,
      endOffset: 15,
      lag: undefined,
      timeLagSeconds: undefined,
    });
    await running.close();
    await paused.close();
  });
});
