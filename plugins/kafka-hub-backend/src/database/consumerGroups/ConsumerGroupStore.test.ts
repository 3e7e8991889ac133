import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { migrationsDir } from '../migrations';
import { testDatabaseIds } from '../../testUtils/testServices';
import { ConsumerGroupStore } from './ConsumerGroupStore';
import { MAX_GROUP_ID_BYTES } from './groupIdLimit';
import { LagHistoryStore } from './LagHistoryStore';
import { DiscoveredGroup, GroupSample } from './types';

jest.setTimeout(60_000);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const t0 = new Date(Date.UTC(2026, 10, 22, 12, 0, 0));
const at = (ms: number) => new Date(t0.getTime() + ms);

const group = (
  groupId: string,
  state: DiscoveredGroup['state'] = 'Stable',
): DiscoveredGroup => ({
  groupId,
  state,
  members:
    state === 'Empty'
      ? []
      : [
          {
            memberId: `${groupId}-m1`,
            clientId: 'app',
            host: '/127.0.0.1',
            assignments: [{ topic: 'orders', partitions: [0, 1] }],
          },
        ],
  protocolType: 'consumer',
  assignmentStrategy: 'RoundRobinAssigner',
  coordinator: '1 (127.0.0.1:9092)',
  subscribedTopics: ['orders'],
});

const sample = (groupId: string, totalLag: number): GroupSample => ({
  groupId,
  state: 'Stable',
  memberCount: 1,
  partitions: [
    {
      topic: 'orders',
      partition: 0,
      committedOffset: 10,
      endOffset: 10 + totalLag,
      lag: totalLag,
    },
    { topic: 'orders', partition: 1, endOffset: 7 },
  ],
  totalLag,
  maxPartitionLag: totalLag,
  timeLagSeconds: totalLag > 0 ? 12.5 : 0,
  partitionsWithoutCommit: 1,
  committedSum: 10,
  rewound: false,
  status: 'OK',
  statusReason: 'fine',
  trend: [totalLag],
});

