import { randomBytes } from 'crypto';
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  KAFKA_HUB_ADMIN_CHANNEL,
  kafkaHubEntityChannel,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { KafkaEntitiesReader } from '../catalog/KafkaEntitiesReader';
import { ClaimResolver } from '../claims';
import { DEFAULT_ALLOWED_TOPIC_CONFIGS } from '../config/readProvisioningSettings';
import { EnvironmentConfig } from '../config/types';
import { migrationsDir } from '../database/migrations';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import { ProvisioningTaskRunStore } from '../database/provisioning/ProvisioningTaskRunStore';
import { KafkaHubEvent, KafkaHubEvents } from '../events/KafkaHubEvents';
import { notificationsListener } from '../notifications/notificationsListener';
import { ProvisioningRunEnd } from '../notifications/ProvisioningNotifications';
import { ControlledEngine } from '../provisioning/__testUtils__/ControlledEngine';
import { ProvisioningService } from '../provisioning/ProvisioningService';
import { testDatabaseIds, testServices } from '../testUtils/testServices';
import { KafkaHubSignals } from './KafkaHubSignals';
import { RecordingSignals } from './__testUtils__/RecordingSignals';

jest.setTimeout(90_000);

/**
 * Provisioning runs against the real broker and real SQLite and PostgreSQL,
 * their events published as signals to a recording signals service: who
 * would receive what, two teams apart; and a run that ends while the
 * owners' notifications hang.
 */

const logger = mockServices.logger.mock();
const DEV: EnvironmentConfig = {
  name: 'dev',
  kafka: {
    brokers: testServices.kafkaPlaintextBrokers,
    clientId: 'kafka-hub-signals-test',
    ssl: false,
    connectionTimeoutMs: 1000,
    requestTimeoutMs: 5000,
  },
};
const TEAM_A = 'group:default/team-a';
const TEAM_B = 'group:default/team-b';
const PLATFORM = 'group:default/kafka-platform';

const application = (slug: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: slug,
    namespace: 'default',
    annotations: {
      'kafka-hub.io/application': slug,
      'kafka-hub.io/environments': 'dev',
      'kafka-hub.io/topics': 'events',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner },
});

/** A promise the test resolves. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>(resolve => {
    open = resolve;
  });
  return { opened, open };
}

describe('live updates of provisioning', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const suffix = randomBytes(4).toString('hex');
    const slugA = `orders-${suffix}`;
    const slugB = `payments-${suffix}`;
    const store = new ProvisioningStore(knex);
    const engine = new ControlledEngine({
      environments: [DEV],
      logger,
      options: { defaultPartitions: 1, replicationFactor: 1, retries: 0 },
    });
    const events = new KafkaHubEvents(logger);
    const signals = new RecordingSignals();
    events.subscribe(
      'signals',
      new KafkaHubSignals({
        signals,
        ownersOf: refs => store.ownersOf(refs),
        adminRecipients: [PLATFORM],
        logger,
      }).onEvent,
    );
    const service = new ProvisioningService({
      store,
      engine,
      entities: new KafkaEntitiesReader({
        catalog: catalogServiceMock({
          entities: [
            application(slugA, 'team-a'),
            application(slugB, 'team-b'),
          ],
        }),
        auth: mockServices.auth(),
        namespacePattern: '{application}.',
      }),
      environmentNames: ['dev'],
      config: {
        maxAttempts: 5,
        initialBackoffMs: 1000,
        maxBackoffMs: 3000,
        leaseTimeoutMs: 60_000,
        concurrency: 2,
        maxRemovalShare: 0.5,
        removalsAlwaysAllowed: 10,
        allowedTopicConfigs: [...DEFAULT_ALLOWED_TOPIC_CONFIGS],
      },
      claims: new ClaimResolver({ db: knex, releaseAfterMs: 60_000, logger }),
      taskRuns: new ProvisioningTaskRunStore(knex),
      logger,
      events,
    });
    return {
      knex,
      store,
      engine,
      events,
      signals,
      service,
      slugA,
      slugB,
      refA: `component:default/${slugA}`,
      refB: `component:default/${slugB}`,
    };
  }

  it.each(databases.eachSupportedId())(
    "publishes each application's provisioning changes to its own team and the admins only, never broadcast (%p)",
    async databaseId => {
      const { knex, signals, events, service, refA, refB } = await setUp(
        databaseId,
      );
      await service.reconcile();
      await events.idle();
      // Both recorded (pending): each team hears of its own application.
      expect(signals.channelsReaching(TEAM_A).sort()).toEqual(
        [kafkaHubEntityChannel(refA), kafkaHubEntityChannel(TEAM_A)].sort(),
      );
      expect(signals.channelsReaching(TEAM_B).sort()).toEqual(
        [kafkaHubEntityChannel(refB), kafkaHubEntityChannel(TEAM_B)].sort(),
      );
      expect(signals.channelsReaching(PLATFORM).sort()).toEqual(
        [
          kafkaHubEntityChannel(refA),
          kafkaHubEntityChannel(refB),
          kafkaHubEntityChannel(TEAM_A),
          kafkaHubEntityChannel(TEAM_B),
          KAFKA_HUB_ADMIN_CHANNEL,
        ].sort(),
      );
      expect(
        signals.published.filter(s => s.recipients.type === 'broadcast'),
      ).toEqual([]);
      expect(signals.published[0].message).toEqual({
        kind: 'provisioning',
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });

      // A retry of team A's application: requested, then ended.
      signals.published.length = 0;
      const outcome = await service.retry(refA);
      expect(outcome).toMatchObject({ started: true });
      await service.settle();
      await events.idle();
      // Retry requested, then run ended: the application's and the team's.
      expect(signals.channelsReaching(TEAM_A)).toEqual([
        kafkaHubEntityChannel(refA),
        kafkaHubEntityChannel(TEAM_A),
        kafkaHubEntityChannel(refA),
        kafkaHubEntityChannel(TEAM_A),
      ]);
      // A member of team B receives none of team A's signals.
      expect(signals.channelsReaching(TEAM_B)).toEqual([]);
      expect(
        (await knex('kafka_hub_applications').where({ entity_ref: refA }))[0]
          .status,
      ).toBe('completed');
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    "ends a run and releases its lease while the owners' notifications still hang (%p)",
    async databaseId => {
      const { knex, events, service, slugA, refA } = await setUp(databaseId);
      const hang = gate();
      const told: ProvisioningRunEnd[] = [];
      events.subscribe(
        'notifications',
        notificationsListener({
          provisioning: {
            runEnded: async run => {
              await hang.opened;
              told.push(run);
            },
          },
        }),
      );
      const seen: KafkaHubEvent['type'][] = [];
      events.subscribe('observer', async event => {
        seen.push(event.type);
      });
      await service.reconcile();
      await service.retry(refA);
      // The run is recorded and its lease released before anyone was told.
      await service.settle();
      const row = (
        await knex('kafka_hub_applications').where({ entity_ref: refA })
      )[0];
      expect(row).toMatchObject({
        status: 'completed',
        current_run_id: null,
        lease_expires_at: null,
      });
      expect(told).toEqual([]);

      hang.open();
      await events.idle();
      expect(told).toEqual([
        { entityRef: refA, application: slugA, status: 'completed' },
      ]);
      expect(seen).toEqual([
        'provisioning-changed',
        'provisioning-changed',
        'provisioning-run-ended',
      ]);
      await knex.destroy();
    },
  );
});
