import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  AclOperations,
  Admin,
  ConfigResourceTypes,
  ResourcePatternTypes,
  ResourceTypes,
} from '@platformatic/kafka';
import { recordClaims } from '../claims/__testUtils__/claims';
import { EnvironmentConfig, KafkaClusterConfig } from '../config/types';
import {
  createProducer,
  createTopics,
  endOffsets,
  entity,
  produce,
  setOffsets,
  startConsumer,
  testAdmin,
  TestConsumer,
  uniqueSuffix,
  waitFor,
} from '../consumerGroups/__testUtils__/testKafka';
import { GroupSync } from '../consumerGroups/GroupSync';
import { OffsetsClient } from '../consumerGroups/OffsetsClient';
import { ConsumerGroupStore, TaskRunStore } from '../database/consumerGroups';
import { migrationsDir } from '../database/migrations';
import { checkKafka } from '../health/checkKafka';
import { ProvisioningEngine } from '../provisioning/ProvisioningEngine';
import { waitForLeaders } from '../provisioning/provisionTopics';
import { testDatabaseIds, testServices } from '../testUtils/testServices';
import { describeKafkaError } from './describeKafkaError';
import {
  aclBindings,
  createScramUser,
  deleteScramUser,
  documentedAcls,
  everyAclOf,
  grantAndSettle,
  ScramUser,
} from './__testUtils__/leastPrivilege';

jest.setTimeout(180_000);

const logger = mockServices.logger.mock();

/**
 * The Kafka ACLs that plugins/kafka-hub-backend/README.md lists for Kafka
 * Hub's own principal, proven on the real broker's SASL listener with the
 * StandardAuthorizer (allow.everyone.if.no.acl.found=false): a SCRAM user
 * made for this run gets exactly those ACLs and runs Kafka Hub's own code
 * (health check, provisioning, group sync, lag sampling); users that lack
 * one of them fail at the step that needs it, with the broker's
 * authorization error.
 */
