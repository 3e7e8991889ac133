import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  DefinitivePolicyDecision,
} from '@backstage/plugin-permission-common';
import request from 'supertest';
import { kafkaEntity } from '../claims/__testUtils__/claims';
import { ClaimResolver } from '../claims';
import { migrationsDir } from '../database/migrations';
import { NamespaceClaimStore } from '../database/claims';
import { kafkaHubPlugin } from '../plugin';
import { testDatabaseIds } from '../testUtils/testServices';

jest.setTimeout(60_000);

const ADMIN = 'user:default/pat';
const ALICE = 'user:default/alice'; // team-orders
const BOB = 'user:default/bob'; // team-payments

const DAY = 86_400_000;
const T0 = new Date(Date.UTC(2026, 11, 1, 12));

const payments = kafkaEntity('payments-service', {
  team: 'team-payments',
  application: 'payments',
});
const impostor = kafkaEntity('orders-impostor', {
  team: 'team-orders',
  application: 'payments',
  consumerGroups: [
    {
      environment: 'dev',
      groupId: 'payments.settlement',
      source: 'kafka-hub.io/consumer-groups',
    },
  ],
});
const orders = kafkaEntity('orders-service', {
  team: 'team-orders',
  application: 'orders',
  schemaSubjects: [
    { environment: 'dev', subject: 'payments.authorized-value' },
  ],
});

const owners: Record<string, string> = {
  [impostor.entityRef]: ALICE,
  [orders.entityRef]: ALICE,
  [payments.entityRef]: BOB,
};

/** Admins get everything, users the entity permissions on what they own. */
const ownerPolicy = mockServices.permissions.mock({
  authorize: async (requests, options) => {
    const user = (
      (options as { credentials: BackstageCredentials }).credentials
        .principal as BackstageUserPrincipal
    ).userEntityRef;
    return requests.map((req): DefinitivePolicyDecision => {
      if (user === ADMIN) return { result: AuthorizeResult.ALLOW };
      const resourceRef = (req as { resourceRef?: string }).resourceRef;
      return {
        result:
          resourceRef !== undefined && owners[resourceRef] === user
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      };
    });
  },
});

const auditor = mockServices.auditor.mock();

