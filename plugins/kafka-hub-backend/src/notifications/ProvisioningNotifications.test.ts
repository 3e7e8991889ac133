import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ProvisioningStatus } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { migrationsDir } from '../database/migrations';
import { NotificationStreakStore } from '../database/notifications/NotificationStreakStore';
import { testDatabaseIds } from '../testUtils/testServices';
import { OwnerNotifier } from './OwnerNotifier';
import { ProvisioningNotifications } from './ProvisioningNotifications';
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
});
