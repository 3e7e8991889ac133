import { ConfigReader } from '@backstage/config';
import { readKafkaHubConfig } from './readKafkaHubConfig';

const env = (overrides: object) =>
  new ConfigReader({
    kafkaHub: {
      environments: {
        dev: { kafka: { brokers: ['127.0.0.1:9092'] }, ...overrides },
      },
    },
  });

describe('readKafkaHubConfig', () => {
  it('yields no environments without a kafkaHub section', () => {
    expect(readKafkaHubConfig(new ConfigReader({}))).toMatchObject({
      environments: [],
      namespacePattern: '{application}.',
      health: { timeoutMs: 5000 },
    });
  });

  it('reads how long lists reuse a resolved readable set, 10 seconds by default', () => {
    const read = (permissions?: object) =>
      readKafkaHubConfig(
        new ConfigReader({ kafkaHub: permissions ? { permissions } : {} }),
      ).permissions;
    expect(read()).toEqual({ readableEntitiesCacheTtlMs: 10_000 });
    expect(read({ readableEntitiesCacheTtl: { seconds: 3 } })).toEqual({
      readableEntitiesCacheTtlMs: 3_000,
    });
    expect(read({ readableEntitiesCacheTtl: '1m' })).toEqual({
      readableEntitiesCacheTtlMs: 60_000,
    });
    expect(() => read({ readableEntitiesCacheTtl: 'soon' })).toThrow(
      'kafkaHub.permissions.readableEntitiesCacheTtl is not a valid duration',
    );
  });

  it('reads the signals switch and admin recipients, naming a bad recipient', () => {
    const read = (signals?: object) =>
      readKafkaHubConfig(
        new ConfigReader({ kafkaHub: signals ? { signals } : {} }),
      ).signals;
    expect(read()).toEqual({ enabled: true, adminRecipients: [] });
    expect(
      read({
        enabled: false,
        adminRecipients: ['group:default/kafka-platform'],
      }),
    ).toEqual({
      enabled: false,
      adminRecipients: ['group:default/kafka-platform'],
    });
    expect(() => read({ adminRecipients: ['group:'] })).toThrow(
      'kafkaHub.signals.adminRecipients: "group:" is not an entity ref (e.g. group:default/kafka-platform)',
    );
  });

  it('applies provisioning defaults', () => {
    expect(readKafkaHubConfig(env({})).provisioning).toEqual({
      defaultPartitions: 3,
      maxPartitions: 10000,
      replicationFactor: 1,
      principalPattern: 'User:{application}',
      topicConfig: {},
      allowedTopicConfigs: [
        'retention.ms',
        'retention.bytes',
        'cleanup.policy',
        'min.compaction.lag.ms',
        'max.message.bytes',
        'segment.ms',
      ],
      maxAttempts: 8,
      initialBackoffMs: 60_000,
      maxBackoffMs: 3_600_000,
      leaseTimeoutMs: 600_000,
      concurrency: 4,
      schedule: { frequency: { seconds: 15 }, timeout: { minutes: 15 } },
      reconcileSchedule: {
        frequency: { minutes: 1 },
        timeout: { minutes: 5 },
      },
      maxRemovalShare: 0.5,
      removalsAlwaysAllowed: 10,
    });
  });

  it('reads schema and consumer-group settings with defaults, naming bad ones', () => {
    const read = (section: object) =>
      readKafkaHubConfig(new ConfigReader({ kafkaHub: section }));
    expect(read({}).schemas).toEqual({
      schedule: {
        frequency: { minutes: 5 },
        timeout: { minutes: 10 },
        initialDelay: { seconds: 30 },
      },
      concurrency: 8,
      retries: 2,
      subjectListingLimit: 1000,
    });
    expect(read({ schemas: { retries: 0 } }).schemas.retries).toBe(0);
    expect(() => read({ schemas: { retries: -1 } })).toThrow(
      'kafkaHub.schemas.retries must be a whole number of 0 or more, got -1',
    );

    const groups = read({}).consumerGroups;
    expect(groups).toMatchObject({
      lagSchedule: { frequency: { seconds: 30 } },
      retention: {
        rawMs: 7 * 86_400_000,
        hourlyMs: 30 * 86_400_000,
        dailyMs: 365 * 86_400_000,
        partitionHistoryMs: 3_600_000,
      },
      inactiveAfterMs: 86_400_000,
      archiveAfterMs: 7 * 86_400_000,
      concurrency: 32,
      statusWindow: 10,
      timeLagPoints: 60,
    });
    expect(
      read({
        consumerGroups: {
          retention: { raw: '2d', partitionHistory: { minutes: 0 } },
          lagSchedule: { frequency: { seconds: 10 }, timeout: { minutes: 1 } },
        },
      }).consumerGroups,
    ).toMatchObject({
      retention: { rawMs: 2 * 86_400_000, partitionHistoryMs: 0 },
      lagSchedule: { frequency: { seconds: 10 } },
    });
    expect(() =>
      read({ consumerGroups: { retention: { raw: '40d' } } }),
    ).toThrow(
      'kafkaHub.consumerGroups.retention must keep raw <= hourly <= daily',
    );
    expect(() => read({ consumerGroups: { timeLagPoints: 1 } })).toThrow(
      'kafkaHub.consumerGroups.timeLagPoints must be at least 2',
    );
    expect(() => read({ consumerGroups: { archiveAfter: 'later' } })).toThrow(
      'kafkaHub.consumerGroups.archiveAfter is not a valid duration',
    );
  });

  it('reads provisioning settings and names each bad one', () => {
    const config = (provisioning: object, extra: object = {}) =>
      readKafkaHubConfig(
        new ConfigReader({
          kafkaHub: { provisioning, ...extra },
        }),
      );
    expect(
      config({
        maxAttempts: 3,
        initialBackoff: '10s',
        maxBackoff: { minutes: 5 },
        leaseTimeout: 'PT2M',
        schedule: { frequency: { seconds: 5 }, timeout: { minutes: 1 } },
        maxRemovalShare: 0.2,
        removalsAlwaysAllowed: 0,
      }).provisioning,
    ).toMatchObject({
      maxRemovalShare: 0.2,
      removalsAlwaysAllowed: 0,
      maxAttempts: 3,
      initialBackoffMs: 10_000,
      maxBackoffMs: 300_000,
      leaseTimeoutMs: 120_000,
      schedule: { frequency: { seconds: 5 }, timeout: { minutes: 1 } },
    });
    expect(() => config({ maxAttempts: 0 })).toThrow(
      'kafkaHub.provisioning.maxAttempts must be a positive whole number, got 0',
    );
    expect(() => config({ principalPattern: 'User:fixed' })).toThrow(
      'kafkaHub.provisioning.principalPattern must contain {application}',
    );
    expect(() => config({}, { namespacePattern: 'shared.' })).toThrow(
      'kafkaHub.namespacePattern must contain {application}',
    );
    expect(() => config({ leaseTimeout: 'soon' })).toThrow(
      'kafkaHub.provisioning.leaseTimeout is not a valid duration',
    );
    expect(() =>
      config({ initialBackoff: { hours: 2 }, maxBackoff: { hours: 1 } }),
    ).toThrow('kafkaHub.provisioning.maxBackoff must not be shorter');
    expect(() => config({ schedule: { frequency: 'often' } })).toThrow(
      'kafkaHub.provisioning.schedule is not a valid schedule',
    );
    expect(() => config({ maxRemovalShare: 50 })).toThrow(
      'kafkaHub.provisioning.maxRemovalShare must be a share from 0 to 1 (e.g. 0.5 for half), got 50',
    );
    expect(() => config({ removalsAlwaysAllowed: -1 })).toThrow(
      'kafkaHub.provisioning.removalsAlwaysAllowed must be a whole number of 0 or more, got -1',
    );
  });

  it('applies defaults', () => {
    const config = readKafkaHubConfig(env({}));
    expect(config.environments).toEqual([
      {
        name: 'dev',
        kafka: {
          brokers: ['127.0.0.1:9092'],
          clientId: 'backstage-kafka-hub',
          ssl: false,
          sasl: undefined,
          connectionTimeoutMs: 3000,
          requestTimeoutMs: 10000,
        },
        schemaRegistry: undefined,
        aliases: [],
        provisioning: {
          defaultPartitions: 3,
          maxPartitions: 10000,
          replicationFactor: 1,
          principalPattern: 'User:{application}',
          topicConfig: {},
        },
      },
    ]);
  });

  it('reads SASL and the registry, trimming trailing slashes', () => {
    const config = readKafkaHubConfig(
      new ConfigReader({
        kafkaHub: {
          environments: {
            prod: {
              kafka: {
                brokers: ['b1:9094', 'b2:9094'],
                ssl: true,
                sasl: {
                  mechanism: 'SCRAM-SHA-512',
                  username: 'u',
                  password: 'p',
                },
              },
              schemaRegistry: {
                url: 'https://registry.example.com/apis/ccompat/v7/',
                username: 'ru',
                password: 'rp',
              },
            },
          },
          health: { timeoutMs: 1500 },
        },
      }),
    );
    expect(config.environments[0].kafka.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'u',
      password: 'p',
    });
    expect(config.environments[0].schemaRegistry).toEqual({
      url: 'https://registry.example.com/apis/ccompat/v7',
      username: 'ru',
      password: 'rp',
      timeoutMs: 10000,
    });
    expect(config.health.timeoutMs).toBe(1500);
  });

  it.each([
    [
      { kafka: { brokers: [] } },
      'kafkaHub.environments.dev.kafka.brokers must list at least one broker',
    ],
    [
      { kafka: { brokers: ['localhost'] } },
      '"localhost" is not of the form host:port',
    ],
    [
      {
        kafka: {
          brokers: ['h:1'],
          sasl: { mechanism: 'gssapi', username: 'u', password: 'p' },
        },
      },
      'kafkaHub.environments.dev.kafka.sasl.mechanism must be one of plain, scram-sha-256, scram-sha-512, oauthbearer, got "gssapi"',
    ],
    [
      { kafka: { brokers: ['h:1'], connectionTimeoutMs: -5 } },
      'kafkaHub.environments.dev.kafka.connectionTimeoutMs must be a positive whole number, got -5',
    ],
    [
      { schemaRegistry: { url: 'not a url' } },
      'kafkaHub.environments.dev.schemaRegistry.url is not a valid URL',
    ],
    [{ schemaRegistry: { url: 'ftp://x' } }, 'must use http or https'],
    [
      { schemaRegistry: { url: 'http://x', username: 'only-user' } },
      'kafkaHub.environments.dev.schemaRegistry needs both username and password, or neither',
    ],
  ])('names the bad key in %j', (overrides, message) => {
    const config = env(
      'kafka' in overrides
        ? overrides
        : { kafka: { brokers: ['h:1'] }, ...overrides },
    );
    expect(() => readKafkaHubConfig(config)).toThrow(message);
  });

  it('rejects a bad environment name', () => {
    expect(() =>
      readKafkaHubConfig(
        new ConfigReader({
          kafkaHub: {
            environments: {
              [`e${'x'.repeat(63)}`]: { kafka: { brokers: ['h:1'] } },
            },
          },
        }),
      ),
    ).toThrow('is not a valid environment name');
  });

  it('does not put secrets into error messages', () => {
    const config = env({
      kafka: {
        brokers: ['h:1'],
        sasl: { mechanism: 'nope', username: 'user-x', password: 'TOPSECRET' },
      },
    });
    let message = '';
    try {
      readKafkaHubConfig(config);
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain('kafkaHub.environments.dev.kafka.sasl.mechanism');
    expect(message).not.toContain('TOPSECRET');
  });
});