describe('claim routes', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const events: Array<{
    eventId: string;
    meta?: unknown;
    outcome?: 'success' | 'fail';
    outcomeMeta?: unknown;
  }> = [];

  beforeEach(() => {
    events.length = 0;
    auditor.createEvent.mockImplementation(async options => {
      const event: (typeof events)[number] = {
        eventId: options.eventId,
        meta: options.meta,
      };
      events.push(event);
      return {
        success: async (o?: { meta?: unknown }) => {
          event.outcome = 'success';
          event.outcomeMeta = o?.meta;
        },
        fail: async () => {
          event.outcome = 'fail';
        },
      };
    });
  });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    // Claims as reconcile records them: payments holds its slug, then
    // goes missing a day later.
    const resolver = new ClaimResolver({
      db: knex,
      releaseAfterMs: 7 * DAY,
      logger: mockServices.logger.mock(),
    });
    await resolver.resolve([payments, orders], T0);
    await resolver.resolve([impostor, orders], new Date(T0.getTime() + DAY));
    const { server } = await startTestBackend({
      features: [
        kafkaHubPlugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: { kafkaHub: { claims: { releaseAfter: { days: 7 } } } },
        }),
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        catalogServiceMock.factory({ entities: [] }),
        ownerPolicy.factory,
        auditor.factory,
      ],
    });
    return { knex, server, claims: new NamespaceClaimStore(knex) };
  }

  const as = (user: string) => ({
    Authorization: mockCredentials.user.header(user),
  });

  it.each(databases.eachSupportedId())(
    'lists the namespace claims for admins only, paged, with when a missing holder loses its claim, %p',
    async databaseId => {
      const { server } = await setup(databaseId);
      const listed = await request(server)
        .get('/api/kafka-hub/admin/claims')
        .set(as(ADMIN));
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual({
        items: [
          {
            application: 'orders',
            prefix: 'orders.',
            entityRef: orders.entityRef,
            ownerRef: 'group:default/team-orders',
            claimedAt: T0.toISOString(),
          },
          {
            application: 'payments',
            prefix: 'payments.',
            entityRef: payments.entityRef,
            ownerRef: 'group:default/team-payments',
            claimedAt: T0.toISOString(),
            holderMissingSince: new Date(T0.getTime() + DAY).toISOString(),
            releasesAt: new Date(T0.getTime() + 8 * DAY).toISOString(),
          },
        ],
        total: 2,
        limit: 50,
        offset: 0,
      });
      const page = await request(server)
        .get('/api/kafka-hub/admin/claims?limit=1&offset=1')
        .set(as(ADMIN));
      expect(page.body).toMatchObject({
        items: [{ application: 'payments' }],
        total: 2,
        limit: 1,
        offset: 1,
      });
      const badLimit = await request(server)
        .get('/api/kafka-hub/admin/claims?limit=0')
        .set(as(ADMIN));
      expect(badLimit.status).toBe(400);
      expect(badLimit.body.error.message).toBe(
        'request/query/limit must be >= 1',
      );
      for (const user of [ALICE, BOB]) {
        const denied = await request(server)
          .get('/api/kafka-hub/admin/claims')
          .set(as(user));
        expect(denied.status).toBe(403);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'releases a claim for an admin only, and audits who tried, %p',
    async databaseId => {
      const { server, claims } = await setup(databaseId);
      const denied = await request(server)
        .delete('/api/kafka-hub/admin/claims/payments')
        .set(as(ALICE));
      expect(denied.status).toBe(403);
      expect(await claims.get('payments')).toMatchObject({
        entityRef: payments.entityRef,
      });
      expect(events).toEqual([
        {
          eventId: 'namespace-claim-release',
          meta: { application: 'payments' },
          outcome: 'fail',
        },
      ]);

      const released = await request(server)
        .delete('/api/kafka-hub/admin/claims/payments')
        .set(as(ADMIN));
      expect(released.status).toBe(200);
      expect(released.body.released).toMatchObject({
        application: 'payments',
        entityRef: payments.entityRef,
      });
      expect(await claims.get('payments')).toBeUndefined();
      expect(events[1]).toEqual({
        eventId: 'namespace-claim-release',
        meta: { application: 'payments' },
        outcome: 'success',
        outcomeMeta: {
          holder: payments.entityRef,
          owner: 'group:default/team-payments',
          claimedAt: T0.toISOString(),
        },
      });

      const again = await request(server)
        .delete('/api/kafka-hub/admin/claims/payments')
        .set(as(ADMIN));
      expect(again.status).toBe(404);
      expect(again.body.error.message).toBe('No namespace claim of "payments"');
      // A malformed slug breaks the contract: refused before the handler,
      // it releases nothing, so there is no attempt to audit.
      const bad = await request(server)
        .delete('/api/kafka-hub/admin/claims/Not_A_Slug')
        .set(as(ADMIN));
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toBe(
        'request/params/application must be an application slug (a lower-case letter followed by at most 62 lower-case letters, digits or hyphens)',
      );
      expect(events.map(e => e.outcome)).toEqual(['fail', 'success', 'fail']);
    },
  );

  it.each(databases.eachSupportedId())(
    "shows an entity's link errors to whoever may read it; to anyone else it does not exist, %p",
    async databaseId => {
      const { server } = await setup(databaseId);
      const path = (ref: string) =>
        `/api/kafka-hub/link-errors/${encodeURIComponent(ref)}`;

      ownerPolicy.authorize.mockClear();
      const own = await request(server)
        .get(path(orders.entityRef))
        .set(as(ALICE));
      expect(own.status).toBe(200);
      // Admin read and the entity's read permission in one call.
      expect(ownerPolicy.authorize).toHaveBeenCalledTimes(1);
      expect(own.body).toEqual({
        entityRef: orders.entityRef,
        updatedAt: T0.toISOString(),
        errors: [
          {
            annotation: 'kafka-hub.io/schema-subjects',
            value: 'dev/payments.authorized-value',
            message:
              'is inside the namespace "payments." of application "payments", claimed by component:default/payments-service (owner group:default/team-payments); link annotations only reach names outside every claimed namespace',
          },
        ],
      });
      const none = await request(server)
        .get(path(payments.entityRef))
        .set(as(BOB));
      expect(none.body).toEqual({ entityRef: payments.entityRef, errors: [] });

      const forbidden = await request(server)
        .get(path(orders.entityRef))
        .set(as(BOB));
      const missing = await request(server)
        .get(path('component:default/nope'))
        .set(as(BOB));
      expect(forbidden.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(forbidden.body.error).toEqual({
        name: 'NotFoundError',
        message: `No Kafka Hub entity ${orders.entityRef}`,
      });
      expect(missing.body.error).toEqual({
        name: 'NotFoundError',
        message: 'No Kafka Hub entity component:default/nope',
      });

      const all = await request(server)
        .get('/api/kafka-hub/admin/link-errors')
        .set(as(ADMIN));
      // The impostor that lost the payments slug names its link into it too.
      expect(all.body).toMatchObject({
        items: [
          {
            entityRef: impostor.entityRef,
            errors: [
              {
                annotation: 'kafka-hub.io/consumer-groups',
                value: 'dev/payments.settlement',
              },
            ],
          },
          { entityRef: orders.entityRef },
        ],
        total: 2,
      });
      const notAdmin = await request(server)
        .get('/api/kafka-hub/admin/link-errors')
        .set(as(ALICE));
      expect(notAdmin.status).toBe(403);
    },
  );
});
