import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  ConsumerGroupStore,
  LagHistoryStore,
  TaskRunStore,
} from '../database/consumerGroups';
import { ClaimSet } from '../claims';
import { namespaceClaim } from '../claims/__testUtils__/claims';
import { migrationsDir } from '../database/migrations';
import { testDatabaseIds, unusedPort } from '../testUtils/testServices';
import { GroupSync } from './GroupSync';
import { LagSampler, VANISHED_COMMITS } from './LagSampler';
import { KafkaHubEvent, KafkaHubEvents } from '../events/KafkaHubEvents';
import {
  committedOffsets,
  createProducer,
  createShareGroup,
  createTopics,
  liveEnvironment,
  produce,
  setOffsets,
  startConsumer,
  brokerScratch,
  uniqueSuffix,
  waitFor,
} from './__testUtils__/testKafka';

jest.setTimeout(120_000);

const logger = mockServices.logger.mock();

/** How far the time-lag estimate may be from the truth, in seconds. */
const TIME_LAG_TOLERANCE_SECONDS = 1;

describe('LagSampler against the real broker', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const { admin, topics, groupIds } = brokerScratch();

  async function stores(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    return {
      knex,
      groups: new ConsumerGroupStore(knex),
      history: new LagHistoryStore(knex),
      taskRuns: new TaskRunStore(knex),
    };
  }

  const samplerFor = (
    s: Awaited<ReturnType<typeof stores>>,
    environment = liveEnvironment(),
    events?: Pick<KafkaHubEvents, 'emit'>,
  ) =>
    new LagSampler({
      events,
      environment,
      logger,
      groups: s.groups,
      history: s.history,
      taskRuns: s.taskRuns,
      concurrency: 4,
      statusWindow: 3,
      timeLagPoints: 60,
      keepPartitionHistory: false,
    });

  const syncFor = (s: Awaited<ReturnType<typeof stores>>, prefix: string) =>
    new GroupSync({
      environment: liveEnvironment(),
      logger,
      groups: s.groups,
      taskRuns: s.taskRuns,
      claims: async () =>
        new ClaimSet(
          [
            namespaceClaim(prefix.replace(/\.$/, ''), 'component:default/app', {
              prefix,
            }),
          ],
          [],
        ),
      describeBatchSize: 100,
      inactiveAfterMs: 86_400_000,
      archiveAfterMs: 7 * 86_400_000,
    });

  it('estimates how many seconds a consumer that stopped is behind a steady producer', async () => {
    const s = await stores('SQLITE_3');
    const prefix = `khtl-${uniqueSuffix()}.`;
    const topic = `${prefix}events`;
    const groupId = `${prefix}reader`;
    topics.push(topic);
    groupIds.push(groupId);
    await createTopics(admin, [{ topic, partitions: 1 }]);
    const producer = createProducer();

    // 20 messages a second; the time each offset was written.
    const writtenAt = new Map<number, number>();
    let producing = true;
    const production = (async () => {
      while (producing) {
        const before = Date.now();
        const { offsets } = await producer.send({
          messages: [{ topic, value: String(before) }],
        });
        writtenAt.set(Number(offsets![0].offset), (before + Date.now()) / 2);
        await new Promise(resolve =>
          setTimeout(resolve, 50 - (Date.now() - before)),
        );
      }
    })();

    const consumer = await startConsumer(groupId, topic);
    await waitFor('the reader to commit', async () => {
      const committed = await committedOffsets(admin, groupId, topic);
      return committed[0] > 0;
    });
    expect(await syncFor(s, prefix).sync()).toMatchObject({ ok: true });

    const sampler = samplerFor(s);
    const sampleEverySecond = async (seconds: number) => {
      for (let i = 0; i < seconds; i++) {
        expect(await sampler.sample()).toMatchObject({ ok: true });
        await new Promise(resolve => setTimeout(resolve, 1000));
      }
    };
    await sampleEverySecond(3);
    await consumer.close();
    const [stoppedAt] = [(await committedOffsets(admin, groupId, topic))[0]];
    await sampleEverySecond(6);
    const last = await sampler.sample();
    producing = false;
    await production;
    await producer.close();
    await sampler.close();

    expect(last.ok).toBe(true);
    const truthSeconds = (last.sampledAtMs! - writtenAt.get(stoppedAt)!) / 1000;
    const estimate = (await s.groups.get('dev', groupId))?.lag?.timeLagSeconds;
    expect(truthSeconds).toBeGreaterThan(5);
    expect(estimate).toBeDefined();
    const error = Math.abs(estimate! - truthSeconds);
    process.stdout.write(
      `time lag: estimated ${estimate!.toFixed(
        2,
      )}s, true ${truthSeconds.toFixed(2)}s, error ${error.toFixed(
        2,
      )}s (tolerance ${TIME_LAG_TOLERANCE_SECONDS}s)\n`,
    );
    expect(error).toBeLessThanOrEqual(TIME_LAG_TOLERANCE_SECONDS);
  });

  it.each(databases.eachSupportedId())(
    'tells its listeners each written sample with the groups linked to their application, and nothing of a failed sample, on %p',
    async databaseId => {
      const s = await stores(databaseId);
      const prefix = `khev-${uniqueSuffix()}.`;
      const topic = `${prefix}orders`;
      const groupId = `${prefix}reader`;
      topics.push(topic);
      groupIds.push(groupId);
      await createTopics(admin, [{ topic, partitions: 1 }]);
      await setOffsets(admin, groupId, topic, [{ partition: 0, offset: 0 }]);
      expect(await syncFor(s, prefix).sync()).toMatchObject({ ok: true });
      const emitted: KafkaHubEvent[] = [];
      const events = { emit: (event: KafkaHubEvent) => emitted.push(event) };

      const sampler = samplerFor(s, liveEnvironment(), events);
      const result = await sampler.sample();
      await sampler.close();
      expect(result).toMatchObject({ ok: true });
      expect(emitted).toHaveLength(1);
      const [event] = emitted;
      expect(event).toMatchObject({
        type: 'lag-sampled',
        environment: 'dev',
        sampledAtMs: result.sampledAtMs,
      });
      // Written before it was told: what a listener refetches is there.
      expect((await s.groups.get('dev', groupId))?.lag?.sampledAtMs).toBe(
        result.sampledAtMs,
      );
      const groups = event.type === 'lag-sampled' ? event.groups : [];
      expect(groups.find(g => g.groupId === groupId)).toEqual({
        groupId,
        entityRef: 'component:default/app',
        status: expect.any(String),
        statusReason: expect.anything(),
      });

      const dead = liveEnvironment('dev');
      dead.kafka.brokers = [`127.0.0.1:${await unusedPort()}`];
      dead.kafka.connectionTimeoutMs = 500;
      const failing = samplerFor(s, dead, events);
      expect(await failing.sample()).toMatchObject({ ok: false });
      await failing.close();
      expect(emitted).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'records a dead broker as an error, keeps the history and resumes on a live broker on %p',
    async databaseId => {
      const s = await stores(databaseId);
      const prefix = `khft-${uniqueSuffix()}.`;
      const topic = `${prefix}orders`;
      const groupId = `${prefix}reader`;
      topics.push(topic);
      groupIds.push(groupId);
      await createTopics(admin, [{ topic, partitions: 2 }]);
      await setOffsets(admin, groupId, topic, [{ partition: 0, offset: 0 }]);
      expect(await syncFor(s, prefix).sync()).toMatchObject({ ok: true });
      const earlier = await samplerFor(s).sample();
      // The shared broker's other groups are sampled too.
      expect(earlier).toMatchObject({ ok: true });
      const before = await s.groups.get('dev', groupId);

      // Same environment, its brokers gone; a second environment stays live.
      const environment = liveEnvironment('dev');
      const liveBrokers = environment.kafka.brokers;
      environment.kafka.brokers = [`127.0.0.1:${await unusedPort()}`];
      environment.kafka.connectionTimeoutMs = 500;
      const sampler = samplerFor(s, environment);
      const other = samplerFor(s, liveEnvironment('other'));
      const [failed, otherResult] = await Promise.all([
        sampler.sample(),
        other.sample(),
      ]);
      await other.close();
      expect(failed).toMatchObject({
        ok: false,
        error: expect.stringMatching(/ECONNREFUSED|Connection error/),
      });
      expect(otherResult).toMatchObject({ ok: true });
      expect(await s.taskRuns.get('dev', 'lag')).toMatchObject({
        lastError: failed.error,
      });
      expect(await s.groups.get('dev', groupId)).toEqual(before);
      const historyRows = async () => {
        const [{ n }] = await s
          .knex('kafka_hub_consumer_group_lag_history')
          .where({ environment: 'dev', group_id: groupId })
          .count({ n: '*' });
        return Number(n);
      };
      expect(await historyRows()).toBe(1);

      // The broker is back: the same sampler reconnects and carries on.
      environment.kafka.brokers = liveBrokers;
      const resumed = await sampler.sample();
      await sampler.close();
      expect(resumed).toMatchObject({ ok: true });
      const after = await s.groups.get('dev', groupId);
      expect(after?.lag?.trend).toEqual([0, 0]);
      expect(await s.taskRuns.get('dev', 'lag')).toMatchObject({
        lastError: undefined,
      });
      expect(await historyRows()).toBe(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'skips a group whose every commit vanished once, with why, and records it without commits when the next sample agrees on %p',
    async databaseId => {
      const s = await stores(databaseId);
      const prefix = `khvc-${uniqueSuffix()}.`;
      const topic = `${prefix}events`;
      const groupId = `${prefix}reader`;
      topics.push(topic);
      groupIds.push(groupId);
      await createTopics(admin, [{ topic, partitions: 1 }]);
      const producer = createProducer();
      await produce(producer, topic, 1, 3);
      await producer.close();
      await setOffsets(admin, groupId, topic, [{ partition: 0, offset: 1 }]);
      expect(await syncFor(s, prefix).sync()).toMatchObject({ ok: true });
      const sampler = samplerFor(s);
      const history = async () =>
        (
          await s
            .knex('kafka_hub_consumer_group_lag_history')
            .where({ environment: 'dev', group_id: groupId })
            .orderBy('sampled_at_ms')
            .select(['total_lag', 'committed_sum', 'rewound', 'status'])
        ).map(row => ({
          totalLag: Number(row.total_lag),
          committedSum: Number(row.committed_sum),
          rewound: Boolean(row.rewound),
          status: row.status,
        }));
      const errorsOf = (result: Awaited<ReturnType<LagSampler['sample']>>) =>
        result.groupErrors.filter(e => e.groupId === groupId);
      const deleteCommits = () =>
        admin.deleteGroups({ groups: [groupId] }).then(() => undefined);

      try {
        expect(errorsOf(await sampler.sample())).toEqual([]);
        const committedSample = {
          totalLag: 2,
          committedSum: 1,
          rewound: false,
          status: 'STOP',
        };
        expect(await history()).toEqual([committedSample]);

        // Its commits vanish, then come back by the next sample: the
        // moment leaves no sample, no lag drop and no rewind.
        await deleteCommits();
        const skipped = await sampler.sample();
        expect(skipped.ok).toBe(true);
        expect(errorsOf(skipped)).toEqual([
          { groupId, error: VANISHED_COMMITS },
        ]);
        expect(await s.taskRuns.get('dev', 'lag')).toMatchObject({
          lastError: expect.stringContaining(VANISHED_COMMITS),
        });
        expect(await history()).toEqual([committedSample]);
        await setOffsets(admin, groupId, topic, [{ partition: 0, offset: 1 }]);
        expect(errorsOf(await sampler.sample())).toEqual([]);
        expect(await history()).toEqual([committedSample, committedSample]);

        // Vanished in two samples in a row: recorded without commits.
        await deleteCommits();
        expect(errorsOf(await sampler.sample())).toEqual([
          { groupId, error: VANISHED_COMMITS },
        ]);
        expect(errorsOf(await sampler.sample())).toEqual([]);
        const samples = await history();
        expect(samples).toHaveLength(3);
        expect(samples[2]).toMatchObject({
          totalLag: 0,
          committedSum: 0,
          rewound: false,
        });
        expect(
          (await s.groups.latestOffsets('dev', groupId)).every(
            p => p.committedOffset === undefined,
          ),
        ).toBe(true);
        // And from then on it is a group without commits, not skipped.
        expect(errorsOf(await sampler.sample())).toEqual([]);
        expect(await history()).toHaveLength(4);
      } finally {
        await sampler.close();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'stores the end offset of an idle partition once, and its last sighting when it moves, across a restart on %p',
    async databaseId => {
      const s = await stores(databaseId);
      const prefix = `khid-${uniqueSuffix()}.`;
      const topic = `${prefix}events`;
      const groupId = `${prefix}reader`;
      topics.push(topic);
      groupIds.push(groupId);
      await createTopics(admin, [{ topic, partitions: 1 }]);
      const producer = createProducer();
      await producer.send({
        messages: [
          { topic, value: 'a' },
          { topic, value: 'b' },
        ],
      });
      await setOffsets(admin, groupId, topic, [{ partition: 0, offset: 1 }]);
      expect(await syncFor(s, prefix).sync()).toMatchObject({ ok: true });

      let clock = Date.now();
      const sampler = () =>
        new LagSampler({
          environment: liveEnvironment(),
          logger,
          groups: s.groups,
          history: s.history,
          taskRuns: s.taskRuns,
          concurrency: 4,
          statusWindow: 3,
          timeLagPoints: 60,
          keepPartitionHistory: false,
          now: () => clock,
        });
      const points = async () =>
        (await s.history.endOffsetPoints('dev')).filter(p => p.topic === topic);

      const first = sampler();
      const t0 = clock;
      expect(await first.sample()).toMatchObject({ ok: true });
      clock += 30_000;
      const t1 = clock;
      expect(await first.sample()).toMatchObject({ ok: true });
      await first.close();
      // Seen again at t1, but only due for a write after an hour.
      expect(await points()).toEqual([
        { topic, partition: 0, endOffset: 2, firstSeenMs: t0, lastSeenMs: t0 },
      ]);

      // A new sampler (a restart) after a message: the point it follows gets
      // its last sighting, t1, from the latest stored sample.
      await producer.send({ messages: [{ topic, value: 'c' }] });
      await producer.close();
      clock += 30_000;
      const t2 = clock;
      const second = sampler();
      expect(await second.sample()).toMatchObject({ ok: true });
      await second.close();
      expect(await points()).toEqual([
        { topic, partition: 0, endOffset: 2, firstSeenMs: t0, lastSeenMs: t1 },
        { topic, partition: 0, endOffset: 3, firstSeenMs: t2, lastSeenMs: t2 },
      ]);
      expect((await s.groups.get('dev', groupId))?.lag).toMatchObject({
        totalLag: 2,
        trend: [1, 1, 2],
      });
    },
  );

  it('samples a KIP-848 group like a classic one and leaves a share group out, on every database', async () => {
    const prefix = `khgt-${uniqueSuffix()}.`;
    const topic = `${prefix}orders`;
    const ids = {
      consumer: `${prefix}kip848`,
      classic: `${prefix}classic`,
      share: `${prefix}share`,
    };
    topics.push(topic);
    groupIds.push(...Object.values(ids));
    await createTopics(admin, [{ topic, partitions: 2 }]);
    const producer = createProducer();
    await produce(producer, topic, 2, 3);
    // Committed on partition 0 only: partition 1 has no commit, not lag 0.
    await setOffsets(admin, ids.classic, topic, [{ partition: 0, offset: 1 }]);
    const consumer = await startConsumer(ids.consumer, topic, {
      groupProtocol: 'consumer',
    });
    await waitFor(`${ids.consumer} to commit`, async () => {
      const committed = await committedOffsets(admin, ids.consumer, topic);
      return committed[0] === 3 && committed[1] === 3;
    });
    await createShareGroup(ids.share, topic);

    const recorders = await Promise.all(
      databases.eachSupportedId().map(async ([databaseId]) => {
        const s = await stores(databaseId);
        return { s, sampler: samplerFor(s) };
      }),
    );
    const sampleAll = async () => {
      for (const { s, sampler } of recorders) {
        expect(await syncFor(s, prefix).sync()).toMatchObject({ ok: true });
        const result = await sampler.sample();
        expect(result.ok).toBe(true);
        // Other test files' groups on the shared broker come and go (a
        // deleted one "vanishes"); this test answers for its own.
        expect(
          result.groupErrors.filter(e => e.groupId.startsWith(prefix)),
        ).toEqual([]);
      }
    };
    await sampleAll();
    // The member stops; 2 more messages per partition arrive.
    await consumer.close();
    await produce(producer, topic, 2, 2);
    await producer.close();
    await sampleAll();

    for (const { s, sampler } of recorders) {
      await sampler.close();
      expect(await s.groups.get('dev', ids.consumer)).toMatchObject({
        type: 'consumer',
        lag: {
          totalLag: 4,
          maxPartitionLag: 2,
          partitionsWithoutCommit: 0,
          trend: [0, 4],
        },
      });
      expect(await s.groups.get('dev', ids.classic)).toMatchObject({
        type: 'classic',
        lag: { totalLag: 4, partitionsWithoutCommit: 1, trend: [2, 4] },
      });
      const [committed, uncommitted] = await s.groups.latestOffsets(
        'dev',
        ids.classic,
      );
      expect(committed).toMatchObject({
        topic,
        partition: 0,
        committedOffset: 1,
        endOffset: 5,
        lag: 4,
      });
      expect(uncommitted).toMatchObject({ topic, partition: 1, endOffset: 5 });
      expect(uncommitted.committedOffset).toBeUndefined();
      expect(uncommitted.lag).toBeUndefined();
      const share = await s.groups.get('dev', ids.share);
      expect(share).toMatchObject({ type: 'share', lifecycle: 'active' });
      expect(share?.lag).toBeUndefined();
      expect(await s.taskRuns.get('dev', 'lag')).toMatchObject({
        lastError: undefined,
      });
    }
  });
});
