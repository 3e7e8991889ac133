import { randomBytes } from 'crypto';
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AclFilter,
  AclOperations,
  AclPermissionTypes,
  Admin,
  ResourcePatternTypes,
  ResourceTypes,
} from '@platformatic/kafka';
import { Knex } from 'knex';
import { KafkaEntitiesReader } from '../catalog/KafkaEntitiesReader';
import { DEFAULT_ALLOWED_TOPIC_CONFIGS } from '../config/readProvisioningSettings';
import { EnvironmentConfig } from '../config/types';
import { GroupSync } from '../consumerGroups/GroupSync';
import {
  LinkClaimStore,
  LinkErrorStore,
  NamespaceClaimStore,
} from '../database/claims';
import { ConsumerGroupStore, TaskRunStore } from '../database/consumerGroups';
import { migrationsDir } from '../database/migrations';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import { ProvisioningTaskRunStore } from '../database/provisioning/ProvisioningTaskRunStore';
import { SchemaStore } from '../database/schemas';
import { createKafkaAdmin } from '../kafka';
import { ProvisioningEngine } from '../provisioning/ProvisioningEngine';
import { ProvisioningService } from '../provisioning/ProvisioningService';
import { SchemaRegistryClient } from '../schemaRegistry';
import {
  recordingFetch,
  RegistryFixtures,
} from '../schemaRegistry/__testUtils__/registryFixtures';
import { SchemaSync } from '../schemas/SchemaSync';
import { testDatabaseIds, testServices } from '../testUtils/testServices';
import { ClaimReader } from './ClaimSet';
import { ClaimResolver } from './ClaimResolver';

jest.setTimeout(180_000);

const logger = mockServices.logger.mock();
const DAY = 86_400_000;

const environment = (name: string, brokers: string[]): EnvironmentConfig => ({
  name,
  kafka: {
    brokers,
    clientId: 'kafka-hub-claim-abuse-test',
    ssl: false,
    connectionTimeoutMs: 1000,
    requestTimeoutMs: 10_000,
  },
});
const DEV = environment('dev', testServices.kafkaPlaintextBrokers);
const DEAD = environment('dead', testServices.deadBrokers);

const hex = () => randomBytes(4).toString('hex');

/** A component owned by `team`, as the catalog holds it. */
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
 * Every abuse below is tried by team-orders against team-payments on the
 * real broker, the real registry and a real database. Each must end in an
 * error on the offending entity and nothing else: no topic, no ACL, no
 * link moved.
 */
