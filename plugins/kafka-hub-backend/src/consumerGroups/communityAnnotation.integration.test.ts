import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Admin } from '@platformatic/kafka';
import { KafkaEntitiesReader } from '../catalog/KafkaEntitiesReader';
import { ClaimReader, ClaimResolver } from '../claims';
import { clusterEnvironments } from '../config/environmentAliases';
import { readKafkaHubConfig } from '../config/readKafkaHubConfig';
import { LinkClaimStore, LinkErrorStore } from '../database/claims';
import {
  ConsumerGroupStore,
  LagHistoryStore,
  TaskRunStore,
} from '../database/consumerGroups';
import { migrationsDir } from '../database/migrations';
import { testDatabaseIds, testServices } from '../testUtils/testServices';
import { GroupSync } from './GroupSync';
import { LagSampler } from './LagSampler';
import {
  createProducer,
  createTopics,
  produce,
  setOffsets,
  testAdmin,
  uniqueSuffix,
} from './__testUtils__/testKafka';

jest.setTimeout(180_000);

const logger = mockServices.logger.mock();
const DAY = 86_400_000;

/** The community plugin's name of the cluster Kafka Hub calls `dev`. */
const LEGACY_CLUSTER = 'legacy-dev.kafka';

const component = (
  name: string,
  team: string,
  annotations: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', lifecycle: 'production', owner: team },
});
const refOf = (entity: Entity) => `component:default/${entity.metadata.name}`;

/**
 * Entities carrying only the community plugin's
 * `kafka.apache.org/consumer-groups`, whose cluster names reach Kafka Hub's
 * environments through `kafkaHub.environments.<env>.aliases`: read from the
 * config as an adopter writes it, resolved by the claims reconcile, and
 * linked and sampled on the real broker, in SQLite and PostgreSQL.
 */