describe('ConsumerGroupStore', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    return {
      knex,
      store: new ConsumerGroupStore(knex),
      history: new LagHistoryStore(knex),
    };
  }

  const sync = (
    store: ConsumerGroupStore,
    groups: DiscoveredGroup[],
    now: Date,
    linkOf?: (id: string) => any,
  ) =>
    store.recordSync({
      environment: 'dev',
      groups,
      linkOf,
      now,
      inactiveAfterMs: DAY,
      archiveAfterMs: 7 * DAY,
    });

  it.each(databases.eachSupportedId())(
    'migrates the consumer group tables up and down on %p',
    async databaseId => {
      const { knex } = await setup(databaseId);
      const tables = [
        'kafka_hub_consumer_groups',
        'kafka_hub_consumer_group_lag',
        'kafka_hub_consumer_group_offsets',
        'kafka_hub_consumer_group_lag_history',
        'kafka_hub_consumer_group_lag_rollups',
        'kafka_hub_consumer_group_partition_history',
        'kafka_hub_partition_end_offsets',
        'kafka_hub_consumer_group_task_runs',
      ];
      for (const table of tables) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      await knex.migrate.rollback({ directory: migrationsDir }, true);
      for (const table of tables) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable(tables[0])).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'records each group type with its description, and a group that could not be described keeps its last description on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const kip848: DiscoveredGroup = {
        groupId: 'a.kip848',
        type: 'consumer',
        state: 'Reconciling',
        protocolType: 'consumer',
        assignmentStrategy: 'uniform',
        groupEpoch: 4,
        assignmentEpoch: 4,
        coordinator: '1 (127.0.0.1:9092)',
        describedWith: 'ConsumerGroupDescribe',
        members: [
          {
            memberId: 'm-1',
            clientId: 'app',
            host: '/127.0.0.1',
            instanceId: 'static-1',
            memberEpoch: 3,
            subscribedTopics: ['orders'],
            subscribedTopicRegex: 'orders.*',
            assignments: [{ topic: 'orders', partitions: [0] }],
            targetAssignments: [{ topic: 'orders', partitions: [0, 1] }],
          },
        ],
        subscribedTopics: ['orders'],
      };
      const share: DiscoveredGroup = {
        groupId: 'a.share',
        type: 'share',
        state: 'Stable',
        protocolType: 'share',
        members: [],
        subscribedTopics: [],
      };
      const classic = { ...group('a.classic'), type: 'classic' as const };
      await sync(store, [kip848, share, classic], t0);
      expect(await store.get('dev', 'a.kip848')).toMatchObject({
        ...kip848,
        lifecycle: 'active',
      });
      const storedShare = await store.get('dev', 'a.share');
      expect(storedShare).toMatchObject(share);
      expect(storedShare?.describedWith).toBeUndefined();
      expect(await store.get('dev', 'a.classic')).toMatchObject({
        type: 'classic',
        protocolType: 'consumer',
        assignmentStrategy: 'RoundRobinAssigner',
      });

      // The next sync could not describe a.kip848: its listing (type,
      // state) and its own error are recorded, its description stays; the
      // others are recorded as usual.
      const failed: DiscoveredGroup = {
        groupId: 'a.kip848',
        type: 'consumer',
        state: 'Stable',
        protocolType: 'consumer',
        members: [],
        subscribedTopics: [],
        describeError: 'GROUP_AUTHORIZATION_FAILED: Group authorization failed',
      };
      await sync(store, [failed, share, group('a.classic', 'Empty')], at(HOUR));
      const kept = await store.get('dev', 'a.kip848');
      expect(kept).toMatchObject({
        ...kip848,
        state: 'Stable',
        describeError: failed.describeError,
        lastSeenAt: at(HOUR),
      });
      expect(await store.get('dev', 'a.classic')).toMatchObject({
        state: 'Empty',
        members: [],
      });
      expect((await store.get('dev', 'a.classic'))?.describeError).toBe(
        undefined,
      );

      // Described again: the error goes.
      await sync(store, [{ ...kip848, state: 'Stable' }], at(2 * HOUR));
      expect(
        (await store.get('dev', 'a.kip848'))?.describeError,
      ).toBeUndefined();

      // A group never described before fails: listed, no members.
      await sync(store, [{ ...failed, groupId: 'a.new' }], at(3 * HOUR));
      expect(await store.get('dev', 'a.new')).toMatchObject({
        type: 'consumer',
        state: 'Stable',
        members: [],
        describeError: failed.describeError,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'rolls the group types migration back keeping every group on %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      await sync(
        store,
        [{ ...group('a.one'), type: 'consumer', groupEpoch: 2 }],
        t0,
      );
      await knex.migrate.down({
        directory: migrationsDir,
        name: '20261201020000_group_types.js',
      });
      const columns = Object.keys(
        await knex('kafka_hub_consumer_groups').columnInfo(),
      );
      expect(columns).not.toContain('group_type');
      expect(columns).not.toContain('describe_error');
      expect(
        await knex('kafka_hub_consumer_groups').select('group_id', 'state'),
      ).toEqual([{ group_id: 'a.one', state: 'Stable' }]);
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await store.get('dev', 'a.one')).toMatchObject({
        groupId: 'a.one',
        state: 'Stable',
        members: group('a.one').members,
      });
      // Recorded before the migration: described with DescribeGroups, type
      // unknown until the next sync.
      expect(await store.get('dev', 'a.one')).toMatchObject({
        describedWith: 'DescribeGroups',
      });
      expect((await store.get('dev', 'a.one'))?.type).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'moves groups through active, inactive and archived on %p',
    async databaseId => {
      const { store } = await setup(databaseId);

      expect(
        await sync(store, [group('a.one'), group('a.idle', 'Empty')], t0),
      ).toMatchObject({ listed: 2, created: 2, inactive: 0 });
      expect((await store.get('dev', 'a.one'))?.entityRef).toBeUndefined();
      let stored = await store.get('dev', 'a.idle');
      expect(stored).toMatchObject({ state: 'Empty', lifecycle: 'active' });
      expect(stored?.emptySince).toEqual(t0);

      // Empty for a day: inactive. a.one is no longer listed: Dead at once.
      const result = await sync(store, [group('a.idle', 'Empty')], at(DAY));
      expect(result).toMatchObject({
        listed: 1,
        created: 0,
        inactive: 1,
        gone: 1,
      });
      stored = await store.get('dev', 'a.idle');
      expect(stored).toMatchObject({ lifecycle: 'inactive' });
      expect(stored?.firstSeenAt).toEqual(t0);
      expect(stored?.lastSeenAt).toEqual(at(DAY));
      expect(await store.get('dev', 'a.one')).toMatchObject({
        state: 'Dead',
        lifecycle: 'inactive',
        members: [],
        lastSeenAt: t0,
      });

      // Unseen for seven days: archived.
      await sync(store, [group('a.idle', 'Empty')], at(7 * DAY));
      expect(await store.get('dev', 'a.one')).toMatchObject({
        lifecycle: 'archived',
      });

      // Back with members: active again, Empty clock reset.
      await sync(store, [group('a.idle'), group('a.one')], at(8 * DAY));
      expect(await store.get('dev', 'a.idle')).toMatchObject({
        state: 'Stable',
        lifecycle: 'active',
        emptySince: undefined,
      });
      expect(await store.get('dev', 'a.one')).toMatchObject({
        lifecycle: 'active',
        firstSeenAt: t0,
      });
      expect(
        (await store.listByLifecycle('dev', 'active')).map(g => g.groupId),
      ).toEqual(['a.idle', 'a.one']);
    },
  );

  it.each(databases.eachSupportedId())(
    'links groups and keeps links when the catalog is unavailable on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const link = (id: string) =>
        id.startsWith('orders.')
          ? {
              entityRef: 'component:default/orders',
              linkedBy: 'prefix' as const,
            }
          : undefined;
      await sync(store, [group('orders.reader'), group('other')], t0, link);
      expect(await store.get('dev', 'orders.reader')).toMatchObject({
        entityRef: 'component:default/orders',
        linkedBy: 'prefix',
      });
      expect((await store.get('dev', 'other'))?.entityRef).toBeUndefined();

      await sync(store, [group('orders.reader')], at(HOUR), undefined);
      expect(await store.get('dev', 'orders.reader')).toMatchObject({
        entityRef: 'component:default/orders',
      });
      expect(await store.linkedEntityRefs()).toEqual([
        'component:default/orders',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists, filters, sorts and pages groups with their latest lag on %p',
    async databaseId => {
      const { store, history } = await setup(databaseId);
      const link = (id: string) => {
        const app = id.match(/^([ab])\./)?.[1];
        return app
          ? {
              entityRef: `component:default/${app}`,
              linkedBy: 'prefix' as const,
            }
          : undefined;
      };
      await sync(
        store,
        [
          group('a.low'),
          group('a.high'),
          group('b_x.none'),
          group('b.mid'),
          group('a.none', 'Empty'),
        ],
        t0,
        link,
      );
      await history.writeSample({
        environment: 'dev',
        sampledAtMs: t0.getTime(),
        groups: [
          sample('a.low', 5),
          sample('a.high', 500),
          sample('b.mid', 50),
        ],
        endOffsetPoints: [],
        endOffsetPrunes: [],
        keepPartitionHistory: true,
      });

      const page = await store.list({
        includeUnlinked: true,
        sort: 'lag',
        limit: 2,
        offset: 0,
      });
      expect(page.total).toBe(5);
      expect(page.items.map(g => g.groupId)).toEqual(['a.high', 'b.mid']);
      expect(page.items[0].lag).toMatchObject({
        totalLag: 500,
        timeLagSeconds: 12.5,
        partitionsWithoutCommit: 1,
        trend: [500],
      });

      const onlyA = await store.list({
        entityRefs: ['component:default/a'],
        includeUnlinked: false,
        sort: 'name',
        limit: 10,
        offset: 0,
      });
      expect(onlyA.items.map(g => g.groupId)).toEqual([
        'a.high',
        'a.low',
        'a.none',
      ]);

      const lagging = await store.list({
        includeUnlinked: false,
        hasLag: true,
        sort: 'lag',
        limit: 10,
        offset: 1,
      });
      expect(lagging).toMatchObject({ total: 3 });
      expect(lagging.items.map(g => g.groupId)).toEqual(['b.mid', 'a.low']);

      // '_' is a literal, not a LIKE wildcard.
      const search = await store.list({
        includeUnlinked: true,
        search: 'B_X',
        sort: 'name',
        limit: 10,
        offset: 0,
      });
      expect(search.items.map(g => g.groupId)).toEqual(['b_x.none']);

      const empty = await store.list({
        includeUnlinked: true,
        state: 'Empty',
        hasLag: false,
        sort: 'name',
        limit: 10,
        offset: 0,
      });
      expect(empty.items.map(g => g.groupId)).toEqual(['a.none']);

      expect(
        await store.list({
          entityRefs: [],
          includeUnlinked: false,
          sort: 'name',
          limit: 10,
          offset: 0,
        }),
      ).toEqual({ items: [], total: 0 });

      expect(await store.latestOffsets('dev', 'a.high')).toEqual([
        {
          topic: 'orders',
          partition: 0,
          committedOffset: 10,
          endOffset: 510,
          lag: 500,
          timeLagSeconds: undefined,
        },
        {
          topic: 'orders',
          partition: 1,
          committedOffset: undefined,
          endOffset: 7,
          lag: undefined,
          timeLagSeconds: undefined,
        },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses an id above the limit with its own error, records the others, and leaves a row stored earlier under it as it was on %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      // Stored before the limit existed (SQLite never enforced a length;
      // PostgreSQL compresses this repetitive key into its index).
      const earlier = 'y'.repeat(MAX_GROUP_ID_BYTES + 500);
      await sync(store, [group('orders.reader')], t0);
      await knex('kafka_hub_consumer_groups').insert({
        environment: 'dev',
        group_id: earlier,
        state: 'Stable',
        member_count: 0,
        members: '[]',
        subscribed_topics: '[]',
        lifecycle: 'active',
        first_seen_at: t0,
        last_seen_at: t0,
        updated_at: t0,
      });
      // Multi-byte characters: the limit counts UTF-8 bytes.
      const tooLong = 'é'.repeat(MAX_GROUP_ID_BYTES / 2 + 1);
      const fits = 'é'.repeat(MAX_GROUP_ID_BYTES / 2);

      const result = await sync(
        store,
        [group('orders.reader'), group(fits), group(tooLong), group(earlier)],
        at(HOUR),
      );

      expect(result).toMatchObject({ listed: 4, created: 1, gone: 0 });
      expect(result.refused).toEqual([
        {
          groupId: tooLong,
          error: `Consumer group ${'é'.repeat(60)}… (${
            MAX_GROUP_ID_BYTES / 2 + 1
          } characters) is not recorded: its id is ${
            MAX_GROUP_ID_BYTES + 2
          } bytes long (UTF-8), above Kafka Hub's limit of ${MAX_GROUP_ID_BYTES} bytes`,
        },
        { groupId: earlier, error: expect.stringContaining('is not recorded') },
      ]);
      expect(await store.get('dev', 'orders.reader')).toMatchObject({
        lastSeenAt: at(HOUR),
      });
      expect(await store.get('dev', fits)).toMatchObject({
        groupId: fits,
        members: group(fits).members,
      });
      expect(await store.get('dev', tooLong)).toBeUndefined();
      expect(await store.get('dev', earlier)).toMatchObject({
        state: 'Stable',
        lifecycle: 'active',
        lastSeenAt: t0,
      });
    },
  );
});
