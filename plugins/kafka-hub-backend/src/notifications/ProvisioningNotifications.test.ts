import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ProvisioningStatus } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { migrationsDir } from '../database/migrations';
import { NotificationStreakStore } from '../database/notifications/NotificationStreakStore';
import { testDatabaseIds } from '../testUtils/testServices';
import { OwnerNotifier } from './OwnerNotifier';
import { ProvisioningNotifications } from './ProvisioningNotifications';
import { RESEND_AFTER_MS } from './GroupStatusNotifications';
import { RecordingNotifications } from './__testUtils__/recordingNotifications';

jest.setTimeout(60_000);

const CHECKOUT = 'component:default/checkout';

describe('ProvisioningNotifications', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  it.each(databases.eachSupportedId())(
    'tells the owners once per failure streak, whichever replica recorded the run, and when it recovered (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const notifications = new RecordingNotifications();
      const replicas = [0, 1].map(
        () =>
          new ProvisioningNotifications({
            streaks: new NotificationStreakStore(knex),
            notifier: new OwnerNotifier(
              notifications,
              mockServices.logger.mock(),
            ),
          }),
      );
      let run = 0;
      const ended = (status: ProvisioningStatus, error?: string) =>
        replicas[run++ % 2].runEnded({
          entityRef: CHECKOUT,
          application: 'checkout',
          status,
          error,
        });

      await ended('completed');
      expect(notifications.sent).toEqual([]);
      await ended(
        'partial',
        'stage: TOPIC_AUTHORIZATION_FAILED\n  at createTopics (engine.ts:88)',
      );
      await ended('failed', 'prod: Connection refused');
      await ended('partial', 'stage: TOPIC_AUTHORIZATION_FAILED');
      await ended('in_progress');
      await ended('completed');
      await ended('completed');
      await ended('failed', 'dev: broker down');
      expect(notifications.lines()).toEqual([
        `${CHECKOUT}: Kafka provisioning of checkout partly failed [high]`,
        `${CHECKOUT}: Kafka provisioning of checkout recovered [low]`,
        `${CHECKOUT}: Kafka provisioning of checkout failed [high]`,
      ]);
      // Owners read the first line, as on the Kafka tab.
      expect(notifications.sent[0].payload).toMatchObject({
        description: 'stage: TOPIC_AUTHORIZATION_FAILED',
        link: '/catalog/default/component/checkout/kafka',
        scope: `kafka-hub:provisioning:${CHECKOUT}`,
      });
      expect(notifications.sent[0].recipients).toEqual({
        type: 'entity',
        entityRef: CHECKOUT,
      });
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'a failure told while the notifications backend is down is sent again by a run after the resend delay, once (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const notifications = new RecordingNotifications();
      let nowMs = Date.UTC(2026, 11, 2, 12);
      const replicas = [0, 1].map(
        () =>
          new ProvisioningNotifications({
            streaks: new NotificationStreakStore(knex),
            notifier: new OwnerNotifier(
              notifications,
              mockServices.logger.mock(),
            ),
            now: () => new Date(nowMs),
          }),
      );
      const ended = (status: ProvisioningStatus, entityRef = CHECKOUT) =>
        Promise.all(
          replicas.map(r =>
            r.runEnded({
              entityRef,
              application: entityRef.split('/')[1],
              status,
              error: 'prod: Connection refused',
            }),
          ),
        );

      notifications.failWith = new Error('HTTP 502');
      await ended('failed');
      notifications.failWith = undefined;
      nowMs += 1000;
      await ended('failed');
      expect(notifications.sent).toEqual([]);

      // Another application's run, after the delay, sends it.
      nowMs += RESEND_AFTER_MS;
      await ended('completed', 'component:default/orders');
      expect(notifications.lines()).toEqual([
        `${CHECKOUT}: Kafka provisioning of checkout failed [high]`,
      ]);
      nowMs += RESEND_AFTER_MS;
      await ended('failed');
      expect(notifications.sent).toHaveLength(1);
      await knex.destroy();
    },
  );
});