describe("least privilege of Kafka Hub's own principal", () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const run = uniqueSuffix();
  /** The fixed head of this run's namespacePattern, like `apps.` in the README. */
  const head = `khlp-${run}.`;
  const namespacePattern = `${head}{application}.`;
  const principalPattern = `User:khlp-${run}-{application}`;
  // Groups and their topic, as a team's consumers would leave them.
  const feed = `${head}shop.feed`;
  const classicGroup = `${head}shop.billing`;
  const consumerGroup = `${head}shop.tracker`;
  /** SCRAM users and application principals this run made, for afterAll. */
  const usernames: string[] = [];
  const applicationPrincipals: string[] = [];
  let admin: Admin;
  let tracker: TestConsumer | undefined;

  const kafkaAs = (user: ScramUser): KafkaClusterConfig => ({
    brokers: testServices.kafkaSaslBrokers,
    clientId: 'kafka-hub-least-privilege-test',
    ssl: false,
    sasl: {
      mechanism: 'scram-sha-512',
      username: user.username,
      password: user.password,
    },
    connectionTimeoutMs: 2000,
    requestTimeoutMs: 10_000,
  });

  const environmentAs = (user: ScramUser): EnvironmentConfig => ({
    name: 'dev',
    kafka: kafkaAs(user),
    provisioning: {
      defaultPartitions: 1,
      maxPartitions: 10,
      replicationFactor: 1,
      principalPattern,
      topicConfig: {},
    },
  });

  /**
   * A user of this run with the README's ACLs (CREATE and DESCRIBE_CONFIGS
   * prefixed on this run's namespace head, unless `namespaceHead` is
   * undefined: then on `*`), except the rights named.
   */
  async function userWith(
    name: string,
    namespaceHead: string | undefined,
    without: string[] = [],
  ) {
    const username = `khlp-${run}-${name}`;
    usernames.push(username);
    const user = await createScramUser(admin, username);
    const rights = documentedAcls(namespaceHead).filter(
      acl => !without.includes(acl.right),
    );
    expect(rights).toHaveLength(
      documentedAcls(namespaceHead).length - without.length,
    );
    await grantAndSettle(admin, aclBindings(user.principal, rights));
    return user;
  }

  const userWithout = (name: string, ...without: string[]) =>
    userWith(name, head, without);

  /**
   * An application whose `ledger` topic exists with retention.ms of a day,
   * under this run's namespace head (or, with `namespaceHead` '', under the
   * default pattern's `<application>.`).
   */
  async function applicationWithLedger(
    application: string,
    namespaceHead = head,
  ) {
    const ledger = `${namespaceHead}${application}.ledger`;
    await admin.createTopics({
      topics: [{ topic: ledger, partitions: 1, replicas: 1 }],
      configs: [{ name: 'retention.ms', value: '86400000' }],
    });
    await waitForLeaders(admin, [ledger], 30_000);
    applicationPrincipals.push(`User:khlp-${run}-${application}`);
    return {
      application,
      desiredState: {
        environments: ['dev'],
        topics: [
          { name: 'events', config: { 'retention.ms': '7d' } },
          { name: 'ledger', config: { 'retention.ms': '7d' } },
        ],
      },
    };
  }

  const engineAs = (user: ScramUser, pattern = namespacePattern) =>
    new ProvisioningEngine({
      environments: [environmentAs(user)],
      logger,
      options: {
        defaultPartitions: 1,
        replicationFactor: 1,
        namespacePattern: pattern,
        principalPattern,
      },
    });

  async function groupSyncsAs(user: ScramUser) {
    return Promise.all(
      databases.eachSupportedId().map(async ([id]) => {
        const knex = await databases.init(id);
        await knex.migrate.latest({ directory: migrationsDir });
        const groups = new ConsumerGroupStore(knex);
        const sync = new GroupSync({
          environment: environmentAs(user),
          logger,
          groups,
          taskRuns: new TaskRunStore(knex),
          claims: await recordClaims(knex, [
            entity('component:default/shop', `${head}shop.`),
          ]),
          describeBatchSize: 100,
          inactiveAfterMs: 86_400_000,
          archiveAfterMs: 7 * 86_400_000,
        });
        return { id, groups, sync };
      }),
    );
  }

  beforeAll(async () => {
    admin = testAdmin();
    await createTopics(admin, [{ topic: feed, partitions: 2 }]);
    const producer = createProducer();
    try {
      await produce(producer, feed, 2, 3);
    } finally {
      await producer.close();
    }
    await setOffsets(admin, classicGroup, feed, [
      { partition: 0, offset: 1 },
      { partition: 1, offset: 2 },
    ]);
    // A KIP-848 group with a member: ConsumerGroupDescribe checks the
    // topics of its assignment too.
    tracker = await startConsumer(consumerGroup, feed, {
      groupProtocol: 'consumer',
    });
    await waitFor(`${consumerGroup} to read everything`, async () => {
      const [group] = await admin.listConsumerGroupOffsets({
        groups: [consumerGroup],
      });
      const committed = group?.topics
        .find(t => t.name === feed)
        ?.partitions.map(p => Number(p.committedOffset));
      return committed?.join(',') === '3,3';
    });
  });

  afterAll(async () => {
    await tracker?.close().catch(() => undefined);
    if (!admin) return;
    await admin
      .deleteAcls({
        filters: [
          ...usernames.map(u => `User:${u}`),
          ...applicationPrincipals,
        ].map(everyAclOf),
      })
      .catch(() => undefined);
    for (const username of usernames) {
      await deleteScramUser(admin, username).catch(() => undefined);
    }
    await admin
      .deleteGroups({ groups: [classicGroup, consumerGroup] })
      .catch(() => undefined);
    const topics = (await admin.listTopics().catch(() => [])).filter(t =>
      t.startsWith(`khlp-${run}`),
    );
    if (topics.length > 0) {
      await admin.deleteTopics({ topics }).catch(() => undefined);
    }
    await admin.close();
  });

  describe('with exactly the documented ACLs', () => {
    let user: ScramUser;

    beforeAll(async () => {
      user = await userWith('all', head);
    });

    it('passes the health check', async () => {
      const health = await checkKafka(kafkaAs(user), logger, 5000);
      expect(health).toMatchObject({ status: 'up', details: { sasl: true } });
    });

    it("provisions an application: creates its topics with configs, reads an existing topic's configs, grants its principal's prefixed ACLs", async () => {
      const request = await applicationWithLedger('orders');
      const engine = engineAs(user);
      const principal = `User:khlp-${run}-orders`;
      const prefix = `${head}orders.`;

      const result = await engine.provision(request);

      expect(result).toMatchObject({ status: 'completed' });
      expect(result.environments.dev).toEqual({
        status: 'success',
        message: `Created 1 topic, 1 already existed; topic ${prefix}ledger has retention.ms=86400000, 604800000 declared (not changed); 6 ACLs in place (6 created, 0 already existed)`,
        finishedAt: expect.any(String),
      });
      const [events] = await admin.describeConfigs({
        resources: [
          {
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName: `${prefix}events`,
            configurationKeys: ['retention.ms'],
          },
        ],
      });
      expect(events.configs.map(c => [c.name, c.value])).toEqual([
        ['retention.ms', '604800000'],
      ]);
      const granted = await admin.describeAcls({
        filter: everyAclOf(principal),
      });
      expect(
        granted.flatMap(resource => resource.acls.map(() => resource)),
      ).toHaveLength(6);
      expect(
        granted.every(
          r =>
            r.resourceName === prefix &&
            r.resourcePatternType === ResourcePatternTypes.PREFIXED,
        ),
      ).toBe(true);

      // Its ACLs exist now: the second run finds them (DescribeAcls).
      await waitFor('the broker to describe the new ACLs', async () => {
        const again = await engine.provision(request);
        return (
          again.environments.dev.message ===
          'Created 0 topics, 2 already existed; topic ' +
            `${prefix}ledger has retention.ms=86400000, 604800000 declared (not changed); ` +
            '6 ACLs in place (already existed)'
        );
      });
    });

    it('syncs the consumer groups: lists them and describes classic and KIP-848 groups', async () => {
      for (const { id, groups, sync } of await groupSyncsAs(user)) {
        const result = await sync.sync();
        expect({ id, ok: result.ok }).toEqual({ id, ok: true });
        if (!result.ok) continue;
        expect(
          result.describeErrors.filter(e => e.groupId.startsWith(head)),
        ).toEqual([]);
        expect(await groups.get('dev', classicGroup)).toMatchObject({
          type: 'classic',
          state: 'Empty',
          entityRef: 'component:default/shop',
        });
        expect(await groups.get('dev', consumerGroup)).toMatchObject({
          type: 'consumer',
          state: 'Stable',
          describedWith: 'ConsumerGroupDescribe',
          members: [
            expect.objectContaining({
              assignments: [expect.objectContaining({ topic: feed })],
            }),
          ],
        });
      }
    });

    it('samples lag: committed offsets of both groups and the end offsets of their topic', async () => {
      const offsets = new OffsetsClient(kafkaAs(user));
      try {
        const committed = await offsets.committedOffsetsOfGroups(
          [classicGroup, consumerGroup],
          4,
        );
        expect(committed.map(c => c.error)).toEqual([undefined, undefined]);
        expect(committed.map(c => c.offsets)).toEqual([
          [
            {
              topic: feed,
              partitions: [
                { partition: 0, offset: 1 },
                { partition: 1, offset: 2 },
              ],
            },
          ],
          [
            {
              topic: feed,
              partitions: [
                { partition: 0, offset: 3 },
                { partition: 1, offset: 3 },
              ],
            },
          ],
        ]);
        const ends = await offsets.endOffsets([feed], 4);
        expect(Object.fromEntries(ends.get(feed) ?? [])).toEqual(
          await endOffsets(admin, feed),
        );
      } finally {
        await offsets.close();
      }
    });
  });

  it('provisions under the default namespacePattern with CREATE and DESCRIBE_CONFIGS on every topic', async () => {
    const user = await userWith('wildcard', undefined);
    // `{application}.`: the prefix has no fixed head, so `*` it is.
    const application = `khlp-${run}-plain`;
    const request = await applicationWithLedger(application, '');

    const result = await engineAs(user, '{application}.').provision(request);

    expect(result.environments.dev).toEqual({
      status: 'success',
      message: `Created 1 topic, 1 already existed; topic ${application}.ledger has retention.ms=86400000, 604800000 declared (not changed); 6 ACLs in place (6 created, 0 already existed)`,
      finishedAt: expect.any(String),
    });
  });

  describe('without one of them', () => {
    it('passes the health check with no ACL at all: signing in is enough', async () => {
      const user = await userWithout(
        'none',
        ...documentedAcls(head).map(acl => acl.right),
      );
      const health = await checkKafka(kafkaAs(user), logger, 5000);
      expect(health).toMatchObject({ status: 'up' });
    });

    it('cannot grant the application its ACLs without ALTER on the cluster (DESCRIBE is not enough)', async () => {
      const user = await userWithout('no-alter', 'cluster ALTER');
      const request = await applicationWithLedger('noalter');
      const principal = `User:khlp-${run}-noalter`;

      const result = await engineAs(user).provision(request);

      // Topics are still created: the ACL step alone fails.
      expect(result.environments.dev).toMatchObject({
        status: 'failed',
        message: expect.stringMatching(/^Created 1 topic, 1 already existed;/),
        error: expect.stringMatching(
          new RegExp(
            `^Describing ACLs of ${principal}: CLUSTER_AUTHORIZATION_FAILED: Cluster authorization failed\\. \\(the connecting principal needs DESCRIBE permission\\.\\)$`,
          ),
        ),
      });

      // With DESCRIBE instead of ALTER, the ACLs are described, not created.
      await grantAndSettle(
        admin,
        aclBindings(user.principal, [
          {
            resourceType: ResourceTypes.CLUSTER,
            resourceName: 'kafka-cluster',
            resourcePatternType: ResourcePatternTypes.LITERAL,
            operation: AclOperations.DESCRIBE,
          },
        ]),
      );
      const withDescribe = await engineAs(user).provision(request);
      expect(withDescribe.environments.dev.error).toMatch(
        new RegExp(
          `^Creating ACLs for ${principal} on prefix ${head}noalter\\.: CLUSTER_AUTHORIZATION_FAILED: Cluster authorization failed\\. \\(the connecting principal needs ALTER permission\\.\\)$`,
        ),
      );
    });

    it('observes groups and lag with DESCRIBE on topics and groups only (an environment that is only observed)', async () => {
      // The README's rows of an observed-only environment, no others.
      const user = await userWithout(
        'observer',
        'cluster ALTER',
        'topic CREATE',
        'topic DESCRIBE_CONFIGS',
      );

      // Without cluster DESCRIBE, ListGroups lists the groups the
      // principal may describe: with DESCRIBE on every group, all of them.
      for (const { id, groups, sync } of await groupSyncsAs(user)) {
        const result = await sync.sync();
        expect({ id, ok: result.ok }).toEqual({ id, ok: true });
        if (!result.ok) continue;
        expect(
          result.describeErrors.filter(e => e.groupId.startsWith(head)),
        ).toEqual([]);
        expect(await groups.get('dev', consumerGroup)).toMatchObject({
          state: 'Stable',
          describedWith: 'ConsumerGroupDescribe',
        });
        expect(await groups.get('dev', classicGroup)).toMatchObject({
          state: 'Empty',
        });
      }
      const offsets = new OffsetsClient(kafkaAs(user));
      try {
        const committed = await offsets.committedOffsetsOfGroups(
          [classicGroup, consumerGroup],
          4,
        );
        expect(committed.map(c => c.error)).toEqual([undefined, undefined]);
        expect(
          Object.fromEntries(
            (await offsets.endOffsets([feed], 4)).get(feed) ?? [],
          ),
        ).toEqual(await endOffsets(admin, feed));
      } finally {
        await offsets.close();
      }
    });

    it('cannot create topics without CREATE on the namespaces', async () => {
      const user = await userWithout('no-create', 'topic CREATE');
      const request = await applicationWithLedger('nocreate');

      const result = await engineAs(user).provision(request);

      expect(result.environments.dev).toMatchObject({
        status: 'failed',
        error: `Creating topic ${head}nocreate.events: TOPIC_AUTHORIZATION_FAILED: Topic authorization failed. (Authorization failed.)`,
      });
    });

    it("cannot read an existing topic's configs (drift) without DESCRIBE_CONFIGS", async () => {
      const user = await userWithout('no-configs', 'topic DESCRIBE_CONFIGS');
      const request = await applicationWithLedger('noconfigs');

      const result = await engineAs(user).provision(request);

      expect(result.environments.dev).toMatchObject({
        status: 'failed',
        message:
          'Created 1 topic, 1 already existed; 6 ACLs in place (6 created, 0 already existed)',
        error: expect.stringMatching(
          new RegExp(
            `^Describing the configs of topic ${head}noconfigs\\.ledger: TOPIC_AUTHORIZATION_FAILED: Topic authorization failed`,
          ),
        ),
      });
    });

    it('cannot describe groups or read their offsets without DESCRIBE on groups', async () => {
      const user = await userWithout('no-groups', 'group DESCRIBE');

      for (const { id, sync } of await groupSyncsAs(user)) {
        const result = await sync.sync();
        expect({ id, ok: result.ok }).toEqual({ id, ok: true });
        if (!result.ok) continue;
        // ALTER on the cluster implies DESCRIBE, which lists every group;
        // describing one needs DESCRIBE on it.
        expect(
          result.describeErrors
            .filter(e => e.groupId.startsWith(head))
            .sort((a, b) => a.groupId.localeCompare(b.groupId)),
        ).toEqual([
          {
            groupId: classicGroup,
            error: expect.stringMatching(
              /^Its coordinator could not be found: GROUP_AUTHORIZATION_FAILED: /,
            ),
          },
          {
            groupId: consumerGroup,
            error: expect.stringMatching(
              /^Its coordinator could not be found: GROUP_AUTHORIZATION_FAILED: /,
            ),
          },
        ]);
      }
      const offsets = new OffsetsClient(kafkaAs(user));
      try {
        const [committed] = await offsets.committedOffsetsOfGroups(
          [classicGroup],
          4,
        );
        expect(describeKafkaError(committed.error)).toMatch(
          /^GROUP_AUTHORIZATION_FAILED: /,
        );
      } finally {
        await offsets.close();
      }
    });

    it("cannot describe a KIP-848 group or read its topic's end offsets without DESCRIBE on topics", async () => {
      const user = await userWithout('no-topics', 'topic DESCRIBE');

      for (const { id, sync } of await groupSyncsAs(user)) {
        const result = await sync.sync();
        expect({ id, ok: result.ok }).toEqual({ id, ok: true });
        if (!result.ok) continue;
        expect(
          result.describeErrors.filter(e => e.groupId.startsWith(head)),
        ).toEqual([
          {
            groupId: consumerGroup,
            error: expect.stringMatching(/^TOPIC_AUTHORIZATION_FAILED: /),
          },
        ]);
      }
      // Topics it may create but not describe: created, then never seen.
      const request = await applicationWithLedger('notopics');
      const result = await engineAs(user).provision(request);
      const topics = `${head}notopics.events, ${head}notopics.ledger`;
      expect(result.environments.dev).toMatchObject({
        status: 'failed',
        error: `Waiting for the leaders of ${topics}: TOPIC_AUTHORIZATION_FAILED: Topic authorization failed; Describing existing topics: TOPIC_AUTHORIZATION_FAILED: Topic authorization failed`,
      });

      const offsets = new OffsetsClient(kafkaAs(user));
      try {
        // The broker leaves topics the client may not describe out of the
        // metadata: no end offsets, so no lag.
        expect(await offsets.endOffsets([feed], 4)).toEqual(new Map());
      } finally {
        await offsets.close();
      }
    });
  });
});