describe('claims against abuse, on the real broker and registry', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const registry = new RegistryFixtures(testServices.registryUrl);
  let admin: Admin;
  const createdTopics = new Set<string>();
  const createdGroups = new Set<string>();
  const principals = new Set<string>();

  beforeAll(async () => {
    admin = createKafkaAdmin(
      { ...DEV.kafka, clientId: 'kafka-hub-claim-abuse-test-admin' },
      { retries: 8 },
    );
  });

  afterAll(async () => {
    await registry.cleanUp();
    await admin
      .deleteGroups({ groups: [...createdGroups] })
      .catch(() => undefined);
    const existing = new Set(await admin.listTopics());
    const topics = [...createdTopics].filter(t => existing.has(t));
    if (topics.length > 0) {
      await admin.deleteTopics({ topics }).catch(() => undefined);
    }
    for (const principal of principals) {
      await admin
        .deleteAcls({
          filters: [
            {
              resourceType: ResourceTypes.ANY,
              resourceName: null,
              resourcePatternType: ResourcePatternTypes.ANY,
              principal,
              host: '*',
              operation: AclOperations.ANY,
              permissionType: AclPermissionTypes.ANY,
            },
          ],
        })
        .catch(() => undefined);
    }
    await admin.close();
  });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    return knex;
  }

  /** One backend over the database, with the catalog holding `entities`. */
  function hub(
    knex: Knex,
    entities: Entity[],
    options: { now?: () => Date; releaseAfterMs?: number } = {},
  ) {
    const store = new ProvisioningStore(knex);
    const service = new ProvisioningService({
      store,
      engine: new ProvisioningEngine({
        environments: [DEV, DEAD],
        logger,
        options: { defaultPartitions: 1, replicationFactor: 1, retries: 0 },
      }),
      entities: new KafkaEntitiesReader({
        catalog: catalogServiceMock({ entities }),
        auth: mockServices.auth(),
        namespacePattern: '{application}.',
      }),
      claims: new ClaimResolver({
        db: knex,
        releaseAfterMs: options.releaseAfterMs ?? 7 * DAY,
        logger,
      }),
      environmentNames: ['dev', 'dead'],
      config: {
        maxAttempts: 5,
        initialBackoffMs: 60_000,
        maxBackoffMs: 60_000,
        leaseTimeoutMs: 60_000,
        concurrency: 3,
        maxRemovalShare: 1,
        removalsAlwaysAllowed: 10,
        allowedTopicConfigs: [...DEFAULT_ALLOWED_TOPIC_CONFIGS],
      },
      taskRuns: new ProvisioningTaskRunStore(knex),
      logger,
      now: options.now,
    });
    const claims = new ClaimReader(knex);
    return {
      store,
      service,
      /** Reconciles, then runs every due application and waits for the runs. */
      async provision() {
        await service.reconcile();
        await service.provisionDue();
        await service.settle();
      },
      groupSync: () =>
        new GroupSync({
          environment: DEV,
          logger,
          groups: new ConsumerGroupStore(knex),
          taskRuns: new TaskRunStore(knex),
          claims: () => claims.read(),
          describeBatchSize: 100,
          inactiveAfterMs: DAY,
          archiveAfterMs: 7 * DAY,
        }).sync(),
      schemaSync: (owns: (subject: string) => boolean) =>
        new SchemaSync({
          environment: 'dev',
          client: new SchemaRegistryClient(
            { url: testServices.registryUrl, timeoutMs: 5000 },
            {
              retries: 1,
              fetch: recordingFetch(testServices.registryUrl, {
                onlySubjects: owns,
              }).fetch,
            },
          ),
          store: new SchemaStore(knex),
          claims: () => claims.read(),
          logger,
          concurrency: 4,
          subjectListingLimit: 1000,
        }).run(),
    };
  }

  const runsOf = async (knex: Knex, entityRef: string) =>
    Number(
      (
        await knex('kafka_hub_provisioning_runs')
          .where({ entity_ref: entityRef })
          .count({ n: '*' })
      )[0].n,
    );

  /** A filter of every ACL, narrowed by `only`. */
  const anyAcl = (only: Partial<AclFilter>): AclFilter => ({
    resourceType: ResourceTypes.ANY,
    resourceName: null,
    resourcePatternType: ResourcePatternTypes.ANY,
    principal: null,
    host: null,
    operation: AclOperations.ANY,
    permissionType: AclPermissionTypes.ANY,
    ...only,
  });

  /** ACLs on resources named `name` (any pattern type), as `type:name:pattern:operation`. */
  async function aclsNamed(name: string): Promise<string[]> {
    return aclStrings(
      await admin.describeAcls({
        filter: anyAcl({ resourceName: name }),
      }),
    );
  }

  /** ACLs of a principal on any resource. */
  async function aclsOf(principal: string): Promise<string[]> {
    return aclStrings(
      await admin.describeAcls({ filter: anyAcl({ principal }) }),
    );
  }

  function aclStrings(
    described: Awaited<ReturnType<Admin['describeAcls']>>,
  ): string[] {
    const nameOf = (values: Record<string, number>, value: number) =>
      Object.entries(values).find(([, v]) => v === value)?.[0] ?? String(value);
    return described
      .flatMap(resource =>
        resource.acls.map(
          acl =>
            `${nameOf(ResourceTypes, resource.resourceType)}:${
              resource.resourceName
            }:${nameOf(ResourcePatternTypes, resource.resourcePatternType)}:${
              acl.principal
            }:${nameOf(AclOperations, acl.operation)}`,
        ),
      )
      .sort();
  }

  /**
   * Waits until the broker describes `count` ACLs of `principal`: KRaft
   * applies ACLs in order and asynchronously, so once a control
   * application's ACLs created in the same pass are visible, any ACL an
   * abuse had created before them would be visible too.
   */
  async function settledAclsOf(principal: string, count: number) {
    for (let attempt = 0; ; attempt++) {
      const acls = await aclsOf(principal);
      if (acls.length >= count || attempt >= 100) return acls;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }

  async function topicsStartingWith(prefix: string): Promise<string[]> {
    return (await admin.listTopics()).filter(t => t.startsWith(prefix)).sort();
  }

  /** The six prefixed ACLs the engine gives an application's principal. */
  const applicationAcls = (slug: string) =>
    [
      `GROUP:${slug}.:PREFIXED:User:${slug}:READ`,
      `TOPIC:${slug}.:PREFIXED:User:${slug}:DESCRIBE`,
      `TOPIC:${slug}.:PREFIXED:User:${slug}:READ`,
      `TOPIC:${slug}.:PREFIXED:User:${slug}:WRITE`,
      `TRANSACTIONAL_ID:${slug}.:PREFIXED:User:${slug}:DESCRIBE`,
      `TRANSACTIONAL_ID:${slug}.:PREFIXED:User:${slug}:WRITE`,
    ].sort();

  /** Topics, groups and principals this run creates, for cleaning up. */
  function track(
    slugs: string[],
    topics: string[] = [],
    groups: string[] = [],
  ) {
    for (const slug of slugs) {
      principals.add(`User:${slug}`);
      for (const t of ['events', 'stolen']) createdTopics.add(`${slug}.${t}`);
    }
    topics.forEach(t => createdTopics.add(t));
    groups.forEach(g => createdGroups.add(g));
  }

  async function waitForLeaders(topics: string[]) {
    for (let attempt = 0; ; attempt++) {
      try {
        const metadata = await admin.metadata({ topics, forceUpdate: true });
        if (
          [...metadata.topics.values()].every(t =>
            t.partitions.every(p => p.leader >= 0),
          )
        ) {
          return;
        }
      } catch (error) {
        if (attempt >= 50) throw error;
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }

  it.each(databases.eachSupportedId())(
    'a duplicate slug: an error naming the holder and its owner, no run, no topic, no ACL; the claim survives a restart, %p',
    async databaseId => {
      const knex = await setup(databaseId);
      const slug = `pay-${hex()}`;
      const control = `ord-${hex()}`;
      track([slug, control]);
      // team-payments holds the slug, provisioned only on the dead cluster,
      // so nothing of its namespace exists on the real broker.
      const payments = component('payments-service', 'team-payments', {
        'kafka-hub.io/application': slug,
        'kafka-hub.io/environments': 'dead',
        'kafka-hub.io/topics': 'events',
      });
      const impostor = component('a-orders-impostor', 'team-orders', {
        'kafka-hub.io/application': slug,
        'kafka-hub.io/environments': 'dev',
        'kafka-hub.io/topics': 'stolen',
      });
      // team-orders' own application, provisioned in the same pass.
      const orders = component('orders-service', 'team-orders', {
        'kafka-hub.io/application': control,
        'kafka-hub.io/environments': 'dev',
        'kafka-hub.io/topics': 'events',
      });
      await hub(knex, [payments]).provision();
      const { store, service, provision } = hub(knex, [
        impostor,
        payments,
        orders,
      ]);
      await provision();

      const claim = await new NamespaceClaimStore(knex).get(slug);
      const expectedError = {
        annotation: 'kafka-hub.io/application',
        value: slug,
        message: `is claimed by component:default/payments-service (owner group:default/team-payments) since ${claim!.claimedAt.toISOString()}; this entity is not provisioned and links nothing`,
      };
      expect(await store.get(refOf(impostor))).toMatchObject({
        status: 'failed',
        annotationErrors: [expectedError],
        error: `Not provisioned until the annotations are fixed: Annotation kafka-hub.io/application: "${slug}" ${expectedError.message}`,
        nextAttemptAt: undefined,
      });
      expect(await runsOf(knex, refOf(impostor))).toBe(0);
      expect(await service.retry(refOf(impostor))).toMatchObject({
        claimed: false,
        reason: 'invalid-annotations',
      });
      expect(await runsOf(knex, refOf(impostor))).toBe(0);

      // The broker: the control's ACLs are there, nothing of the slug's.
      expect(await settledAclsOf(`User:${control}`, 6)).toEqual(
        applicationAcls(control),
      );
      expect(await topicsStartingWith(`${control}.`)).toEqual([
        `${control}.events`,
      ]);
      expect(await topicsStartingWith(`${slug}.`)).toEqual([]);
      expect(await aclsNamed(`${slug}.`)).toEqual([]);
      expect(await aclsOf(`User:${slug}`)).toEqual([]);

      // A restart, the catalog listing them in another order: same holder.
      const restarted = hub(knex, [orders, payments, impostor]);
      await restarted.provision();
      expect(claim).toMatchObject({ entityRef: refOf(payments) });
      expect(await new NamespaceClaimStore(knex).get(slug)).toEqual(claim);
      expect(await runsOf(knex, refOf(impostor))).toBe(0);
      expect(await topicsStartingWith(`${slug}.`)).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'an impostor provisioned before claims existed is never provisioned again, %p',
    async databaseId => {
      const knex = await setup(databaseId);
      const slug = `pay-${hex()}`;
      track([slug]);
      const payments = component('payments-service', 'team-payments', {
        'kafka-hub.io/application': slug,
        'kafka-hub.io/environments': 'dead',
      });
      const impostor = component('a-orders-impostor', 'team-orders', {
        'kafka-hub.io/application': slug,
        'kafka-hub.io/environments': 'dev',
        'kafka-hub.io/topics': 'stolen',
      });
      // The state an older version left: both recorded, payments first,
      // and the impostor provisioned.
      const store = new ProvisioningStore(knex);
      const before = Date.now() - 60_000;
      for (const [entity, offset] of [
        [payments, 0],
        [impostor, 1000],
      ] as const) {
        await store.upsertDesired({
          entityRef: refOf(entity),
          application: slug,
          ownerRef: `group:default/${entity.spec!.owner}`,
          desiredState: { environments: ['dev'], topics: [] },
          desiredStateHash: `old-${entity.metadata.name}`,
          now: new Date(before + offset),
        });
      }
      const seeded = await store.claimRun({
        entityRef: refOf(impostor),
        runId: `old-run-${hex()}`,
        trigger: 'schedule',
        environments: ['dev'],
        now: new Date(before + 2000),
        leaseMs: 60_000,
      });
      expect(seeded.claimed).toBe(true);
      await store.finishRun({
        entityRef: refOf(impostor),
        runId: (seeded as { runId: string }).runId,
        status: 'completed',
        environments: {
          dev: { status: 'success', finishedAt: new Date().toISOString() },
        },
        now: new Date(before + 3000),
      });

      const { service, provision } = hub(knex, [impostor, payments]);
      await provision();
      expect(await new NamespaceClaimStore(knex).get(slug)).toMatchObject({
        entityRef: refOf(payments),
      });
      expect(await store.get(refOf(impostor))).toMatchObject({
        status: 'failed',
        annotationErrors: [
          expect.objectContaining({
            annotation: 'kafka-hub.io/application',
            message: expect.stringContaining(
              'is claimed by component:default/payments-service (owner group:default/team-payments)',
            ),
          }),
        ],
      });
      expect(await service.retry(refOf(impostor), { all: true })).toMatchObject(
        { claimed: false, reason: 'invalid-annotations' },
      );
      expect(await service.retryAllFailed()).toMatchObject({ started: 1 });
      await service.settle();
      // Only the holder's run (on the dead cluster); the impostor's one
      // run is the seeded one.
      expect(await runsOf(knex, refOf(impostor))).toBe(1);
      expect(await runsOf(knex, refOf(payments))).toBe(2);
      expect(await topicsStartingWith(`${slug}.`)).toEqual([]);
      expect(await aclsOf(`User:${slug}`)).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'an overlapping prefix: a slug whose prefix starts inside a claimed one (left by an old unsafe pattern) is refused, %p',
    async databaseId => {
      const knex = await setup(databaseId);
      const base = `pay${hex()}`;
      const slug = `${base}-x`;
      const control = `ord-${hex()}`;
      track([slug, control]);
      // Claimed under `{application}` (no separator) before start-up
      // rejected such patterns; its holder has left the catalog, so the
      // stale prefix is kept until the claim is released.
      const stale = await new NamespaceClaimStore(knex).claim({
        application: base,
        prefix: base,
        entityRef: 'component:default/payments-service',
        ownerRef: 'group:default/team-payments',
        now: new Date(),
      });
      expect(stale.result).toBe('claimed');
      const impostor = component('orders-impostor', 'team-orders', {
        'kafka-hub.io/application': slug,
        'kafka-hub.io/environments': 'dev',
        'kafka-hub.io/topics': 'stolen',
      });
      const orders = component('orders-service', 'team-orders', {
        'kafka-hub.io/application': control,
        'kafka-hub.io/environments': 'dev',
        'kafka-hub.io/topics': 'events',
      });
      const { store, provision } = hub(knex, [impostor, orders]);
      await provision();

      expect((await store.get(refOf(impostor)))?.annotationErrors).toEqual([
        {
          annotation: 'kafka-hub.io/application',
          value: slug,
          message: `has the namespace prefix "${slug}.", which overlaps "${base}" of application "${base}" claimed by component:default/payments-service (owner group:default/team-payments) since ${stale.holder.claimedAt.toISOString()}; this entity is not provisioned and links nothing`,
        },
      ]);
      expect(await new NamespaceClaimStore(knex).get(slug)).toBeUndefined();
      expect(await runsOf(knex, refOf(impostor))).toBe(0);
      expect(await settledAclsOf(`User:${control}`, 6)).toEqual(
        applicationAcls(control),
      );
      expect(await topicsStartingWith(`${slug}.`)).toEqual([]);
      expect(await aclsOf(`User:${slug}`)).toEqual([]);
      expect(await aclsNamed(`${slug}.`)).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    "explicit links into another team's namespace (both group annotations and a subject): errors on the linking entity, its own provisioning goes on, every link stays with the holder, %p",
    async databaseId => {
      const knex = await setup(databaseId);
      const slug = `pay-${hex()}`;
      const own = `ord-${hex()}`;
      track([slug, own]);
      const settlement = `${slug}.settlement`;
      const legacyReader = `${slug}.legacy-reader`;
      const subject = `${slug}.authorized-value`;
      createdGroups.add(settlement);
      createdGroups.add(legacyReader);
      const payments = component('payments-service', 'team-payments', {
        'kafka-hub.io/application': slug,
        'kafka-hub.io/environments': 'dev',
        'kafka-hub.io/topics': 'events',
      });
      const orders = component('orders-service', 'team-orders', {
        'kafka-hub.io/application': own,
        'kafka-hub.io/environments': 'dev',
        'kafka-hub.io/topics': 'events',
        'kafka-hub.io/consumer-groups': `dev/${settlement}`,
        'kafka.apache.org/consumer-groups': `dev/${legacyReader}`,
        'kafka-hub.io/schema-subjects': `dev/${subject}`,
      });
      const backend = hub(knex, [orders, payments]);
      await backend.provision();
      // The groups and the subject exist for real.
      await waitForLeaders([`${slug}.events`]);
      for (const groupId of [settlement, legacyReader]) {
        await admin.alterConsumerGroupOffsets({
          groupId,
          topics: [
            {
              name: `${slug}.events`,
              partitionOffsets: [{ partition: 0, offset: 0n }],
            },
          ],
        });
      }
      await registry.register(subject, '"string"');
      expect(await backend.groupSync()).toMatchObject({ ok: true });
      expect(await backend.schemaSync(s => s === subject)).toMatchObject({
        status: 'succeeded',
      });

      const groups = await knex('kafka_hub_consumer_groups')
        .whereIn('group_id', [settlement, legacyReader])
        .orderBy('group_id')
        .select('group_id', 'entity_ref', 'linked_by');
      expect(groups).toEqual([
        {
          group_id: legacyReader,
          entity_ref: refOf(payments),
          linked_by: 'prefix',
        },
        {
          group_id: settlement,
          entity_ref: refOf(payments),
          linked_by: 'prefix',
        },
      ]);
      expect(
        await knex('kafka_hub_schemas')
          .where({ subject })
          .select('subject', 'entity_ref'),
      ).toEqual([{ subject, entity_ref: refOf(payments) }]);

      const inside = `is inside the namespace "${slug}." of application "${slug}", claimed by component:default/payments-service (owner group:default/team-payments); link annotations only reach names outside every claimed namespace`;
      expect(
        (await new LinkErrorStore(knex).get(refOf(orders)))?.errors,
      ).toEqual([
        {
          annotation: 'kafka-hub.io/consumer-groups',
          value: `dev/${settlement}`,
          message: inside,
        },
        {
          annotation: 'kafka-hub.io/schema-subjects',
          value: `dev/${subject}`,
          message: inside,
        },
        {
          annotation: 'kafka.apache.org/consumer-groups',
          value: `dev/${legacyReader}`,
          message: inside,
        },
      ]);
      expect(await new LinkClaimStore(knex).list()).toEqual([]);
      // The link errors did not block the entity's own namespace.
      expect(await backend.store.get(refOf(orders))).toMatchObject({
        status: 'completed',
        annotationErrors: undefined,
      });
      expect(await settledAclsOf(`User:${own}`, 6)).toEqual(
        applicationAcls(own),
      );
      expect(await topicsStartingWith(`${slug}.`)).toEqual([`${slug}.events`]);
      expect(
        (await aclsNamed(`${slug}.`)).filter(a => !a.includes(`User:${slug}:`)),
      ).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'two explicit claims on the same name outside every namespace: the first keeps it, the second gets an error and links nothing, %p',
    async databaseId => {
      const knex = await setup(databaseId);
      const id = hex();
      const topic = `legacy-${id}-events`;
      const groupId = `legacy-${id}-reader`;
      const subject = `com.acme.legacy${id}.Money`;
      track([], [topic], [groupId]);
      await admin.createTopics({ topics: [{ topic, partitions: 1 }] });
      await waitForLeaders([topic]);
      await admin.alterConsumerGroupOffsets({
        groupId,
        topics: [
          { name: topic, partitionOffsets: [{ partition: 0, offset: 0n }] },
        ],
      });
      await registry.register(subject, '"string"');

      const billing = component('billing', 'team-billing', {
        'kafka.apache.org/consumer-groups': `dev/${groupId}`,
        'kafka-hub.io/schema-subjects': `dev/${subject}`,
      });
      const thief = component('a-thief', 'team-orders', {
        'kafka-hub.io/consumer-groups': `dev/${groupId}`,
        'kafka-hub.io/schema-subjects': `dev/${subject}`,
      });
      await hub(knex, [billing]).service.reconcile();
      const backend = hub(knex, [thief, billing]);
      await backend.service.reconcile();
      expect(await backend.groupSync()).toMatchObject({ ok: true });
      expect(await backend.schemaSync(s => s === subject)).toMatchObject({
        status: 'succeeded',
      });

      expect(
        await knex('kafka_hub_consumer_groups')
          .where({ group_id: groupId })
          .select('entity_ref', 'linked_by'),
      ).toEqual([
        {
          entity_ref: refOf(billing),
          linked_by: 'kafka.apache.org/consumer-groups',
        },
      ]);
      expect(
        await knex('kafka_hub_schemas').where({ subject }).select('entity_ref'),
      ).toEqual([{ entity_ref: refOf(billing) }]);
      const claims = await new LinkClaimStore(knex).list();
      expect(claims.map(c => [c.kind, c.name, c.entityRef])).toEqual([
        ['consumer-group', groupId, refOf(billing)],
        ['schema-subject', subject, refOf(billing)],
      ]);
      const since = (kind: string) =>
        claims.find(c => c.kind === kind)!.claimedAt.toISOString();
      expect(
        (await new LinkErrorStore(knex).get(refOf(thief)))?.errors,
      ).toEqual([
        {
          annotation: 'kafka-hub.io/consumer-groups',
          value: `dev/${groupId}`,
          message: `is linked by component:default/billing (owner group:default/team-billing) through kafka.apache.org/consumer-groups since ${since(
            'consumer-group',
          )}; the first entity to link a name keeps it`,
        },
        {
          annotation: 'kafka-hub.io/schema-subjects',
          value: `dev/${subject}`,
          message: `is linked by component:default/billing (owner group:default/team-billing) through kafka-hub.io/schema-subjects since ${since(
            'schema-subject',
          )}; the first entity to link a name keeps it`,
        },
      ]);
      expect(
        await new LinkErrorStore(knex).get(refOf(billing)),
      ).toBeUndefined();
      // Neither is an application: nothing was provisioned for either.
      expect(await backend.store.list()).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'a holder gone from the catalog keeps its namespace for the grace period; then the next entity claims and provisions it, %p',
    async databaseId => {
      const knex = await setup(databaseId);
      const slug = `pay-${hex()}`;
      track([slug]);
      const payments = component('payments-service', 'team-payments', {
        'kafka-hub.io/application': slug,
        'kafka-hub.io/environments': 'dead',
      });
      const successor = component('payments-v2', 'team-payments', {
        'kafka-hub.io/application': slug,
        'kafka-hub.io/environments': 'dev',
        'kafka-hub.io/topics': 'events',
      });
      let now = Date.now();
      const clock = { now: () => new Date(now), releaseAfterMs: DAY };
      await hub(knex, [payments], clock).service.reconcile();

      // Gone: the namespace stays claimed, the successor is refused.
      const gone = hub(knex, [successor], clock);
      await gone.service.reconcile();
      now += DAY - 1;
      await gone.service.reconcile();
      expect(await gone.service.provisionDue()).toBe(0);
      expect(
        (await gone.store.get(refOf(successor)))?.annotationErrors,
      ).toHaveLength(1);
      expect(await new NamespaceClaimStore(knex).get(slug)).toMatchObject({
        entityRef: refOf(payments),
      });

      now += 1;
      await gone.provision();
      expect(await new NamespaceClaimStore(knex).get(slug)).toMatchObject({
        entityRef: refOf(successor),
        claimedAt: new Date(now),
      });
      expect(await gone.store.get(refOf(successor))).toMatchObject({
        status: 'completed',
        annotationErrors: undefined,
      });
      expect(await topicsStartingWith(`${slug}.`)).toEqual([`${slug}.events`]);
    },
  );
});
