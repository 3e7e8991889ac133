import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { migrationsDir } from '../migrations';
import { testDatabaseIds } from '../../testUtils/testServices';
import { LinkClaimStore } from './LinkClaimStore';
import { LinkErrorStore } from './LinkErrorStore';
import { NamespaceClaimStore } from './NamespaceClaimStore';

jest.setTimeout(60_000);

const t = (minutes: number) => new Date(Date.UTC(2026, 11, 1, 12, minutes));
const PAYMENTS = 'component:default/payments-service';
const IMPOSTOR = 'component:default/orders-impostor';

describe('claim stores', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    return { knex, store: new NamespaceClaimStore(knex) };
  }

  const claimOf = (
    store: NamespaceClaimStore,
    application: string,
    entityRef: string,
    prefix = `${application}.`,
    now = t(0),
  ) =>
    store.claim({
      application,
      prefix,
      entityRef,
      ownerRef: `group:default/owner-of-${entityRef.split('/')[1]}`,
      now,
    });

  it.each(databases.eachSupportedId())(
    'claims a whole reconcile of new slugs in one transaction: each slug once, overlaps refused both ways, earlier requests first, %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      // Left by an old, unsafe pattern: "ord" overlaps "orders.".
      await claimOf(store, 'ord', 'component:default/ord-legacy', 'ord');
      const request = (application: string, name: string, prefix?: string) => ({
        application,
        prefix: prefix ?? `${application}.`,
        entityRef: `component:default/${name}`,
        now: t(1),
      });
      const apps = Array.from({ length: 2000 }, (_, i) =>
        request(`app-${i}`, `app-${i}-service`),
      );
      const statements: string[] = [];
      knex.on('query', (q: { sql: string }) => statements.push(q.sql));
      const outcomes = await store.claimAll([
        ...apps,
        request('app-7', 'app-7-impostor'),
        request('orders', 'orders-service'),
        // Starts with a prefix claimed earlier in this batch.
        request('x', 'x-first', 'team.'),
        request('y', 'y-later', 'team.y.'),
        // A claimed prefix starts with this one.
        request('z', 'z-later', 'app-1'),
      ]);
      knex.removeAllListeners('query');

      expect(outcomes.slice(0, 2000).map(o => o.result)).toEqual(
        apps.map(() => 'claimed'),
      );
      expect(
        outcomes.slice(2000).map(o => [o.result, o.holder.entityRef]),
      ).toEqual([
        ['taken', 'component:default/app-7-service'],
        ['overlap', 'component:default/ord-legacy'],
        ['claimed', 'component:default/x-first'],
        ['overlap', 'component:default/x-first'],
        ['overlap', 'component:default/app-1-service'],
      ]);
      // A read, the inserts in chunks, and the transaction's own statements.
      expect(
        statements.filter(sql => /insert into/i.test(sql)).length,
      ).toBeLessThanOrEqual(5);
      const [{ n }] = await knex('kafka_hub_namespace_claims').count({
        n: '*',
      });
      expect(Number(n)).toBe(2002);
      expect(await store.get('app-1999')).toMatchObject({
        entityRef: 'component:default/app-1999-service',
        claimedAt: t(1),
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'gives a slug to the first entity, and names it to the next; the claim survives a new store, %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      expect(await claimOf(store, 'payments', PAYMENTS)).toEqual({
        result: 'claimed',
        holder: {
          application: 'payments',
          prefix: 'payments.',
          entityRef: PAYMENTS,
          ownerRef: 'group:default/owner-of-payments-service',
          claimedAt: t(0),
          holderMissingSince: undefined,
        },
      });
      const later = await claimOf(
        store,
        'payments',
        IMPOSTOR,
        'payments.',
        t(5),
      );
      expect(later).toMatchObject({
        result: 'taken',
        holder: { entityRef: PAYMENTS, claimedAt: t(0) },
      });
      expect(await claimOf(store, 'payments', PAYMENTS)).toMatchObject({
        result: 'held',
      });

      // A restart: a new store on the same database.
      const restarted = new NamespaceClaimStore(knex);
      expect(await restarted.get('payments')).toMatchObject({
        entityRef: PAYMENTS,
        claimedAt: t(0),
      });
      expect(
        await claimOf(restarted, 'payments', IMPOSTOR, 'payments.', t(9)),
      ).toMatchObject({ result: 'taken', holder: { entityRef: PAYMENTS } });
      expect(
        await knex('kafka_hub_namespace_claims').count({ n: '*' }),
      ).toEqual([{ n: expect.anything() }]);
      const rows = await knex('kafka_hub_namespace_claims').select(
        'application',
        'entity_ref',
      );
      expect(rows).toEqual([{ application: 'payments', entity_ref: PAYMENTS }]);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses a slug whose prefix overlaps a claimed one, either way round, %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      // Prefixes as an unsafe pattern (`{application}`) would make them.
      await claimOf(store, 'pay', PAYMENTS, 'pay');
      expect(await claimOf(store, 'pay-x', IMPOSTOR, 'pay-x')).toMatchObject({
        result: 'overlap',
        holder: { application: 'pay', prefix: 'pay', entityRef: PAYMENTS },
      });
      await claimOf(store, 'orders-eu', 'component:default/eu', 'orders-eu');
      expect(
        await claimOf(store, 'orders', 'component:default/o', 'orders'),
      ).toMatchObject({
        result: 'overlap',
        holder: { application: 'orders-eu' },
      });
      // LIKE wildcards in a prefix are plain characters here.
      await claimOf(store, 'a', 'component:default/a', 'team.a_');
      expect(
        await claimOf(store, 'ab', 'component:default/ab', 'team.ab_'),
      ).toMatchObject({ result: 'claimed' });
      expect(
        (await knex('kafka_hub_namespace_claims').orderBy('application')).map(
          r => r.application,
        ),
      ).toEqual(['a', 'ab', 'orders-eu', 'pay']);
    },
  );

  it.each(databases.eachSupportedId())(
    'marks a missing holder, releases only the claim it marked, and lets an admin release, %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      await claimOf(store, 'payments', PAYMENTS);
      await store.holderMissing({
        application: 'payments',
        entityRef: PAYMENTS,
        since: t(10),
      });
      // A second mark keeps the first time.
      await store.holderMissing({
        application: 'payments',
        entityRef: PAYMENTS,
        since: t(20),
      });
      expect((await store.get('payments'))?.holderMissingSince).toEqual(t(10));
      expect(
        await store.releaseMissing({
          application: 'payments',
          entityRef: PAYMENTS,
          missingSince: t(20),
        }),
      ).toBe(false);
      await store.holderPresent({
        application: 'payments',
        entityRef: PAYMENTS,
        prefix: 'payments.',
        ownerRef: 'group:default/team-payments',
      });
      expect(await store.get('payments')).toMatchObject({
        ownerRef: 'group:default/team-payments',
        holderMissingSince: undefined,
      });
      await store.holderMissing({
        application: 'payments',
        entityRef: PAYMENTS,
        since: t(30),
      });
      expect(
        await store.releaseMissing({
          application: 'payments',
          entityRef: PAYMENTS,
          missingSince: t(30),
        }),
      ).toBe(true);
      expect(await store.get('payments')).toBeUndefined();

      await claimOf(store, 'payments', IMPOSTOR);
      expect(await store.release('payments')).toMatchObject({
        entityRef: IMPOSTOR,
      });
      expect(await store.release('payments')).toBeUndefined();
      expect(await store.page({ limit: 10, offset: 0 })).toEqual({
        items: [],
        total: 0,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps link claims first come first served and link errors as given, %p',
    async databaseId => {
      const { knex } = await setup(databaseId);
      const links = new LinkClaimStore(knex);
      const key = {
        environment: 'dev',
        kind: 'consumer-group' as const,
        name: 'legacy-reader',
      };
      const first = await links.claim({
        ...key,
        entityRef: PAYMENTS,
        annotation: 'kafka.apache.org/consumer-groups',
        now: t(0),
      });
      const second = await links.claim({
        ...key,
        entityRef: IMPOSTOR,
        annotation: 'kafka-hub.io/consumer-groups',
        now: t(1),
      });
      expect(second).toEqual(first);
      expect(first).toMatchObject({
        entityRef: PAYMENTS,
        annotation: 'kafka.apache.org/consumer-groups',
      });
      expect(await links.release({ ...key, entityRef: IMPOSTOR })).toBe(false);
      expect(await links.release({ ...key, entityRef: PAYMENTS })).toBe(true);
      expect(await links.list()).toEqual([]);

      const errors = new LinkErrorStore(knex);
      const error = {
        annotation: 'kafka-hub.io/consumer-groups' as const,
        value: 'dev/payments.settlement',
        message: 'is inside the namespace',
      };
      await errors.replaceAll(new Map([[IMPOSTOR, [error]]]), t(0));
      await errors.replaceAll(
        new Map([
          [IMPOSTOR, [error]],
          [PAYMENTS, []],
        ]),
        t(5),
      );
      // Unchanged errors keep their time; entities without errors have no row.
      expect(await errors.page({ limit: 10, offset: 0 })).toEqual({
        items: [{ entityRef: IMPOSTOR, errors: [error], updatedAt: t(0) }],
        total: 1,
      });
      await errors.replaceAll(new Map(), t(6));
      expect(await errors.get(IMPOSTOR)).toBeUndefined();
    },
  );

  const postgresIds = databases
    .eachSupportedId()
    .filter(([id]) => id === 'POSTGRES_15');

  it('has PostgreSQL for the two-replica test when the test command provides it', () => {
    const required = process.env.KAFKA_HUB_REQUIRE_POSTGRES === 'true';
    expect(postgresIds.length > 0 || !required).toBe(true);
  });

  // A second Knex pool on the same database stands for a second replica.
  if (postgresIds.length > 0) {
    it.each(postgresIds)(
      'gives each slug exactly one holder when two Knex pools claim at once, %p',
      async databaseId => {
        const { knex, store } = await setup(databaseId);
        const replica: Knex = knexFactory({
          client: knex.client.config.client,
          connection: knex.client.config.connection,
          pool: { min: 0, max: 10 },
        });
        try {
          const replicaStore = new NamespaceClaimStore(replica);
          for (let round = 0; round < 10; round++) {
            const slug = `payments-${round}`;
            const outcomes = await Promise.all(
              Array.from({ length: 10 }, (_, i) =>
                claimOf(
                  i % 2 === 0 ? store : replicaStore,
                  slug,
                  `component:default/team-${i}`,
                ),
              ),
            );
            expect(outcomes.filter(o => o.result === 'claimed')).toHaveLength(
              1,
            );
            const holders = new Set(outcomes.map(o => o.holder.entityRef));
            expect(holders.size).toBe(1);
            const rows = await knex('kafka_hub_namespace_claims').where({
              application: slug,
            });
            expect(rows.map(r => r.entity_ref)).toEqual([...holders]);

            // Overlapping slugs (unsafe prefixes) at once: one wins.
            const overlapping = await Promise.all(
              [`x${round}`, `x${round}-a`, `x${round}-a-b`].map((s, i) =>
                claimOf(
                  i % 2 === 0 ? store : replicaStore,
                  s,
                  `component:default/${s}`,
                  s,
                ),
              ),
            );
            expect(
              overlapping.filter(o => o.result === 'claimed'),
            ).toHaveLength(1);
            expect(
              await knex('kafka_hub_namespace_claims')
                .where('application', 'like', `x${round}%`)
                .count({ n: '*' }),
            ).toEqual([{ n: '1' }]);
          }
        } finally {
          await replica.destroy();
        }
      },
    );
  }
});
