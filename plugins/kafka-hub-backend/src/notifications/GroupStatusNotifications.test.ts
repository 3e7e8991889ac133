import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConsumerGroupStatus } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { migrationsDir } from '../database/migrations';
import { NotificationStreakStore } from '../database/notifications/NotificationStreakStore';
import { testDatabaseIds } from '../testUtils/testServices';
import {
  GroupStatusNotifications,
  RESEND_AFTER_MS,
} from './GroupStatusNotifications';
import { OwnerNotifier } from './OwnerNotifier';
import { RecordingNotifications } from './__testUtils__/recordingNotifications';

jest.setTimeout(60_000);

const ORDERS = 'component:default/orders-service';
const WINDOW = 4;

describe('GroupStatusNotifications', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const notifications = new RecordingNotifications();
    const logger = mockServices.logger.mock();
    // Two replicas observing the same samples.
    let sampledAtMs = Date.UTC(2026, 11, 2, 12);
    const replica = () =>
      new GroupStatusNotifications({
        streaks: new NotificationStreakStore(knex),
        notifier: new OwnerNotifier(notifications, logger),
        statuses: ['STOP', 'STALL', 'REWIND'],
        statusWindow: WINDOW,
        // The replicas' clocks: the time of the latest sample.
        now: () => new Date(sampledAtMs),
      });
    const replicas = [replica(), replica()];
    /** Lets time pass without a sample. */
    const wait = (ms: number) => {
      sampledAtMs += ms;
    };
    /**
     * One sample of orders.fulfilment, seen by both replicas at once (a
     * sample task taken over mid-way may be), one second after the last.
     */
    const sample = (status: ConsumerGroupStatus, environment = 'dev') => {
      sampledAtMs += 1000;
      return Promise.all(
        replicas.map(r =>
          r.sampled(environment, sampledAtMs, [
            {
              groupId: 'orders.fulfilment',
              entityRef: ORDERS,
              status,
              statusReason: `reason for ${status}`,
            },
            // Unlinked: nobody to tell.
            { groupId: 'legacy.consumer', status, statusReason: 'x' },
          ]),
        ),
      );
    };
    return { knex, notifications, logger, sample, wait };
  }

  it.each(databases.eachSupportedId())(
    'tells the owners once when a group enters STOP, nothing while it flaps within the window, once when it recovered (%p)',
    async databaseId => {
      const { knex, notifications, sample } = await setUp(databaseId);
      await sample('OK');
      await sample('WARN');
      expect(notifications.sent).toEqual([]);

      await sample('STOP');
      await sample('STOP');
      // Flapping: fewer good samples in a row than the window.
      for (const status of [
        'OK',
        'OK',
        'STALL',
        'OK',
        'WARN',
        'OK',
        'STOP',
      ] as const) {
        await sample(status);
      }
      expect(notifications.lines()).toEqual([
        `${ORDERS}: Consumer group orders.fulfilment (dev) is STOP [high]`,
      ]);
      expect(notifications.sent[0].payload).toMatchObject({
        description: 'reason for STOP',
        link: '/catalog/default/component/orders-service/consumer-groups',
        topic: 'Kafka consumer groups',
        scope: 'kafka-hub:consumer-group:dev:orders.fulfilment',
      });

      for (let i = 0; i < WINDOW; i++) await sample('OK');
      await sample('OK');
      expect(notifications.lines()).toEqual([
        `${ORDERS}: Consumer group orders.fulfilment (dev) is STOP [high]`,
        `${ORDERS}: Consumer group orders.fulfilment (dev) recovered: OK [low]`,
      ]);

      // The same group id in another environment is another group.
      await sample('REWIND', 'prod');
      expect(notifications.lines().at(-1)).toBe(
        `${ORDERS}: Consumer group orders.fulfilment (prod) is REWIND [normal]`,
      );
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'a send that fails is logged and sent again, once, by a sample after the resend delay (%p)',
    async databaseId => {
      const { knex, notifications, logger, sample, wait } = await setUp(
        databaseId,
      );
      notifications.failWith = new Error('HTTP 503 from notifications');
      await sample('STOP');
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          `Could not notify the owners of ${ORDERS} ("Consumer group orders.fulfilment (dev) is STOP"): HTTP 503 from notifications`,
        ),
      );
      notifications.failWith = undefined;
      // Within the delay the send may still be under way on another replica.
      await sample('STOP');
      expect(notifications.sent).toEqual([]);

      wait(RESEND_AFTER_MS);
      await sample('STOP');
      expect(notifications.lines()).toEqual([
        `${ORDERS}: Consumer group orders.fulfilment (dev) is STOP [high]`,
      ]);
      // Sent: never again, however long.
      wait(RESEND_AFTER_MS);
      await sample('STOP');
      expect(notifications.sent).toHaveLength(1);

      // A recovery told while the backend is down is sent again too.
      notifications.failWith = new Error('HTTP 503 from notifications');
      for (let i = 0; i < WINDOW; i++) await sample('OK');
      notifications.failWith = undefined;
      wait(RESEND_AFTER_MS);
      await sample('OK');
      expect(notifications.lines()).toEqual([
        `${ORDERS}: Consumer group orders.fulfilment (dev) is STOP [high]`,
        `${ORDERS}: Consumer group orders.fulfilment (dev) recovered: OK [low]`,
      ]);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'a cluster-wide stall tells each application once, naming its groups, and 2,000 groups start their streaks in a few statements (%p)',
    async databaseId => {
      const { knex, notifications } = await setUp(databaseId);
      const queries: string[] = [];
      knex.on('query', (q: { sql: string }) => queries.push(q.sql));
      const notifier = new GroupStatusNotifications({
        streaks: new NotificationStreakStore(knex),
        notifier: new OwnerNotifier(notifications, mockServices.logger.mock()),
        statuses: ['STOP', 'STALL', 'REWIND'],
        statusWindow: WINDOW,
      });
      const PAYMENTS = 'component:default/payments';
      const stalled = [
        // 1,999 groups of orders-service, and one of payments.
        ...Array.from({ length: 1_999 }, (_, i) => ({
          groupId: `orders.worker-${String(i).padStart(4, '0')}`,
          entityRef: ORDERS,
          status: (i % 2 ? 'STALL' : 'STOP') as ConsumerGroupStatus,
        })),
        { groupId: 'payments.ledger', entityRef: PAYMENTS, status: 'STOP' },
      ] as const;
      await notifier.sampled('prod', Date.UTC(2026, 11, 2, 12), stalled);

      expect(notifications.lines().sort()).toEqual([
        `${ORDERS}: 1999 consumer groups of ${ORDERS} (prod) are STALL or STOP [high]`,
        `${PAYMENTS}: Consumer group payments.ledger (prod) is STOP [high]`,
      ]);
      const summary = notifications.sent.find(n =>
        n.payload.title.startsWith('1999'),
      )!;
      expect(summary.payload.description).toBe(
        `Groups: ${Array.from(
          { length: 10 },
          (_, i) => `orders.worker-${String(i).padStart(4, '0')}`,
        ).join(', ')} and 1989 more.`,
      );
      expect(summary.payload.scope).toBe(
        `kafka-hub:consumer-groups:prod:${ORDERS}:entered`,
      );
      const writes = queries.filter(q => /^(insert|update)/i.test(q.trim()));
      // 2,000 subjects in chunks of 450: 5 upserts, 5 marks sent, one take of unsent notices.
      expect(writes).toHaveLength(11);
      const [{ n }] = await knex('kafka_hub_notification_streaks')
        .whereNotNull('pending')
        .count({ n: '*' });
      expect(Number(n)).toBe(0);
      await knex.destroy();
    },
  );
});
