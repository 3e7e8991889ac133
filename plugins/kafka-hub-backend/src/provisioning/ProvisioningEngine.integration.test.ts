import { randomBytes } from 'crypto';
import { mockServices } from '@backstage/backend-test-utils';
import {
  AclOperations,
  AclPermissionTypes,
  Admin,
  ConfigResourceTypes,
  connectionsApiChannel,
  Consumer,
  MessagesStreamModes,
  Producer,
  ResourcePatternTypes,
  ResourceTypes,
  stringDeserializers,
  stringSerializers,
} from '@platformatic/kafka';
import { KAFKA_TOPIC_CONFIGS } from '../config/readProvisioningSettings';
import {
  EnvironmentConfig,
  EnvironmentProvisioningConfig,
  KafkaClusterConfig,
} from '../config/types';
import {
  createKafkaAdmin,
  describeKafkaError,
  kafkaClientOptions,
} from '../kafka';
import { testServices, unusedPort } from '../testUtils/testServices';
import {
  NOT_LISTED_MESSAGE,
  ProvisioningEngine,
  ProvisioningEngineOptions,
} from './ProvisioningEngine';
import { waitForLeaders } from './provisionTopics';

jest.setTimeout(60_000);

const logger = mockServices.logger.mock();

const kafkaConfig = (
  overrides: Partial<KafkaClusterConfig> = {},
): KafkaClusterConfig => ({
  brokers: testServices.kafkaSaslBrokers,
  clientId: 'kafka-hub-provisioning-test',
  ssl: false,
  sasl: { mechanism: 'plain', ...testServices.admin },
  connectionTimeoutMs: 2000,
  requestTimeoutMs: 10_000,
  ...overrides,
});

const environment = (
  name: string,
  overrides: Partial<KafkaClusterConfig> = {},
  provisioning?: Partial<EnvironmentProvisioningConfig>,
): EnvironmentConfig => ({
  name,
  kafka: kafkaConfig(overrides),
  ...(provisioning
    ? {
        provisioning: {
          defaultPartitions: 2,
          maxPartitions: 100,
          replicationFactor: 1,
          principalPattern: 'User:{application}',
          topicConfig: {},
          ...provisioning,
        },
      }
    : {}),
});

/** Kafka requests sent while `action` runs, by API key (e.g. 32 DescribeConfigs). */
async function countingRequests<T>(
  action: () => Promise<T>,
): Promise<{ result: T; requests: Map<number, number> }> {
  const requests = new Map<number, number>();
  const count = (message: unknown) => {
    const { apiKey } = message as { apiKey: number };
    requests.set(apiKey, (requests.get(apiKey) ?? 0) + 1);
  };
  connectionsApiChannel.start.subscribe(count);
  try {
    return { result: await action(), requests };
  } finally {
    connectionsApiChannel.start.unsubscribe(count);
  }
}

const CREATE_TOPICS = 19;
const DESCRIBE_CONFIGS = 32;

async function deadEnvironment(name: string): Promise<EnvironmentConfig> {
  return environment(name, { brokers: [`127.0.0.1:${await unusedPort()}`] });
}

/** A fresh application slug, so reruns against the same broker never collide. */
const uniqueApplication = (base: string) =>
  `${base}-${randomBytes(4).toString('hex')}`;

const engineFor = (
  environments: EnvironmentConfig[],
  options: Partial<ProvisioningEngineOptions> = {},
) =>
  new ProvisioningEngine({
    environments,
    logger,
    options: { defaultPartitions: 2, replicationFactor: 1, ...options },
  });

/** Options of a test client signed in as `user` over SASL PLAIN. */
const optionsAs = (user: { username: string; password: string }, retries = 0) =>
  kafkaClientOptions(
    kafkaConfig({
      clientId: `kafka-hub-provisioning-test-${user.username}`,
      sasl: { mechanism: 'plain', ...user },
    }),
    { retries },
  );

const producerAs = (
  user: { username: string; password: string },
  retries = 0,
) =>
  new Producer({
    ...optionsAs(user, retries),
    serializers: stringSerializers,
  });

/** The name of a value of one of the client's ACL enumerations. */
const nameOf = (values: Record<string, number>, value: number) =>
  Object.entries(values).find(([, v]) => v === value)?.[0] ?? String(value);

const bob = { username: 'bob', password: 'bob-secret' };

