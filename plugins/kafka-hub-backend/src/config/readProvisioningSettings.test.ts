import { ConfigReader } from '@backstage/config';
import { readKafkaHubConfig } from './readKafkaHubConfig';

const read = (kafkaHub: object) =>
  readKafkaHubConfig(new ConfigReader({ kafkaHub }));

const brokers = { kafka: { brokers: ['127.0.0.1:9092'] } };

describe('provisioning settings per environment', () => {
  it('gives each environment the global settings, its own over them, topic configs merged key by key', () => {
    const config = read({
      provisioning: {
        replicationFactor: 2,
        defaultPartitions: 6,
        maxPartitions: 24,
        principalPattern: 'User:svc-{application}',
        topicConfig: { 'retention.ms': '7d', 'min.insync.replicas': 2 },
        allowedTopicConfigs: ['retention.ms', 'cleanup.policy'],
      },
      environments: {
        dev: brokers,
        prod: {
          ...brokers,
          provisioning: {
            replicationFactor: 3,
            maxPartitions: 48,
            principalPattern: 'User:CN={application},OU=prod',
            topicConfig: {
              'retention.ms': 2_592_000_000,
              'cleanup.policy': 'compact,delete',
              'retention.bytes': '1GiB',
            },
          },
        },
      },
    });

    expect(config.provisioning).toMatchObject({
      replicationFactor: 2,
      defaultPartitions: 6,
      maxPartitions: 24,
      principalPattern: 'User:svc-{application}',
      topicConfig: { 'retention.ms': '604800000', 'min.insync.replicas': '2' },
      allowedTopicConfigs: ['retention.ms', 'cleanup.policy'],
    });
    expect(
      Object.fromEntries(
        config.environments.map(e => [e.name, e.provisioning]),
      ),
    ).toEqual({
      dev: {
        replicationFactor: 2,
        defaultPartitions: 6,
        maxPartitions: 24,
        principalPattern: 'User:svc-{application}',
        topicConfig: {
          'retention.ms': '604800000',
          'min.insync.replicas': '2',
        },
      },
      prod: {
        replicationFactor: 3,
        defaultPartitions: 6,
        maxPartitions: 48,
        principalPattern: 'User:CN={application},OU=prod',
        topicConfig: {
          'retention.ms': '2592000000',
          'min.insync.replicas': '2',
          'cleanup.policy': 'compact,delete',
          'retention.bytes': '1073741824',
        },
      },
    });
  });

  it.each([
    [
      {
        environments: {
          prod: { ...brokers, provisioning: { replicationFactor: 0 } },
        },
      },
      'kafkaHub.environments.prod.provisioning.replicationFactor must be a positive whole number, got 0',
    ],
    [
      {
        environments: {
          prod: { ...brokers, provisioning: { defaultPartitions: 2.5 } },
        },
      },
      'kafkaHub.environments.prod.provisioning.defaultPartitions must be a positive whole number, got 2.5',
    ],
    [
      {
        environments: {
          prod: { ...brokers, provisioning: { maxPartitions: 2 } },
        },
      },
      'kafkaHub.environments.prod.provisioning: defaultPartitions (3) must not exceed maxPartitions (2)',
    ],
    [
      { provisioning: { maxPartitions: 20_000 } },
      'kafkaHub.provisioning.maxPartitions must be at most 10000, got 20000',
    ],
    [
      {
        environments: {
          prod: { ...brokers, provisioning: { principalPattern: 'User:prod' } },
        },
      },
      'kafkaHub.environments.prod.provisioning.principalPattern must contain {application}, got "User:prod"',
    ],
    [
      { provisioning: { topicConfig: { 'retention.mss': '1d' } } },
      'kafkaHub.provisioning.topicConfig: "retention.mss" is not a Kafka topic config',
    ],
    [
      {
        environments: {
          prod: {
            ...brokers,
            provisioning: { topicConfig: { 'retention.ms': 'a week' } },
          },
        },
      },
      'kafkaHub.environments.prod.provisioning.topicConfig.retention.ms: retention.ms must be a whole number of milliseconds or a duration such as 7d, 12h or 30m, got "a week"',
    ],
    [
      { provisioning: { topicConfig: { 'cleanup.policy': ['compact'] } } },
      'kafkaHub.provisioning.topicConfig.cleanup.policy must be a string or a number, got ["compact"]',
    ],
    [
      { provisioning: { topicConfig: 'retention.ms=1d' } },
      'kafkaHub.provisioning.topicConfig must map topic configs to values, e.g. retention.ms: 7d',
    ],
    [
      { provisioning: { allowedTopicConfigs: ['retention.ms', 'retention'] } },
      'kafkaHub.provisioning.allowedTopicConfigs: "retention" is not a Kafka topic config',
    ],
  ])('refuses %j: %s', (kafkaHub, message) => {
    expect(() => read(kafkaHub)).toThrow(message);
  });
});
