import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { KafkaEntity } from '../catalog/KafkaEntitiesReader';
import {
  LinkClaimStore,
  LinkErrorStore,
  NamespaceClaimStore,
} from '../database/claims';
import { migrationsDir } from '../database/migrations';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import { testDatabaseIds } from '../testUtils/testServices';
import { kafkaEntity } from './__testUtils__/claims';
import { ClaimReader } from './ClaimSet';
import { ClaimResolver } from './ClaimResolver';

jest.setTimeout(60_000);

const DAY = 86_400_000;
const T0 = new Date(Date.UTC(2026, 11, 1, 12));
const at = (ms: number) => new Date(T0.getTime() + ms);

const payments = kafkaEntity('payments-service', {
  team: 'team-payments',
  application: 'payments',
});
// Sorts before payments-service: sort order must not decide.
const impostor = kafkaEntity('a-orders-impostor', {
  team: 'team-orders',
  application: 'payments',
});

describe('ClaimResolver', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const resolver = () =>
      new ClaimResolver({
        db: knex,
        releaseAfterMs: 7 * DAY,
        logger: mockServices.logger.mock(),
      });
    return {
      knex,
      resolver,
      namespaces: new NamespaceClaimStore(knex),
      links: new LinkClaimStore(knex),
      linkErrors: new LinkErrorStore(knex),
      claims: new ClaimReader(knex),
    };
  }

  /** Records the entity's application the way reconcile does, at `now`. */
  const recordApplication = (
    store: ProvisioningStore,
    entity: KafkaEntity,
    now: Date,
  ) =>
    store.upsertDesired({
      entityRef: entity.entityRef,
      application: entity.application!,
      ownerRef: entity.ownerRef,
      desiredState: { environments: ['dev'], topics: [] },
      desiredStateHash: `hash-${entity.entityRef}`,
      now,
    });

  it.each(databases.eachSupportedId())(
    'gives a slug to the entity recorded first and names the holder and its owner to the other, after a restart too, %p',
    async databaseId => {
      const { knex, resolver, namespaces } = await setup(databaseId);
      // Both recorded before claims existed (an upgrade): payments first.
      const store = new ProvisioningStore(knex);
      await recordApplication(store, payments, at(0));
      await recordApplication(store, impostor, at(1000));

      const verdicts = await resolver().resolve([impostor, payments], at(5000));
      expect(verdicts.errorsOf(payments.entityRef)).toEqual([]);
      expect(verdicts.errorsOf(impostor.entityRef)).toEqual([
        {
          annotation: 'kafka-hub.io/application',
          value: 'payments',
          message: `is claimed by component:default/payments-service (owner group:default/team-payments) since ${at(
            5000,
          ).toISOString()}; this entity is not provisioned and links nothing`,
        },
      ]);

      // A restart, with the catalog listing them the other way round.
      const again = await resolver().resolve([payments, impostor], at(9000));
      expect(again.errorsOf(impostor.entityRef)[0].message).toContain(
        'is claimed by component:default/payments-service',
      );
      expect(await namespaces.list()).toEqual([
        {
          application: 'payments',
          prefix: 'payments.',
          entityRef: payments.entityRef,
          ownerRef: 'group:default/team-payments',
          claimedAt: at(5000),
          holderMissingSince: undefined,
        },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'releases a claim only after its holder has been missing for the grace period, %p',
    async databaseId => {
      const { resolver, namespaces } = await setup(databaseId);
      const r = resolver();
      const holderOf = async () =>
        (await namespaces.get('payments'))?.entityRef;
      await r.resolve([payments], at(0));

      // Gone from the catalog: the grace period starts.
      let verdicts = await r.resolve([impostor], at(DAY));
      expect(verdicts.errorsOf(impostor.entityRef)).toHaveLength(1);
      expect((await namespaces.get('payments'))?.holderMissingSince).toEqual(
        at(DAY),
      );
      verdicts = await r.resolve([impostor], at(8 * DAY - 1));
      expect(verdicts.errorsOf(impostor.entityRef)).toHaveLength(1);

      // Back in time: the clock stops.
      await r.resolve([payments, impostor], at(8 * DAY));
      expect(await namespaces.get('payments')).toMatchObject({
        entityRef: payments.entityRef,
        holderMissingSince: undefined,
      });

      // Declaring another slug counts as missing too.
      const renamed = {
        ...payments,
        application: 'billing',
        prefix: 'billing.',
      };
      await r.resolve([renamed, impostor], at(9 * DAY));
      expect((await namespaces.get('payments'))?.holderMissingSince).toEqual(
        at(9 * DAY),
      );
      expect(await holderOf()).toBe(payments.entityRef);
      verdicts = await r.resolve([renamed, impostor], at(16 * DAY));
      expect(verdicts.errorsOf(impostor.entityRef)).toEqual([]);
      expect(await holderOf()).toBe(impostor.entityRef);
      expect((await namespaces.get('billing'))?.entityRef).toBe(
        payments.entityRef,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'starts no grace clock for a holder missing from a catalog read too short to trust, %p',
    async databaseId => {
      const { resolver, namespaces } = await setup(databaseId);
      const r = resolver();
      await r.resolve([payments], at(0));

      // The reconcile refused its removals: the read may be incomplete.
      let verdicts = await r.resolve([impostor], at(DAY), {
        catalogIncomplete: true,
      });
      expect(verdicts.errorsOf(impostor.entityRef)).toHaveLength(1);
      expect(await namespaces.get('payments')).toMatchObject({
        entityRef: payments.entityRef,
        holderMissingSince: undefined,
      });

      // Still so long after the grace period: the claim stays.
      verdicts = await r.resolve([impostor], at(30 * DAY), {
        catalogIncomplete: true,
      });
      expect(verdicts.errorsOf(impostor.entityRef)).toHaveLength(1);
      expect((await namespaces.get('payments'))?.entityRef).toBe(
        payments.entityRef,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    "links nothing into another entity's namespace: each such annotation is a link error on the entity that made it, %p",
    async databaseId => {
      const { resolver, links, linkErrors, claims } = await setup(databaseId);
      const orders = kafkaEntity('orders-service', {
        team: 'team-orders',
        application: 'orders',
        consumerGroups: [
          {
            environment: 'dev',
            groupId: 'payments.settlement',
            source: 'kafka-hub.io/consumer-groups',
          },
          {
            environment: 'dev',
            groupId: 'payments.legacy',
            source: 'kafka.apache.org/consumer-groups',
          },
          // Its own namespace: fine, and needs no claim.
          {
            environment: 'dev',
            groupId: 'orders.reader',
            source: 'kafka-hub.io/consumer-groups',
          },
        ],
        schemaSubjects: [
          { environment: 'dev', subject: 'payments.authorized-value' },
        ],
      });
      const verdicts = await resolver().resolve([payments, orders], at(0));
      // Link errors never block provisioning.
      expect(verdicts.errorsOf(orders.entityRef)).toEqual([]);
      const inside = `is inside the namespace "payments." of application "payments", claimed by component:default/payments-service (owner group:default/team-payments); link annotations only reach names outside every claimed namespace`;
      expect(await linkErrors.get(orders.entityRef)).toEqual({
        entityRef: orders.entityRef,
        updatedAt: at(0),
        errors: [
          {
            annotation: 'kafka-hub.io/consumer-groups',
            value: 'dev/payments.settlement',
            message: inside,
          },
          {
            annotation: 'kafka-hub.io/schema-subjects',
            value: 'dev/payments.authorized-value',
            message: inside,
          },
          {
            annotation: 'kafka.apache.org/consumer-groups',
            value: 'dev/payments.legacy',
            message: inside,
          },
        ],
      });
      expect(await links.list()).toEqual([]);
      const set = await claims.read();
      expect(
        set.linkOf('dev', 'consumer-group', 'payments.settlement'),
      ).toEqual({ entityRef: payments.entityRef, linkedBy: 'prefix' });
      expect(
        set.linkOf('dev', 'schema-subject', 'payments.authorized-value'),
      ).toEqual({ entityRef: payments.entityRef, linkedBy: 'prefix' });

      // Fixed annotations clear the errors.
      await resolver().resolve(
        [
          payments,
          {
            ...orders,
            annotations: {
              ...orders.annotations,
              consumerGroups: [],
              schemaSubjects: [],
            },
          },
        ],
        at(1000),
      );
      expect(await linkErrors.get(orders.entityRef)).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    "names the impostor's links into the namespace it lost as link errors, and lets it claim no name outside, %p",
    async databaseId => {
      const { resolver, links, linkErrors } = await setup(databaseId);
      const sidecar = kafkaEntity('payments-sidecar', {
        team: 'team-orders',
        application: 'payments',
        consumerGroups: [
          {
            environment: 'dev',
            groupId: 'payments.settlement',
            source: 'kafka-hub.io/consumer-groups',
          },
          {
            environment: 'dev',
            groupId: 'legacy-reader',
            source: 'kafka-hub.io/consumer-groups',
          },
        ],
      });
      await resolver().resolve([payments], at(0));
      await resolver().resolve([payments, sidecar], at(1000));
      expect((await linkErrors.get(sidecar.entityRef))?.errors).toEqual([
        {
          annotation: 'kafka-hub.io/consumer-groups',
          value: 'dev/payments.settlement',
          message: `is inside the namespace "payments." of application "payments", claimed by component:default/payments-service (owner group:default/team-payments); link annotations only reach names outside every claimed namespace`,
        },
      ]);
      // It links nothing: not even a name outside every namespace.
      expect(await links.list()).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'gives a name outside every namespace to the first entity that links it; the next sees an error until the holder lets go, %p',
    async databaseId => {
      const { resolver, links, linkErrors, claims } = await setup(databaseId);
      const legacyGroup = {
        environment: 'dev',
        groupId: 'legacy.reader',
        source: 'kafka.apache.org/consumer-groups' as const,
      };
      const money = { environment: 'dev', subject: 'com.acme.money-value' };
      const billing = kafkaEntity('billing', {
        team: 'team-billing',
        consumerGroups: [legacyGroup],
        schemaSubjects: [money],
      });
      const thief = kafkaEntity('a-thief', {
        team: 'team-orders',
        consumerGroups: [
          { ...legacyGroup, source: 'kafka-hub.io/consumer-groups' },
        ],
        schemaSubjects: [money],
      });
      const r = resolver();
      await r.resolve([billing], at(0));
      await r.resolve([thief, billing], at(1000));
      expect((await linkErrors.get(thief.entityRef))?.errors).toEqual([
        {
          annotation: 'kafka-hub.io/consumer-groups',
          value: 'dev/legacy.reader',
          message: `is linked by component:default/billing (owner group:default/team-billing) through kafka.apache.org/consumer-groups since ${at(
            0,
          ).toISOString()}; the first entity to link a name keeps it`,
        },
        {
          annotation: 'kafka-hub.io/schema-subjects',
          value: 'dev/com.acme.money-value',
          message: `is linked by component:default/billing (owner group:default/team-billing) through kafka-hub.io/schema-subjects since ${at(
            0,
          ).toISOString()}; the first entity to link a name keeps it`,
        },
      ]);
      expect(await linkErrors.get(billing.entityRef)).toBeUndefined();
      let set = await claims.read();
      expect(set.linkOf('dev', 'consumer-group', 'legacy.reader')).toEqual({
        entityRef: billing.entityRef,
        linkedBy: 'kafka.apache.org/consumer-groups',
      });
      expect(
        set.linkOf('dev', 'schema-subject', 'com.acme.money-value'),
      ).toEqual({
        entityRef: billing.entityRef,
        linkedBy: 'kafka-hub.io/schema-subjects',
      });

      // The holder drops its annotations: the next entity gets the names.
      const plainBilling = kafkaEntity('billing', { team: 'team-billing' });
      await r.resolve([thief, plainBilling], at(2000));
      expect(await linkErrors.get(thief.entityRef)).toBeUndefined();
      set = await claims.read();
      expect(set.linkOf('dev', 'consumer-group', 'legacy.reader')).toEqual({
        entityRef: thief.entityRef,
        linkedBy: 'kafka-hub.io/consumer-groups',
      });

      // An entity that lost its namespace claim links nothing.
      const loser = kafkaEntity('loser', {
        team: 'team-orders',
        application: 'payments',
        consumerGroups: [
          {
            environment: 'dev',
            groupId: 'free-name',
            source: 'kafka-hub.io/consumer-groups',
          },
        ],
      });
      await r.resolve([payments, thief], at(2500));
      await r.resolve([payments, thief, loser], at(3000));
      expect(
        (await links.list()).map(l => `${l.kind}:${l.name}:${l.entityRef}`),
      ).toEqual([
        `consumer-group:legacy.reader:${thief.entityRef}`,
        `schema-subject:com.acme.money-value:${thief.entityRef}`,
      ]);

      // Namespaces claimed later take their names from the link claims,
      // and naming them becomes an error.
      const legacy = kafkaEntity('legacy', {
        team: 'team-legacy',
        application: 'legacy',
      });
      const com = kafkaEntity('com', { team: 'team-acme', application: 'com' });
      await r.resolve([thief, legacy, com], at(4000));
      expect(await links.list()).toEqual([]);
      expect(
        (await linkErrors.get(thief.entityRef))?.errors.map(e => [
          e.value,
          e.message.slice(0, e.message.indexOf(',')),
        ]),
      ).toEqual([
        [
          'dev/legacy.reader',
          'is inside the namespace "legacy." of application "legacy"',
        ],
        [
          'dev/com.acme.money-value',
          'is inside the namespace "com." of application "com"',
        ],
      ]);
      set = await claims.read();
      expect(set.linkOf('dev', 'consumer-group', 'legacy.reader')).toEqual({
        entityRef: legacy.entityRef,
        linkedBy: 'prefix',
      });
    },
  );
});
