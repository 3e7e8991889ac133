import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Admin } from '@platformatic/kafka';
import { ClaimSet } from '../claims';
import { namespaceClaim } from '../claims/__testUtils__/claims';
import {
  ConsumerGroupStore,
  DAY_MS,
  LagHistoryStore,
  TaskRunStore,
} from '../database/consumerGroups';
import { MAX_GROUP_ID_BYTES } from '../database/consumerGroups/groupIdLimit';
import { migrationsDir } from '../database/migrations';
import { testDatabaseIds } from '../testUtils/testServices';
import { GroupSync } from './GroupSync';
import { LagSampler } from './LagSampler';
import { RetentionTask } from './RetentionTask';
import {
  createProducer,
  createTopics,
  liveEnvironment,
  produce,
  setOffsets,
  testAdmin,
  uniqueSuffix,
} from './__testUtils__/testKafka';

jest.setTimeout(120_000);

const logger = mockServices.logger.mock();

/**
 * Kafka allows group ids of 32,767 characters. Kafka Hub stores ids up to
 * MAX_GROUP_ID_BYTES and refuses longer ones per group; either way the
 * environment's other groups sync, sample and roll up as usual.
 */
describe('long consumer group ids against the real broker', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const prefix = `khlg-${uniqueSuffix()}.`;
  const topic = `${prefix}orders`;
  const named = (length: number) =>
    `${prefix}${'x'.repeat(length - prefix.length)}`;
  const normal = `${prefix}reader`;
  const long = named(300);
  const tooLong = named(3000);
  const groupIds = [normal, long, tooLong];
  let admin: Admin;

  beforeAll(async () => {
    admin = testAdmin();
    await createTopics(admin, [{ topic, partitions: 2 }]);
    const producer = createProducer();
    await produce(producer, topic, 2, 5);
    await producer.close();
    for (const groupId of groupIds) {
      await setOffsets(admin, groupId, topic, [
        { partition: 0, offset: 1 },
        { partition: 1, offset: 2 },
      ]);
    }
  });

  afterAll(async () => {
    await admin.deleteGroups({ groups: groupIds }).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.close();
  });

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

  it.each(databases.eachSupportedId())(
    'stores a 300-character id, refuses a 3000-character one with its own error, and syncs, samples and rolls up the others on %p',
    async databaseId => {
      const s = await stores(databaseId);
      const sync = new GroupSync({
        environment: liveEnvironment(),
        logger,
        groups: s.groups,
        taskRuns: s.taskRuns,
        claims: async () =>
          new ClaimSet(
            [
              namespaceClaim(
                prefix.replace(/\.$/, ''),
                'component:default/app',
                {
                  prefix,
                },
              ),
            ],
            [],
          ),
        describeBatchSize: 100,
        inactiveAfterMs: 86_400_000,
        archiveAfterMs: 7 * 86_400_000,
      });

      const result = await sync.sync();
      if (!result.ok) throw new Error(result.error);
      const refusal = new RegExp(
        `^Consumer group ${prefix.replace(
          '.',
          '\\.',
        )}x+… \\(3000 characters\\) is not recorded: its id is 3000 bytes long \\(UTF-8\\), above Kafka Hub's limit of ${MAX_GROUP_ID_BYTES} bytes$`,
      );
      expect(result.refused).toEqual([
        { groupId: tooLong, error: expect.stringMatching(refusal) },
      ]);
      const run = await s.taskRuns.get('dev', 'sync');
      expect(run).toMatchObject({
        lastOutcome: 'partial',
        lastError: expect.stringContaining(
          `consumer groups could not be recorded: Consumer group ${prefix}`,
        ),
      });
      expect(run?.lastError).toContain(`limit of ${MAX_GROUP_ID_BYTES} bytes`);
      // The message names the group without its 3000 characters.
      expect(run!.lastError!.length).toBeLessThan(400);

      for (const groupId of [normal, long]) {
        expect(await s.groups.get('dev', groupId)).toMatchObject({
          groupId,
          entityRef: 'component:default/app',
          state: 'Empty',
          subscribedTopics: [],
          lifecycle: 'active',
        });
      }
      expect(await s.groups.get('dev', tooLong)).toBeUndefined();

      const sampler = new LagSampler({
        environment: liveEnvironment(),
        logger,
        groups: s.groups,
        history: s.history,
        taskRuns: s.taskRuns,
        concurrency: 4,
        statusWindow: 3,
        timeLagPoints: 60,
        keepPartitionHistory: true,
      });
      let sampledAtMs: number;
      try {
        const sample = await sampler.sample();
        expect(sample.ok).toBe(true);
        expect(
          sample.groupErrors.filter(e => e.groupId.startsWith(prefix)),
        ).toEqual([]);
        sampledAtMs = sample.sampledAtMs!;
      } finally {
        await sampler.close();
      }
      for (const groupId of [normal, long]) {
        expect((await s.groups.get('dev', groupId))?.lag).toMatchObject({
          sampledAtMs,
          totalLag: 4 + 3,
        });
        expect(await s.groups.latestOffsets('dev', groupId)).toHaveLength(2);
        const [{ n }] = await s
          .knex('kafka_hub_consumer_group_partition_history')
          .where({ environment: 'dev', group_id: groupId })
          .count({ n: '*' });
        expect(Number(n)).toBe(2);
      }

      // A day later the sample is rolled up, under the long id too.
      await new RetentionTask({
        environment: 'dev',
        history: s.history,
        taskRuns: s.taskRuns,
        windows: {
          rawMs: 7 * DAY_MS,
          hourlyMs: 30 * DAY_MS,
          dailyMs: 365 * DAY_MS,
          partitionHistoryMs: 7 * DAY_MS,
        },
        now: () => sampledAtMs + DAY_MS,
      }).run();
      const rolledUp = await s
        .knex('kafka_hub_consumer_group_lag_rollups')
        .whereIn('group_id', [normal, long])
        .distinct('group_id', 'resolution');
      expect(
        rolledUp.map(r => `${r.group_id.length} ${r.resolution}`).sort(),
      ).toEqual(
        [normal.length, long.length]
          .flatMap(n => [`${n} day`, `${n} halfhour`, `${n} hour`])
          .sort(),
      );
      // Its chart reads the raw sample back by the long id.
      const history = await s.history.history({
        environment: 'dev',
        groupId: long,
        fromMs: sampledAtMs - 60_000,
        toMs: sampledAtMs + 60_000,
        resolution: 'raw',
        bucketMs: 60_000,
      });
      expect(history).toEqual([
        expect.objectContaining({ samples: 1, sumTotalLag: 7 }),
      ]);
      await s.knex.destroy();
    },
  );
});
