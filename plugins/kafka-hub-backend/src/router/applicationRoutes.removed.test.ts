import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { KafkaApplicationDetail } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import request from 'supertest';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import { kafkaHubPlugin } from '../plugin';
import { testDatabaseIds, testServices } from '../testUtils/testServices';

jest.setTimeout(60_000);

const ADMIN = 'user:default/pat';
const KEPT = 'component:default/orders';
const GONE = 'component:default/legacy';

const userOf = (options: unknown) =>
  (
    (options as { credentials: BackstageCredentials }).credentials
      .principal as BackstageUserPrincipal
  ).userEntityRef;

/** Admins get everything, everyone else nothing. */
const adminOnly = mockServices.permissions.mock({
  authorize: async (requests, options) =>
    requests.map(() => ({
      result:
        userOf(options) === ADMIN
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    })),
  authorizeConditional: async (requests, options) =>
    requests.map(() => ({
      result:
        userOf(options) === ADMIN
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    })),
});

describe('application routes for a removed application', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  it.each(databases.eachSupportedId())(
    'leave it out of lists, show it to an admin by ref with removedAt, and refuse to retry it, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          kafkaHubPlugin,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              kafkaHub: {
                environments: {
                  dev: { kafka: { brokers: testServices.deadBrokers } },
                },
              },
            },
          }),
          mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
          catalogServiceMock.factory({ entities: [] }),
          adminOnly.factory,
          mockServices.auditor.factory(),
        ],
      });
      const store = new ProvisioningStore(knex);
      const now = new Date();
      for (const entityRef of [KEPT, GONE]) {
        await store.upsertDesired({
          entityRef,
          application: entityRef.split('/')[1],
          desiredState: { environments: ['dev'], topics: [{ name: 'x' }] },
          desiredStateHash: 'h1',
          now,
        });
      }
      await store.markRemoved([GONE], now);
      const as = (user: string) => ({
        Authorization: mockCredentials.user.header(user),
      });
      const path = (entityRef: string, suffix = '') =>
        `/api/kafka-hub/applications/${encodeURIComponent(entityRef)}${suffix}`;

      const list = await request(server)
        .get('/api/kafka-hub/applications')
        .set(as(ADMIN));
      expect(list.status).toBe(200);
      expect(
        list.body.items.map((a: { entityRef: string }) => a.entityRef),
      ).toEqual([KEPT]);

      const detail = await request(server).get(path(GONE)).set(as(ADMIN));
      expect(detail.status).toBe(200);
      const body: KafkaApplicationDetail = detail.body;
      expect(body.removedAt).toBe(now.toISOString());
      const kept = await request(server).get(path(KEPT)).set(as(ADMIN));
      expect(kept.body.removedAt).toBeUndefined();

      const retry = await request(server)
        .post(path(GONE, '/retry'))
        .set(as(ADMIN));
      expect(retry.status).toBe(409);
      expect(retry.body.error.message).toBe(
        `${GONE} left the catalog at ${now.toISOString()}; a removed application is not provisioned until its entity is back`,
      );
      expect(
        await knex('kafka_hub_provisioning_runs').where({ entity_ref: GONE }),
      ).toEqual([]);
    },
  );
});
