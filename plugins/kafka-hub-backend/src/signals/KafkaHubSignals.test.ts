import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  KAFKA_HUB_ADMIN_CHANNEL,
  kafkaHubEntityChannel,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { migrationsDir } from '../database/migrations';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import { SampledGroupStatus } from '../notifications/GroupStatusNotifications';
import { testDatabaseIds } from '../testUtils/testServices';
import { KafkaHubSignals } from './KafkaHubSignals';
import { RecordingSignals } from './__testUtils__/RecordingSignals';

jest.setTimeout(60_000);

const ORDERS = 'component:default/orders';
const PAYMENTS = 'component:default/payments';
const NOW = new Date(Date.UTC(2026, 11, 2, 12));

/**
 * What group `i` links to: most read orders, some payments; some link to
 * nothing, some to an entity Kafka Hub does not know (no owner to tell).
 */
function linkOf(i: number): string | undefined {
  switch (i % 10) {
    case 0:
      return undefined;
    case 1:
      return PAYMENTS;
    case 2:
      return `component:default/unknown-${i}`;
    default:
      return ORDERS;
  }
}

describe('KafkaHubSignals', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  async function setUp(
    databaseId: TestDatabaseId,
    adminRecipients: string[] = ['group:default/Kafka-Platform'],
  ) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const store = new ProvisioningStore(knex);
    for (const [entityRef, ownerRef] of [
      [ORDERS, 'group:default/team-a'],
      [PAYMENTS, 'group:default/Team-B'],
    ]) {
      await store.upsertDesired({
        entityRef,
        application: entityRef.split('/')[1],
        ownerRef,
        desiredState: { environments: ['dev'], topics: [] },
        desiredStateHash: 'h',
        now: NOW,
      });
    }
    const signals = new RecordingSignals();
    const logger = mockServices.logger.mock();
    const publisher = new KafkaHubSignals({
      signals,
      ownersOf: refs => store.ownersOf(refs),
      adminRecipients,
      logger,
      now: () => NOW,
    });
    return { knex, signals, logger, publisher };
  }

  it.each(databases.eachSupportedId())(
    'publishes a lag sample of 10,000 groups as one signal per application and one for the admins, each to its owner only (%p)',
    async databaseId => {
      const { knex, signals, publisher } = await setUp(databaseId);
      const groups: SampledGroupStatus[] = Array.from(
        { length: 10_000 },
        (_, i) => ({
          groupId: `group-${i}`,
          entityRef: linkOf(i),
          status: 'OK',
          statusReason: 'ok',
        }),
      );
      await publisher.onEvent({
        type: 'lag-sampled',
        environment: 'dev',
        sampledAtMs: NOW.getTime(),
        groups,
      });
      const byChannel = new Map(signals.published.map(s => [s.channel, s]));
      // Two applications, their two owners' channels, 1,000 unknown
      // applications (still the admins'), the admin channel; none broadcast.
      expect(signals.published).toHaveLength(2 + 2 + 1_000 + 1);
      expect(byChannel.get(kafkaHubEntityChannel(ORDERS))).toEqual({
        channel: 'kafka-hub:entity:component:default/orders',
        recipients: {
          type: 'user',
          entityRef: ['group:default/team-a', 'group:default/kafka-platform'],
        },
        message: { kind: 'consumer-groups', at: NOW.toISOString() },
      });
      // Sign-in resolvers write ownership refs lower case (Team-B as
      // recorded); the signals backend compares exactly.
      expect(
        byChannel.get(kafkaHubEntityChannel(PAYMENTS))?.recipients,
      ).toEqual({
        type: 'user',
        entityRef: ['group:default/team-b', 'group:default/kafka-platform'],
      });
      expect(byChannel.get(KAFKA_HUB_ADMIN_CHANNEL)?.recipients).toEqual({
        type: 'user',
        entityRef: ['group:default/kafka-platform'],
      });
      // Team B's member gets payments and nothing of team A.
      expect(signals.channelsReaching('group:default/team-b')).toEqual([
        kafkaHubEntityChannel(PAYMENTS),
        kafkaHubEntityChannel('group:default/team-b'),
      ]);
      expect(signals.channelsReaching('group:default/team-a')).toEqual([
        kafkaHubEntityChannel(ORDERS),
        kafkaHubEntityChannel('group:default/team-a'),
      ]);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'without admin recipients sends no admin channel and nothing for applications without an owner; a failing signals service is logged (%p)',
    async databaseId => {
      const { knex, signals, logger, publisher } = await setUp(databaseId, []);
      await publisher.onEvent({
        type: 'provisioning-run-ended',
        run: { entityRef: ORDERS, application: 'orders', status: 'failed' },
      });
      await publisher.onEvent({
        type: 'provisioning-changed',
        entityRefs: ['component:default/gone'],
        reason: 'reconciled',
      });
      expect(signals.published).toEqual(
        [ORDERS, 'group:default/team-a'].map(ref => ({
          channel: kafkaHubEntityChannel(ref),
          recipients: { type: 'user', entityRef: ['group:default/team-a'] },
          message: { kind: 'provisioning', at: NOW.toISOString() },
        })),
      );

      signals.failWith = new Error('events bus unavailable');
      await publisher.onEvent({
        type: 'provisioning-changed',
        entityRefs: [ORDERS, PAYMENTS],
        reason: 'retry-requested',
      });
      expect(logger.warn).toHaveBeenCalledWith(
        'Could not publish 4 of 4 Kafka Hub provisioning signal(s): events bus unavailable',
      );
      await knex.destroy();
    },
  );
});