describe('ProvisioningEngine against the real broker', () => {
  let admin: Admin;

  beforeAll(() => {
    admin = createKafkaAdmin(kafkaConfig(), { retries: 3 });
  });

  afterAll(async () => {
    await admin.close();
  });

  async function partitionCounts(topics: string[]) {
    const metadata = await admin.metadata({ topics, forceUpdate: true });
    return Object.fromEntries(
      [...metadata.topics].map(([name, topic]) => [
        name,
        topic.partitionsCount,
      ]),
    );
  }

  async function aclsOf(principal: string, prefix: string) {
    const described = await admin.describeAcls({
      filter: {
        resourceType: ResourceTypes.ANY,
        resourceName: prefix,
        resourcePatternType: ResourcePatternTypes.PREFIXED,
        principal,
        host: '*',
        operation: AclOperations.ANY,
        permissionType: AclPermissionTypes.ANY,
      },
    });
    return described
      .flatMap(resource =>
        resource.acls.map(
          acl =>
            `${nameOf(ResourceTypes, resource.resourceType)}:${
              resource.resourceName
            }:${nameOf(
              ResourcePatternTypes,
              resource.resourcePatternType,
            )}:${nameOf(AclOperations, acl.operation)}:${nameOf(
              AclPermissionTypes,
              acl.permissionType,
            )}:${acl.host}`,
        ),
      )
      .sort();
  }

  /** The configs `keys` of each topic, as the broker describes them. */
  async function topicConfigs(topics: string[], keys: string[]) {
    const described = await admin.describeConfigs({
      resources: topics.map(topic => ({
        resourceType: ConfigResourceTypes.TOPIC,
        resourceName: topic,
        configurationKeys: keys,
      })),
    });
    return Object.fromEntries(
      described.map(d => [
        d.resourceName,
        Object.fromEntries(d.configs.map(c => [c.name, c.value])),
      ]),
    );
  }

  /**
   * The ACLs once the broker describes `count` of them: the KRaft
   * controller applies new ACLs asynchronously, so a describe right after
   * a create may not see them all yet.
   */
  async function settledAcls(principal: string, prefix: string, count: number) {
    for (let attempt = 0; ; attempt++) {
      const acls = await aclsOf(principal, prefix);
      if (acls.length >= count || attempt >= 50) return acls;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }

  it('creates the topics and the prefixed ACLs, then a second run changes nothing', async () => {
    const application = uniqueApplication('orders');
    const engine = engineFor([environment('dev')]);
    const desiredState = {
      environments: ['dev'],
      topics: [{ name: 'created', partitions: 3 }, { name: 'shipped' }],
    };

    const first = await engine.provision({ application, desiredState });

    expect(first.status).toBe('completed');
    expect(first.error).toBeUndefined();
    expect(first.environments.dev).toEqual({
      status: 'success',
      message:
        'Created 2 topics, 0 already existed; 6 ACLs in place (6 created, 0 already existed)',
      finishedAt: expect.any(String),
    });
    expect(
      await partitionCounts([
        `${application}.created`,
        `${application}.shipped`,
      ]),
    ).toEqual({ [`${application}.created`]: 3, [`${application}.shipped`]: 2 });
    const acls = await settledAcls(`User:${application}`, `${application}.`, 6);
    expect(acls).toEqual(
      [
        `TOPIC:${application}.:PREFIXED:READ:ALLOW:*`,
        `TOPIC:${application}.:PREFIXED:WRITE:ALLOW:*`,
        `TOPIC:${application}.:PREFIXED:DESCRIBE:ALLOW:*`,
        `GROUP:${application}.:PREFIXED:READ:ALLOW:*`,
        `TRANSACTIONAL_ID:${application}.:PREFIXED:WRITE:ALLOW:*`,
        `TRANSACTIONAL_ID:${application}.:PREFIXED:DESCRIBE:ALLOW:*`,
      ].sort(),
    );

    const second = await engine.provision({ application, desiredState });

    expect(second.status).toBe('completed');
    expect(second.environments.dev).toEqual({
      status: 'success',
      message:
        'Created 0 topics, 2 already existed; 6 ACLs in place (already existed)',
      finishedAt: expect.any(String),
    });
    expect(await aclsOf(`User:${application}`, `${application}.`)).toEqual(
      acls,
    );
  });

  it('succeeds in two environments that share one cluster and create the same topics at once', async () => {
    // The demo's dev and stage are one broker; so can be a real staging
    // cluster reused by two environments.
    for (let round = 0; round < 5; round++) {
      const application = uniqueApplication('shared');
      const engine = engineFor([
        environment('one'),
        environment('two', {
          brokers: testServices.kafkaPlaintextBrokers,
          sasl: undefined,
        }),
      ]);
      const result = await engine.provision({
        application,
        desiredState: {
          environments: ['one', 'two'],
          topics: ['a', 'b', 'c', 'd'].map(name => ({ name })),
        },
      });
      expect({ round, status: result.status, error: result.error }).toEqual({
        round,
        status: 'completed',
        error: undefined,
      });
      expect(
        Object.keys(
          await partitionCounts(
            ['a', 'b', 'c', 'd'].map(t => `${application}.${t}`),
          ),
        ),
      ).toHaveLength(4);
    }
  });

  it('notes an existing topic with fewer partitions than declared, without failing or changing it', async () => {
    const application = uniqueApplication('grow');
    const engine = engineFor([environment('dev')]);
    await engine.provision({
      application,
      desiredState: { environments: ['dev'], topics: [{ name: 'events' }] },
    });

    const result = await engine.provision({
      application,
      desiredState: {
        environments: ['dev'],
        topics: [{ name: 'events', partitions: 5 }],
      },
    });

    expect(result.status).toBe('completed');
    expect(result.environments.dev.status).toBe('success');
    expect(result.environments.dev.message).toContain(
      `topic ${application}.events has 2 partitions, 5 declared (not changed)`,
    );
    expect(await partitionCounts([`${application}.events`])).toEqual({
      [`${application}.events`]: 2,
    });
  });

  it('grants real rights: the principal produces and consumes under the prefix, another user cannot', async () => {
    const application = uniqueApplication('alice');
    const topic = `${application}.events`;
    const engine = engineFor([environment('dev')], {
      principalPattern: 'User:alice',
    });
    const result = await engine.provision({
      application,
      desiredState: { environments: ['dev'], topics: [{ name: 'events' }] },
    });
    expect(result.status).toBe('completed');

    // retries: the group coordinator may still be starting on a fresh broker
    const producer = producerAs(testServices.user, 5);
    try {
      await producer.send({ messages: [{ topic, value: 'hello' }] });
    } finally {
      await producer.close();
    }

    const consumer = new Consumer({
      ...optionsAs(testServices.user, 5),
      groupId: `${application}.reader`,
      deserializers: stringDeserializers,
      sessionTimeout: 6000,
      heartbeatInterval: 500,
    });
    try {
      const stream = await consumer.consume({
        topics: [topic],
        mode: MessagesStreamModes.EARLIEST,
      });
      let timer: NodeJS.Timeout | undefined;
      const received = await Promise.race([
        (async () => {
          for await (const message of stream) return message.value;
          return undefined;
        })(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error('no message within 30 s')),
            30_000,
          );
        }),
      ]).finally(() => clearTimeout(timer));
      await stream.close();
      expect(received).toBe('hello');
    } finally {
      await consumer.close(true);
    }

    const bobProducer = producerAs(bob);
    try {
      const refused = await bobProducer
        .send({ messages: [{ topic, value: 'intruder' }] })
        .then(
          () => 'sent',
          error => describeKafkaError(error),
        );
      expect(refused).toMatch(/^TOPIC_AUTHORIZATION_FAILED: /);
    } finally {
      await bobProducer.close();
    }
  });

  it('reports partial with a connection error when one environment is dead, failed when all are', async () => {
    const application = uniqueApplication('dead');
    const dead = await deadEnvironment('prod');
    const desiredState = {
      environments: ['dev', 'prod'],
      topics: [{ name: 'events' }],
    };

    const started = Date.now();
    const mixed = await engineFor([environment('dev'), dead]).provision({
      application,
      desiredState,
    });

    expect(Date.now() - started).toBeLessThan(20_000);
    expect(mixed.status).toBe('partial');
    expect(mixed.environments.dev.status).toBe('success');
    expect(mixed.environments.prod).toEqual({
      status: 'failed',
      error: expect.stringMatching(
        /^Connecting to 127\.0\.0\.1:(\d+): Connection to 127\.0\.0\.1:\1 failed: connect ECONNREFUSED 127\.0\.0\.1:\1$/,
      ),
      finishedAt: expect.any(String),
    });
    expect(mixed.error).toMatch(
      /^prod: Connecting to 127\.0\.0\.1:\d+: Connection to 127\.0\.0\.1:\d+ failed: connect ECONNREFUSED 127\.0\.0\.1:\d+$/,
    );

    const onlyDead = await engineFor([dead]).provision({
      application,
      desiredState: { environments: ['prod'], topics: [{ name: 'events' }] },
    });
    expect(onlyDead.status).toBe('failed');
    expect(onlyDead.environments.prod.status).toBe('failed');
    expect(onlyDead.error).toMatch(/^prod: .*ECONNREFUSED/);
  });

  it('reports an authorization error for a principal without rights', async () => {
    const application = uniqueApplication('nobody');
    const engine = engineFor([
      environment('dev', { sasl: { mechanism: 'plain', ...bob } }),
    ]);

    const result = await engine.provision({
      application,
      desiredState: { environments: ['dev'], topics: [{ name: 'events' }] },
    });

    expect(result.status).toBe('failed');
    expect(result.environments.dev.status).toBe('failed');
    expect(result.environments.dev.error).toMatch(
      new RegExp(
        `^Creating topic ${application}\\.events: TOPIC_AUTHORIZATION_FAILED: Topic authorization failed\\. \\(Authorization failed\\.\\); Describing ACLs of User:${application}: CLUSTER_AUTHORIZATION_FAILED: Cluster authorization failed\\. \\(.* needs DESCRIBE permission\\.\\)$`,
      ),
    );
    expect(result.error).toBe(`dev: ${result.environments.dev.error}`);
  });

  it('reports the authorization error on ACLs when the principal may create topics but not ACLs', async () => {
    // bob may create topics under a prefix of his own, but not manage ACLs
    const application = uniqueApplication('bobapp');
    await admin.createAcls({
      creations: [
        {
          resourceType: ResourceTypes.TOPIC,
          resourceName: `${application}.`,
          resourcePatternType: ResourcePatternTypes.PREFIXED,
          principal: 'User:bob',
          host: '*',
          operation: AclOperations.ALL,
          permissionType: AclPermissionTypes.ALLOW,
        },
      ],
    });
    const engine = engineFor([
      environment('dev', { sasl: { mechanism: 'plain', ...bob } }),
    ]);

    const result = await engine.provision({
      application,
      desiredState: { environments: ['dev'], topics: [{ name: 'events' }] },
    });

    expect(result.status).toBe('failed');
    expect(result.environments.dev.error).toMatch(
      /^Describing ACLs of User:bobapp-[0-9a-f]+: CLUSTER_AUTHORIZATION_FAILED: Cluster authorization failed\. \(.* needs DESCRIBE permission\.\)$/,
    );
    expect(await partitionCounts([`${application}.events`])).toEqual({
      [`${application}.events`]: 2,
    });
  });

  it('reports an invalid topic name with the topic it was creating, and still creates the rest', async () => {
    const application = uniqueApplication('invalid');
    const result = await engineFor([environment('dev')]).provision({
      application,
      desiredState: {
        environments: ['dev'],
        topics: [{ name: 'bad name!' }, { name: 'good' }],
      },
    });

    expect(result.status).toBe('failed');
    expect(result.environments.dev).toEqual({
      status: 'failed',
      error: `Creating topic ${application}.bad name!: INVALID_TOPIC_EXCEPTION: The request attempted to perform an operation on an invalid topic. (Topic name is invalid: '${application}.bad name!' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-')`,
      message:
        'Created 1 topic, 0 already existed; 6 ACLs in place (6 created, 0 already existed)',
      finishedAt: expect.any(String),
    });
    expect(await partitionCounts([`${application}.good`])).toEqual({
      [`${application}.good`]: 2,
    });
  });

  it('skips desired environments that are not configured and configured ones that are not desired', async () => {
    const application = uniqueApplication('skip');
    const result = await engineFor([
      environment('dev'),
      environment('stage'),
    ]).provision({
      application,
      desiredState: {
        environments: ['dev', 'qa'],
        topics: [{ name: 'events' }],
      },
    });

    expect(result.status).toBe('completed');
    expect(Object.keys(result.environments)).toEqual(['dev', 'qa', 'stage']);
    expect(result.environments.dev.status).toBe('success');
    expect(result.environments.qa).toEqual({
      status: 'skipped',
      message: 'Environment "qa" is not configured in kafkaHub.environments',
      finishedAt: expect.any(String),
    });
    expect(result.environments.stage).toEqual({
      status: 'skipped',
      message: NOT_LISTED_MESSAGE,
      finishedAt: expect.any(String),
    });
  });

  it('runs only the target environments and keeps the previous detail of the others', async () => {
    const application = uniqueApplication('retry');
    const dead = await deadEnvironment('prod');
    const desiredState = {
      environments: ['dev', 'prod'],
      topics: [{ name: 'events' }],
    };
    const first = await engineFor([environment('dev'), dead]).provision({
      application,
      desiredState,
    });
    expect(first.status).toBe('partial');
    // Or the retry could count dev's ACLs as new.
    await settledAcls(`User:${application}`, `${application}.`, 6);

    // prod comes back (here: configured to the live broker) and only it is retried
    const retried = await engineFor([
      environment('dev', { brokers: testServices.deadBrokers }),
      environment('prod'),
    ]).provision({
      application,
      desiredState,
      targetEnvironments: ['prod'],
      previous: first.environments,
    });

    expect(retried.status).toBe('completed');
    expect(retried.error).toBeUndefined();
    expect(retried.environments.dev).toEqual(first.environments.dev);
    expect(retried.environments.prod).toEqual({
      status: 'success',
      message:
        'Created 0 topics, 1 already existed; 6 ACLs in place (already existed)',
      finishedAt: expect.any(String),
    });
  });

  describe('per-environment settings and topic configs', () => {
    it("creates new topics with the environment's configs and each topic's own over them", async () => {
      const application = uniqueApplication('configured');
      const engine = engineFor([
        environment(
          'dev',
          {},
          {
            topicConfig: {
              'retention.ms': '259200000',
              'segment.ms': '3600000',
            },
          },
        ),
      ]);

      const { result, requests } = await countingRequests(() =>
        engine.provision({
          application,
          desiredState: {
            environments: ['dev'],
            topics: [
              { name: 'events' },
              {
                name: 'ledger',
                partitions: 3,
                config: { 'cleanup.policy': 'compact', 'retention.ms': '7d' },
              },
              { name: 'audit', config: { 'retention.bytes': '1GiB' } },
            ],
          },
        }),
      );

      expect(result.environments.dev).toEqual({
        status: 'success',
        message:
          'Created 3 topics, 0 already existed; 6 ACLs in place (6 created, 0 already existed)',
        finishedAt: expect.any(String),
      });
      // One CreateTopics per distinct set of configs.
      expect(requests.get(CREATE_TOPICS)).toBe(3);
      expect(
        await topicConfigs(
          ['events', 'ledger', 'audit'].map(t => `${application}.${t}`),
          ['retention.ms', 'retention.bytes', 'cleanup.policy', 'segment.ms'],
        ),
      ).toEqual({
        [`${application}.events`]: {
          'retention.ms': '259200000',
          'retention.bytes': '-1',
          'cleanup.policy': 'delete',
          'segment.ms': '3600000',
        },
        [`${application}.ledger`]: {
          'retention.ms': '604800000',
          'retention.bytes': '-1',
          'cleanup.policy': 'compact',
          'segment.ms': '3600000',
        },
        [`${application}.audit`]: {
          'retention.ms': '259200000',
          'retention.bytes': '1073741824',
          'cleanup.policy': 'delete',
          'segment.ms': '3600000',
        },
      });
      expect(
        await partitionCounts([
          `${application}.ledger`,
          `${application}.events`,
        ]),
      ).toEqual({ [`${application}.ledger`]: 3, [`${application}.events`]: 2 });
    });

    it('reports drift of existing topics, read with one DescribeConfigs, and changes nothing', async () => {
      const application = uniqueApplication('drift');
      const [events, ledger] = ['events', 'ledger'].map(
        t => `${application}.${t}`,
      );
      await admin.createTopics({
        topics: [
          { topic: events, partitions: 1, replicas: 1 },
          { topic: ledger, partitions: 2, replicas: 1 },
        ],
        configs: [{ name: 'retention.ms', value: '86400000' }],
      });
      await waitForLeaders(admin, [events, ledger], 30_000);
      const engine = engineFor([
        environment(
          'dev',
          {},
          {
            topicConfig: { 'max.message.bytes': '2097152' },
          },
        ),
      ]);
      const desiredState = {
        environments: ['dev'],
        topics: [
          { name: 'events', partitions: 3, config: { 'retention.ms': '7d' } },
          { name: 'ledger', config: { 'retention.ms': '1d' } },
        ],
      };

      const { result, requests } = await countingRequests(() =>
        engine.provision({ application, desiredState }),
      );

      expect(result.status).toBe('completed');
      expect(result.environments.dev).toEqual({
        status: 'success',
        message: [
          'Created 0 topics, 2 already existed',
          `topic ${events} has 1 partition, 3 declared (not changed)`,
          `topic ${events} has max.message.bytes=1048588, 2097152 configured for dev (not changed)`,
          `topic ${events} has retention.ms=86400000, 604800000 declared (not changed)`,
          `topic ${ledger} has max.message.bytes=1048588, 2097152 configured for dev (not changed)`,
          '6 ACLs in place (6 created, 0 already existed)',
        ].join('; '),
        finishedAt: expect.any(String),
      });
      expect(requests.get(DESCRIBE_CONFIGS)).toBe(1);
      expect(requests.get(CREATE_TOPICS)).toBeUndefined();
      expect(
        await topicConfigs(
          [events, ledger],
          ['retention.ms', 'max.message.bytes'],
        ),
      ).toEqual({
        [events]: {
          'retention.ms': '86400000',
          'max.message.bytes': '1048588',
        },
        [ledger]: {
          'retention.ms': '86400000',
          'max.message.bytes': '1048588',
        },
      });
      expect(await partitionCounts([events])).toEqual({ [events]: 1 });
    });

    it('reports drift of a topic another environment on the same cluster created meanwhile', async () => {
      const application = uniqueApplication('raced');
      const topic = `${application}.events`;
      const engine = engineFor([
        environment('dev', {}, { topicConfig: { 'retention.ms': '86400000' } }),
        environment(
          'stage',
          { brokers: testServices.kafkaPlaintextBrokers, sasl: undefined },
          { topicConfig: { 'retention.ms': '172800000' } },
        ),
      ]);

      const result = await engine.provision({
        application,
        desiredState: {
          environments: ['dev', 'stage'],
          topics: [{ name: 'events' }],
        },
      });

      expect(result.status).toBe('completed');
      const [retention] = Object.values(
        await topicConfigs([topic], ['retention.ms']),
      ).map(configs => configs['retention.ms']);
      // Whichever environment lost the race says how the topic differs.
      const [winner, loser] =
        retention === '86400000' ? ['dev', 'stage'] : ['stage', 'dev'];
      // The two environments also race on the (shared) ACLs, so which one
      // created them is not the point: both find all 6 in place.
      expect(result.environments[winner].message).toMatch(
        /^Created 1 topic, 0 already existed; 6 ACLs in place \((\d created, \d already existed|already existed)\)$/,
      );
      expect(result.environments[loser].message).toMatch(
        new RegExp(
          `^Created 0 topics, 1 already existed; topic ${topic} has retention\\.ms=${retention}, ${
            winner === 'dev' ? '172800000' : '86400000'
          } configured for ${loser} \\(not changed\\); 6 ACLs in place`,
        ),
      );
    });

    it('reports drift of the topics whose configs it may read and an error for each it may not', async () => {
      const application = uniqueApplication('cfgauth');
      const [open, closed] = ['open', 'closed'].map(t => `${application}.${t}`);
      await admin.createTopics({
        topics: [open, closed].map(topic => ({
          topic,
          partitions: 1,
          replicas: 1,
        })),
        configs: [{ name: 'retention.ms', value: '86400000' }],
      });
      await waitForLeaders(admin, [open, closed], 30_000);
      // bob sees both topics but may read the configs of one only.
      await admin.createAcls({
        creations: [
          {
            resourceType: ResourceTypes.TOPIC,
            resourceName: `${application}.`,
            resourcePatternType: ResourcePatternTypes.PREFIXED,
            principal: 'User:bob',
            host: '*',
            operation: AclOperations.DESCRIBE,
            permissionType: AclPermissionTypes.ALLOW,
          },
          {
            resourceType: ResourceTypes.TOPIC,
            resourceName: open,
            resourcePatternType: ResourcePatternTypes.LITERAL,
            principal: 'User:bob',
            host: '*',
            operation: AclOperations.DESCRIBE_CONFIGS,
            permissionType: AclPermissionTypes.ALLOW,
          },
        ],
      });
      const engine = engineFor([
        environment('dev', { sasl: { mechanism: 'plain', ...bob } }),
      ]);
      const desiredState = {
        environments: ['dev'],
        topics: ['open', 'closed'].map(name => ({
          name,
          partitions: 1,
          config: { 'retention.ms': '7d' },
        })),
      };

      // The KRaft controller applies new ACLs a moment later: wait until
      // bob sees both topics.
      const bobAdmin = createKafkaAdmin(
        kafkaConfig({ sasl: { mechanism: 'plain', ...bob } }),
      );
      try {
        for (let attempt = 0; attempt < 50; attempt++) {
          const visible = await bobAdmin.listTopics();
          if (visible.includes(open) && visible.includes(closed)) break;
          await new Promise(resolve => setTimeout(resolve, 100));
        }
      } finally {
        await bobAdmin.close();
      }

      const result = await engine.provision({ application, desiredState });

      expect(result.environments.dev).toEqual({
        status: 'failed',
        message: `Created 0 topics, 2 already existed; topic ${open} has retention.ms=86400000, 604800000 declared (not changed)`,
        error: expect.stringMatching(
          new RegExp(
            `^Describing the configs of topic ${closed}: TOPIC_AUTHORIZATION_FAILED: Topic authorization failed; Describing ACLs of User:${application}: CLUSTER_AUTHORIZATION_FAILED: `,
          ),
        ),
        finishedAt: expect.any(String),
      });
    });

    it("uses each environment's replication factor and principal", async () => {
      // One broker: a replication factor of 2 cannot be met, which shows
      // that prod's own setting was used.
      const application = uniqueApplication('perenv');
      const engine = engineFor([
        environment('dev', {}, { principalPattern: 'User:dev-{application}' }),
        environment(
          'prod',
          { brokers: testServices.kafkaPlaintextBrokers, sasl: undefined },
          { replicationFactor: 2, principalPattern: 'User:prod-{application}' },
        ),
      ]);

      // dev and prod are one cluster here: provisioned together, whichever
      // creates the topic first decides what the other sees, so one at a time.
      const prod = await engine.provision({
        application,
        desiredState: { environments: ['prod'], topics: [{ name: 'events' }] },
      });
      expect(prod.environments.prod).toMatchObject({
        status: 'failed',
        error: `Creating topic ${application}.events: INVALID_REPLICATION_FACTOR: Replication factor is below 1 or larger than the number of available brokers. (Unable to replicate the partition 2 time(s): The target replication factor of 2 cannot be reached because only 1 broker(s) are registered or some brokers have all their log directories cordoned.)`,
      });
      const dev = await engine.provision({
        application,
        desiredState: { environments: ['dev'], topics: [{ name: 'events' }] },
      });
      expect(dev.environments.dev).toMatchObject({
        status: 'success',
        message:
          'Created 1 topic, 0 already existed; 6 ACLs in place (6 created, 0 already existed)',
      });
      const prefix = `${application}.`;
      expect(
        await settledAcls(`User:dev-${application}`, prefix, 6),
      ).toHaveLength(6);
      expect(
        await settledAcls(`User:prod-${application}`, prefix, 6),
      ).toHaveLength(6);
      expect(await aclsOf(`User:${application}`, prefix)).toEqual([]);
    });

    it('knows every topic config the broker describes', async () => {
      const application = uniqueApplication('known');
      const topic = `${application}.events`;
      await admin.createTopics({
        topics: [{ topic, partitions: 1, replicas: 1 }],
      });
      await waitForLeaders(admin, [topic], 30_000);
      const [described] = await admin.describeConfigs({
        resources: [
          { resourceType: ConfigResourceTypes.TOPIC, resourceName: topic },
        ],
      });
      const removedInKafka4 = [
        'message.downconversion.enable',
        'message.format.version',
        'message.timestamp.difference.max.ms',
      ];
      expect(described.configs.map(c => c.name).sort()).toEqual(
        [...KAFKA_TOPIC_CONFIGS]
          .filter(c => !removedInKafka4.includes(c))
          .sort(),
      );
    });
  });
});
