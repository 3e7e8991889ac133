import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  Admin,
  connectionsApiChannel,
  consumerGroupDescribeV0,
  describeGroupsV0,
  offsetFetchV8,
} from '@platformatic/kafka';
import { ClaimSet } from '../claims';
import {
  ConsumerGroupStore,
  LagHistoryStore,
  TaskRunStore,
} from '../database/consumerGroups';
import { migrationsDir } from '../database/migrations';
import { testDatabaseIds } from '../testUtils/testServices';
import { ABORTED_SYNC, GroupSync } from './GroupSync';
import { ABORTED_SAMPLE, LagSampler } from './LagSampler';
import {
  createTopics,
  liveEnvironment,
  setOffsets,
  testAdmin,
  uniqueSuffix,
} from './__testUtils__/testKafka';

jest.setTimeout(120_000);

const logger = mockServices.logger.mock();

const DESCRIBE_KEYS = new Set([
  describeGroupsV0.api.key,
  consumerGroupDescribeV0.api.key,
]);

/**
 * Kafka requests this process starts while it runs, and an abort fired
 * from inside the first request of one kind: the run is stopped mid-way,
 * at a point the test names, with no timing involved.
 */
function abortAtFirst(apiKeys: Set<number>) {
  const controller = new AbortController();
  const started: number[] = [];
  let atAbort: number | undefined;
  const onStart = (message: unknown) => {
    const { apiKey } = message as { apiKey?: number };
    if (apiKey === undefined) return;
    started.push(apiKey);
    if (atAbort === undefined && apiKeys.has(apiKey)) {
      atAbort = started.length;
      controller.abort();
    }
  };
  connectionsApiChannel.start.subscribe(onStart);
  return {
    signal: controller.signal,
    stop: () => connectionsApiChannel.start.unsubscribe(onStart),
    /** Requests started after the abort fired. */
    startedAfterAbort: () =>
      atAbort === undefined ? undefined : started.slice(atAbort),
  };
}

