import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { migrationsDir } from '../migrations';
import { testDatabaseIds } from '../../testUtils/testServices';
import { TopicStore } from './TopicStore';
import { ListTopicsQuery, SampledTopic } from './types';

const ORDERS = 'component:default/orders';
const PAYMENTS = 'component:default/payments';
const at = (s: number) => new Date(Date.UTC(2026, 11, 6, 12, 0, s));
const run = {
  lastRunAt: at(0),
  durationMs: 10,
  outcome: 'succeeded' as const,
  kafkaRequests: 4,
  requestCounts: { Metadata: 1 },
};

const topic = (
  name: string,
  entityRef: string,
  more: Partial<SampledTopic> = {},
): SampledTopic => ({
  topic: name,
  entityRef,
  partitions: 3,
  replicationFactor: 3,
  underReplicatedPartitions: 0,
  offlinePartitions: 0,
  minInSyncReplicas: 3,
  partitionDetail: [
    { partition: 0, leader: 1, replicas: [1], inSyncReplicas: [1] },
  ],
  consumerGroups: [],
  ...more,
});

describe('TopicStore.list', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const store = new TopicStore(knex);
    await store.replaceEnvironment({
      environment: 'dev',
      sampledAtMs: at(1).getTime(),
      run,
      topics: [
        topic('orders.events', ORDERS, {
          sizeBytes: 500,
          messageEstimate: 40,
          drift: 'fewer-partitions',
          declaredPartitions: 6,
        }),
        topic('orders.scratch_1', ORDERS, {
          sizeBytes: 9000,
          messageEstimate: 1,
          drift: 'undeclared',
        }),
        topic('orders.audit', ORDERS, {
          underReplicatedPartitions: 1,
          declaredPartitions: 3,
        }),
        topic('payments.events', PAYMENTS, {
          sizeBytes: 100,
          messageEstimate: 900,
          offlinePartitions: 1,
          declaredPartitions: 3,
        }),
      ],
    });
    await store.replaceEnvironment({
      environment: 'prod',
      sampledAtMs: at(2).getTime(),
      run,
      topics: [topic('orders.events', ORDERS, { declaredPartitions: 3 })],
    });
    const list = async (query: Partial<ListTopicsQuery>) => {
      const { items, total } = await store.list({
        sort: 'name',
        limit: 50,
        offset: 0,
        ...query,
      });
      return {
        names: items.map(t => `${t.environment}/${t.topic}`),
        total,
        items,
      };
    };
    return { store, list };
  }

  it.each(databases.eachSupportedId())(
    'pages, filters and sorts in the database, with the total of all matching, %p',
    async databaseId => {
      const { list } = await setup(databaseId);
      expect(await list({})).toMatchObject({
        total: 5,
        names: [
          'dev/orders.audit',
          'dev/orders.events',
          'prod/orders.events',
          'dev/orders.scratch_1',
          'dev/payments.events',
        ],
      });
      expect(await list({ limit: 2, offset: 2 })).toMatchObject({
        total: 5,
        names: ['prod/orders.events', 'dev/orders.scratch_1'],
      });
      // A page past the end still tells how many match.
      expect(await list({ offset: 10 })).toMatchObject({ total: 5, names: [] });

      expect((await list({ entityRefs: [PAYMENTS] })).names).toEqual([
        'dev/payments.events',
      ]);
      expect(await list({ entityRefs: [] })).toMatchObject({
        total: 0,
        names: [],
      });
      expect((await list({ environment: 'prod' })).names).toEqual([
        'prod/orders.events',
      ]);
      expect(await list({ drift: true })).toMatchObject({
        total: 2,
        names: ['dev/orders.events', 'dev/orders.scratch_1'],
      });
      expect((await list({ drift: false })).total).toBe(3);
      expect((await list({ underReplicated: true })).names).toEqual([
        'dev/orders.audit',
        'dev/payments.events',
      ]);
      expect((await list({ underReplicated: false })).total).toBe(3);
      // Case-insensitive; LIKE wildcards in the text are literal.
      expect((await list({ search: 'EVENTS' })).total).toBe(3);
      expect((await list({ search: 'h_1' })).names).toEqual([
        'dev/orders.scratch_1',
      ]);
      expect((await list({ search: 'ch%' })).names).toEqual([]);
      expect((await list({ search: 's_e' })).names).toEqual([]);

      // Unknown sizes and counts last, then by name.
      expect((await list({ sort: 'size' })).names).toEqual([
        'dev/orders.scratch_1',
        'dev/orders.events',
        'dev/payments.events',
        'dev/orders.audit',
        'prod/orders.events',
      ]);
      expect((await list({ sort: 'messages', limit: 2 })).names).toEqual([
        'dev/payments.events',
        'dev/orders.events',
      ]);
      expect(
        await list({ entityRefs: [ORDERS], drift: true, environment: 'dev' }),
      ).toMatchObject({ total: 2 });
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the drift and declared partitions each sample stored, %p',
    async databaseId => {
      const { list } = await setup(databaseId);
      const { items } = await list({ environment: 'dev' });
      const byName = new Map(items.map(t => [t.topic, t]));
      expect(byName.get('orders.events')).toMatchObject({
        drift: 'fewer-partitions',
        declaredPartitions: 6,
        sizeBytes: 500,
        sampledAtMs: at(1).getTime(),
      });
      expect(byName.get('orders.scratch_1')?.drift).toBe('undeclared');
      expect(
        byName.get('orders.scratch_1')?.declaredPartitions,
      ).toBeUndefined();
      expect(byName.get('orders.audit')?.drift).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'scopes to thousands of entities in two statements (the count and the page), %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const store = new TopicStore(knex);
      const refs = Array.from(
        { length: 10_000 },
        (_, i) => `component:default/app-${String(i).padStart(5, '0')}`,
      );
      await store.replaceEnvironment({
        environment: 'dev',
        sampledAtMs: at(1).getTime(),
        run,
        topics: refs.map((ref, i) =>
          topic(`app-${String(i).padStart(5, '0')}.events`, ref),
        ),
      });
      const queries: string[] = [];
      const onQuery = (q: { sql: string }) => queries.push(q.sql);
      knex.on('query', onQuery);
      // Every other application readable: half the topics, paged.
      const readable = refs.filter((_, i) => i % 2 === 0);
      const { items, total } = await store.list({
        entityRefs: readable,
        sort: 'name',
        limit: 200,
        offset: 4_900,
      });
      knex.off('query', onQuery);
      expect(total).toBe(5_000);
      expect(items.map(t => t.topic)).toEqual(
        readable.slice(4_900).map(ref => `${ref.split('/')[1]}.events`),
      );
      expect(queries).toHaveLength(2);
      expect(queries.filter(q => /count\(\*\)/i.test(q))).toHaveLength(1);
    },
  );
});