describe('the community consumer-group annotation, through environment aliases', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const id = uniqueSuffix();
  const topic = `legacy-${id}-invoices`;
  const slug = `pay${id}`;
  const billingGroup = `legacy-${id}-billing`;
  const settlementGroup = `${slug}.settlement`;
  const strayGroup = `legacy-${id}-stray`;

  const config = readKafkaHubConfig(
    new ConfigReader({
      kafkaHub: {
        environments: {
          dev: {
            kafka: { brokers: testServices.kafkaPlaintextBrokers },
            aliases: [LEGACY_CLUSTER],
          },
        },
      },
    }),
  );
  const [dev] = config.environments;

  // A team moving from the community plugin: no kafka-hub.io annotation.
  const billing = component('billing', 'team-billing', {
    'kafka.apache.org/consumer-groups': `${LEGACY_CLUSTER}/${billingGroup}`,
  });
  // Another team's application: every `<slug>.` group is its own.
  const payments = component('payments-service', 'team-payments', {
    'kafka-hub.io/application': slug,
  });
  // team-orders names payments' group through the community annotation.
  const hostile = component('a-orders-dashboard', 'team-orders', {
    'kafka.apache.org/consumer-groups': `${LEGACY_CLUSTER}/${settlementGroup}`,
  });
  // A cluster nobody mapped: an error on this entity only.
  const stray = component('stray', 'team-stray', {
    'kafka.apache.org/consumer-groups': `staging-eu/${strayGroup}`,
  });

  let admin: Admin;

  beforeAll(async () => {
    admin = testAdmin();
    await createTopics(admin, [{ topic, partitions: 2 }]);
    const producer = createProducer();
    try {
      await produce(producer, topic, 2, 5);
    } finally {
      await producer.close();
    }
    // Groups without members: committed offsets only, so the lag is exact.
    for (const groupId of [billingGroup, settlementGroup, strayGroup]) {
      await setOffsets(admin, groupId, topic, [
        { partition: 0, offset: 2 },
        { partition: 1, offset: 3 },
      ]);
    }
  });

  afterAll(async () => {
    await admin
      ?.deleteGroups({ groups: [billingGroup, settlementGroup, strayGroup] })
      .catch(() => undefined);
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.close();
  });

  /** One reconcile of the claims, one group sync and one lag sample. */
  async function linkAndSample(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const entities = await new KafkaEntitiesReader({
      catalog: catalogServiceMock({
        entities: [billing, payments, hostile, stray],
      }),
      auth: mockServices.auth(),
      namespacePattern: config.namespacePattern,
    }).list();
    await new ClaimResolver({
      db: knex,
      releaseAfterMs: 7 * DAY,
      environmentOfCluster: clusterEnvironments(config.environments),
      logger,
    }).resolve(entities, new Date());
    const groups = new ConsumerGroupStore(knex);
    const history = new LagHistoryStore(knex);
    const taskRuns = new TaskRunStore(knex);
    const claims = new ClaimReader(knex);
    expect(
      await new GroupSync({
        environment: dev,
        logger,
        groups,
        taskRuns,
        claims: () => claims.read(),
        describeBatchSize: 100,
        inactiveAfterMs: DAY,
        archiveAfterMs: 7 * DAY,
      }).sync(),
    ).toMatchObject({ ok: true });
    const sampled = await new LagSampler({
      environment: dev,
      logger,
      groups,
      history,
      taskRuns,
      concurrency: 2,
      statusWindow: 3,
      timeLagPoints: 60,
      keepPartitionHistory: false,
    }).sample();
    expect(sampled.ok).toBe(true);
    // Other test files' groups on the shared broker come and go (a deleted
    // one "vanishes"); this test answers for its own.
    const ownGroups = [billingGroup, settlementGroup, strayGroup];
    expect(
      sampled.groupErrors.filter(e => ownGroups.includes(e.groupId)),
    ).toEqual([]);
    /** What the entity's Consumer groups tab lists: the groups linked to it. */
    const listedFor = async (entity: Entity) =>
      (
        await groups.list({
          entityRefs: [refOf(entity)],
          includeUnlinked: false,
          search: id,
          sort: 'name',
          limit: 50,
          offset: 0,
        })
      ).items;
    return { knex, groups, listedFor };
  }

  it.each(databases.eachSupportedId())(
    'links the group of an entity with only kafka.apache.org/consumer-groups through the alias, and lists its lag for it, %p',
    async databaseId => {
      const { knex, listedFor } = await linkAndSample(databaseId);

      const listed = await listedFor(billing);
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({
        environment: 'dev',
        groupId: billingGroup,
        entityRef: refOf(billing),
        linkedBy: 'kafka.apache.org/consumer-groups',
        // 5 messages on each of 2 partitions, committed at 2 and 3.
        lag: { totalLag: 5, maxPartitionLag: 3 },
      });
      // Recorded under the environment, not the community cluster name.
      expect(
        (await new LinkClaimStore(knex).list()).map(c => [
          c.environment,
          c.name,
          c.entityRef,
          c.annotation,
        ]),
      ).toEqual([
        [
          'dev',
          billingGroup,
          refOf(billing),
          'kafka.apache.org/consumer-groups',
        ],
      ]);
      expect(
        await new LinkErrorStore(knex).get(refOf(billing)),
      ).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'gives a cluster no environment stands for a link error naming the annotation and the value, and links the others, %p',
    async databaseId => {
      const { knex, groups, listedFor } = await linkAndSample(databaseId);

      expect(
        (await new LinkErrorStore(knex).get(refOf(stray)))?.errors,
      ).toEqual([
        {
          annotation: 'kafka.apache.org/consumer-groups',
          value: `staging-eu/${strayGroup}`,
          message:
            'names the cluster "staging-eu", which is neither an environment of kafkaHub.environments nor one of their aliases; add it to kafkaHub.environments.<environment>.aliases to link the group',
        },
      ]);
      expect(await listedFor(stray)).toEqual([]);
      // Found by the sync, but linked to nobody.
      expect(await groups.get('dev', strayGroup)).toMatchObject({
        entityRef: undefined,
      });
      expect(await listedFor(billing)).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    "keeps a group inside another team's namespace with that application when the community annotation names it through an alias, %p",
    async databaseId => {
      const { knex, groups, listedFor } = await linkAndSample(databaseId);

      expect(await listedFor(hostile)).toEqual([]);
      expect(await groups.get('dev', settlementGroup)).toMatchObject({
        entityRef: refOf(payments),
        linkedBy: 'prefix',
      });
      expect(
        (await listedFor(payments)).map(g => [g.groupId, g.lag?.totalLag]),
      ).toEqual([[settlementGroup, 5]]);
      expect(
        (await new LinkErrorStore(knex).get(refOf(hostile)))?.errors,
      ).toEqual([
        {
          annotation: 'kafka.apache.org/consumer-groups',
          value: `${LEGACY_CLUSTER}/${settlementGroup}`,
          message: `is inside the namespace "${slug}." of application "${slug}", claimed by ${refOf(
            payments,
          )} (owner group:default/team-payments); link annotations only reach names outside every claimed namespace`,
        },
      ]);
      expect(
        (await new LinkClaimStore(knex).list()).map(c => c.name),
      ).not.toContain(settlementGroup);
    },
  );
});
