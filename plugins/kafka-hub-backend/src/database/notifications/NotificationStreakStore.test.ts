import { TestDatabases } from '@backstage/backend-test-utils';
import { migrationsDir } from '../migrations';
import { testDatabaseIds } from '../../testUtils/testServices';
import { NotificationStreakStore } from './NotificationStreakStore';

jest.setTimeout(60_000);

describe('NotificationStreakStore', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const at = (s: number) => new Date(Date.UTC(2026, 11, 2, 12, 0, s));
  const group = (subject: string) => ({
    scope: 'dev',
    subject,
    notice: { about: subject },
  });
  /** Good observations; the subjects whose streak they ended. */
  const good = async (
    store: NotificationStreakStore,
    kind: 'consumer-group',
    subjects: Array<ReturnType<typeof group>>,
    okSamples: number,
    observedAt: Date,
  ) => (await store.recordGood(kind, subjects, okSamples, observedAt)).items;
  /** Whether one bad observation started the subject's streak. */
  const startOne = async (
    store: NotificationStreakStore,
    kind: 'consumer-group' | 'provisioning',
    subject: { scope: string; subject: string },
    now: Date,
  ) =>
    (await store.startStreaks(kind, [{ ...subject, notice: {} }], now)).items
      .length === 1;

  it.each(databases.eachSupportedId())(
    'starts a streak once, however many replicas see it at once, and ends it after enough good observations (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      // Two replicas: two stores on the database.
      const [a, b] = [
        new NotificationStreakStore(knex),
        new NotificationStreakStore(knex),
      ];
      const started = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          startOne(i % 2 ? a : b, 'consumer-group', group('g1'), at(0)),
        ),
      );
      expect(started.filter(Boolean)).toHaveLength(1);
      expect(await a.failing('consumer-group', 'dev')).toEqual(new Set(['g1']));
      // Another kind, or another environment, is another subject.
      expect(await a.failing('consumer-group', 'prod')).toEqual(new Set());
      expect(await startOne(a, 'provisioning', group('g1'), at(0))).toBe(true);

      // Two good observations of three needed, then a bad one: from zero again.
      expect(await good(a, 'consumer-group', [group('g1')], 3, at(1))).toEqual(
        [],
      );
      expect(await good(a, 'consumer-group', [group('g1')], 3, at(2))).toEqual(
        [],
      );
      await a.stillFailing('consumer-group', [group('g1')]);
      expect(await good(a, 'consumer-group', [group('g1')], 3, at(3))).toEqual(
        [],
      );
      expect(await good(a, 'consumer-group', [group('g1')], 3, at(4))).toEqual(
        [],
      );
      // The third in a row ends it, on one replica only.
      const ended = await Promise.all([
        good(a, 'consumer-group', [group('g1')], 3, at(5)),
        good(b, 'consumer-group', [group('g1')], 3, at(5)),
      ]);
      expect(ended.flat()).toEqual([group('g1')]);
      expect(await a.failing('consumer-group', 'dev')).toEqual(new Set());

      // A new streak after the recovery starts (and is told) again.
      expect(await startOne(b, 'consumer-group', group('g1'), at(6))).toBe(
        true,
      );
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps long group ids apart and handles thousands of subjects per call (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const store = new NotificationStreakStore(knex);
      const long = (c: string) => `${'orders.'.repeat(200)}${c}`;
      expect(
        await startOne(store, 'consumer-group', group(long('a')), at(0)),
      ).toBe(true);
      expect(
        await startOne(store, 'consumer-group', group(long('b')), at(0)),
      ).toBe(true);
      const many = Array.from({ length: 2_000 }, (_, i) => group(`g-${i}`));
      for (const subject of many.slice(0, 3)) {
        await startOne(store, 'consumer-group', subject, at(0));
      }
      const recovered = await good(store, 'consumer-group', many, 1, at(1));
      expect(recovered.map(r => r.subject).sort()).toEqual([
        'g-0',
        'g-1',
        'g-2',
      ]);
      expect(await store.failing('consumer-group', 'dev')).toEqual(
        new Set([long('a'), long('b')]),
      );
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'starts thousands of streaks in chunked statements, each once when two replicas observe the same sample, and restarts the recovery count of those already failing (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const [a, b] = [
        new NotificationStreakStore(knex),
        new NotificationStreakStore(knex),
      ];
      const many = Array.from({ length: 2_000 }, (_, i) => group(`g-${i}`));
      // g-0 has failed before and had one good observation since.
      await a.startStreaks('consumer-group', [many[0]], at(0));
      expect(await good(a, 'consumer-group', [many[0]], 2, at(1))).toEqual([]);

      const [{ items: byA }, { items: byB }] = await Promise.all([
        a.startStreaks('consumer-group', many, at(2)),
        b.startStreaks('consumer-group', many, at(2)),
      ]);
      const started = [...byA, ...byB].map(s => s.subject);
      expect(started).toHaveLength(1_999);
      expect(new Set(started)).toEqual(
        new Set(many.slice(1).map(s => s.subject)),
      );
      expect((await a.failing('consumer-group', 'dev')).size).toBe(2_000);
      // g-0's good observation no longer counts: one more is not enough.
      expect(await good(a, 'consumer-group', [many[0]], 2, at(3))).toEqual([]);
      expect(await good(a, 'consumer-group', [many[0]], 2, at(4))).toEqual([
        many[0],
      ]);
      await knex.destroy();
    },
  );
});