describe('consumer-group tasks stop at their abort signal', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const prefix = `khab-${uniqueSuffix()}.`;
  const topic = `${prefix}orders`;
  const groupIds = [`${prefix}a`, `${prefix}b`, `${prefix}c`];
  let admin: Admin;

  beforeAll(async () => {
    admin = testAdmin();
    await createTopics(admin, [{ topic, partitions: 2 }]);
    // Groups without members: nothing in this process talks to Kafka
    // while a task runs, so every request counted is the task's.
    for (const groupId of groupIds) {
      await setOffsets(admin, groupId, topic, [{ partition: 0, offset: 0 }]);
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

  const syncFor = (
    s: Awaited<ReturnType<typeof stores>>,
    claims: () => Promise<ClaimSet> = async () => new ClaimSet([], []),
  ) =>
    new GroupSync({
      environment: liveEnvironment(),
      logger,
      groups: s.groups,
      taskRuns: s.taskRuns,
      claims,
      // One group per request: many requests, the abort comes after the first.
      describeBatchSize: 1,
      inactiveAfterMs: 86_400_000,
      archiveAfterMs: 7 * 86_400_000,
    });

  const storedOfPrefix = async (s: Awaited<ReturnType<typeof stores>>) =>
    (await s.groups.listByLifecycle('dev', 'active'))
      .map(g => g.groupId)
      .filter(id => id.startsWith(prefix));

  it.each(databases.eachSupportedId())(
    'group sync: no describe request after the abort, no group recorded, the run recorded as aborted on %p',
    async databaseId => {
      const s = await stores(databaseId);
      const abort = abortAtFirst(DESCRIBE_KEYS);
      let result;
      try {
        result = await syncFor(s).sync(abort.signal);
      } finally {
        abort.stop();
      }

      expect(result).toEqual({ ok: false, aborted: true, error: ABORTED_SYNC });
      expect(abort.startedAfterAbort()).toEqual([]);
      const [{ n }] = await s
        .knex('kafka_hub_consumer_groups')
        .count({ n: '*' });
      expect(Number(n)).toBe(0);
      expect(await s.taskRuns.get('dev', 'sync')).toMatchObject({
        lastOutcome: 'aborted',
        lastError: ABORTED_SYNC,
        lastSuccessAt: undefined,
      });

      // Without an abort the same sync records the groups.
      expect(await syncFor(s).sync(new AbortController().signal)).toMatchObject(
        { ok: true },
      );
      expect(await storedOfPrefix(s)).toEqual(
        expect.arrayContaining(groupIds.slice(0, 3)),
      );
      expect(await s.taskRuns.get('dev', 'sync')).toMatchObject({
        lastOutcome: 'succeeded',
        lastError: undefined,
      });
      await s.knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'group sync: aborted while it reads the claims (after its last Kafka request), it writes no group on %p',
    async databaseId => {
      const s = await stores(databaseId);
      expect(await syncFor(s).sync()).toMatchObject({ ok: true });
      const before = await s.groups.get('dev', groupIds[0]);
      const storedBefore = await storedOfPrefix(s);
      // A group the next sync would record.
      const added = `${prefix}added-${databaseId}`;
      groupIds.push(added);
      await setOffsets(admin, added, topic, [{ partition: 1, offset: 0 }]);

      const controller = new AbortController();
      let reached!: () => void;
      const atGate = new Promise<void>(resolve => {
        reached = resolve;
      });
      let open!: () => void;
      const gate = new Promise<void>(resolve => {
        open = resolve;
      });
      const run = syncFor(s, async () => {
        reached();
        await gate;
        return new ClaimSet([], []);
      }).sync(controller.signal);
      await atGate;
      controller.abort();
      open();

      expect(await run).toEqual({
        ok: false,
        aborted: true,
        error: ABORTED_SYNC,
      });
      expect(storedBefore).toEqual(
        expect.arrayContaining(groupIds.slice(0, 3)),
      );
      expect(storedBefore).not.toContain(added);
      expect(await storedOfPrefix(s)).toEqual(storedBefore);
      expect(await s.groups.get('dev', groupIds[0])).toEqual(before);
      expect(await s.taskRuns.get('dev', 'sync')).toMatchObject({
        lastOutcome: 'aborted',
      });
      await s.knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'lag sample: no Kafka request after the abort, no sample written, the run recorded as aborted on %p',
    async databaseId => {
      const s = await stores(databaseId);
      expect(await syncFor(s).sync()).toMatchObject({ ok: true });
      const sampler = new LagSampler({
        environment: liveEnvironment(),
        logger,
        groups: s.groups,
        history: s.history,
        taskRuns: s.taskRuns,
        // One request at a time: none can be under way when the abort fires.
        concurrency: 1,
        statusWindow: 3,
        timeLagPoints: 60,
        keepPartitionHistory: true,
      });
      try {
        const abort = abortAtFirst(new Set([offsetFetchV8.api.key]));
        let result;
        try {
          result = await sampler.sample(abort.signal);
        } finally {
          abort.stop();
        }

        expect(result).toMatchObject({
          ok: false,
          aborted: true,
          error: ABORTED_SAMPLE,
        });
        // The OffsetFetch in flight completed; no metadata, no ListOffsets.
        expect(abort.startedAfterAbort()).toEqual([]);
        expect(await s.history.latestSampleMs('dev')).toBeUndefined();
        for (const table of [
          'kafka_hub_consumer_group_lag',
          'kafka_hub_consumer_group_offsets',
          'kafka_hub_consumer_group_lag_history',
          'kafka_hub_consumer_group_partition_history',
          'kafka_hub_partition_end_offsets',
        ]) {
          const [{ n }] = await s.knex(table).count({ n: '*' });
          expect([table, Number(n)]).toEqual([table, 0]);
        }
        expect(await s.taskRuns.get('dev', 'lag')).toMatchObject({
          lastOutcome: 'aborted',
          lastError: ABORTED_SAMPLE,
          lastSuccessAt: undefined,
        });

        // The next sample, not aborted, writes as usual.
        const next = await sampler.sample(new AbortController().signal);
        expect(next.ok).toBe(true);
        expect((await s.groups.get('dev', groupIds[0]))?.lag).toMatchObject({
          sampledAtMs: next.sampledAtMs,
        });
      } finally {
        await sampler.close();
        await s.knex.destroy();
      }
    },
  );
});
