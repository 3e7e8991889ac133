import {
  formatAnnotationError,
  parseKafkaAnnotations,
} from './parseKafkaAnnotations';
import {
  kafkaTopicConfig,
  parseTopicConfigValue,
  topicDeclarationErrors,
} from './topicConfig';
import { TopicSpec } from './types';

const parse = (topics: string | undefined, topicConfig: string) =>
  parseKafkaAnnotations({
    metadata: {
      annotations: {
        'kafka-hub.io/application': 'orders',
        ...(topics === undefined ? {} : { 'kafka-hub.io/topics': topics }),
        'kafka-hub.io/topic-config': topicConfig,
      },
    },
  });

describe('kafka-hub.io/topic-config', () => {
  it('gives each declared topic its configs, one line per topic, as written', () => {
    const result = parse(
      'created,payments:12,audit',
      `created: retention.ms=7d, cleanup.policy=compact,delete
payments: retention.bytes=1GiB;audit:max.message.bytes=2097152 , segment.ms = 12h
`,
    );
    expect(result.errors).toEqual([]);
    expect(result.value.topics).toEqual([
      {
        name: 'created',
        config: { 'retention.ms': '7d', 'cleanup.policy': 'compact,delete' },
      },
      {
        name: 'payments',
        partitions: 12,
        config: { 'retention.bytes': '1GiB' },
      },
      {
        name: 'audit',
        config: { 'max.message.bytes': '2097152', 'segment.ms': '12h' },
      },
    ]);
    expect(kafkaTopicConfig(result.value.topics[0].config)).toEqual({
      'retention.ms': '604800000',
      'cleanup.policy': 'compact,delete',
    });
    expect(kafkaTopicConfig(result.value.topics[1].config)).toEqual({
      'retention.bytes': '1073741824',
    });
  });

  it('leaves topics without an entry unconfigured', () => {
    const result = parse('created,shipped', 'shipped: cleanup.policy=compact');
    expect(result.errors).toEqual([]);
    expect(result.value.topics).toEqual([
      { name: 'created' },
      { name: 'shipped', config: { 'cleanup.policy': 'compact' } },
    ]);
  });

  it('names each bad entry in its own error and applies no config', () => {
    const result = parse(
      'created,shipped,audit',
      [
        'created: retention.ms=soon',
        'shipped retention.ms=1d',
        'audit: Retention=1',
        'created: segment.ms=1h',
        'refunds: retention.ms=1d',
        'shipped: retention.bytes=12 apples, retention.bytes=1',
      ].join('\n'),
    );
    expect(result.errors.map(formatAnnotationError)).toEqual([
      'Annotation kafka-hub.io/topic-config: "created: retention.ms=soon" retention.ms must be a whole number of milliseconds or a duration such as 7d, 12h or 30m, got "soon"',
      'Annotation kafka-hub.io/topic-config: "shipped retention.ms=1d" is not of the form <topic>: <config>=<value>, ...',
      'Annotation kafka-hub.io/topic-config: "audit: Retention=1" "Retention" is not a config name (lower-case words joined by dots, e.g. retention.ms)',
      'Annotation kafka-hub.io/topic-config: "created: segment.ms=1h" configures topic "created" a second time',
      'Annotation kafka-hub.io/topic-config: "refunds: retention.ms=1d" configures topic "refunds", which kafka-hub.io/topics does not declare',
      'Annotation kafka-hub.io/topic-config: "shipped: retention.bytes=12 apples, retention.bytes=1" retention.bytes must be a whole number of bytes or a size such as 512MiB or 1GiB, got "12 apples"',
    ]);
    expect(result.value.topics).toEqual([
      { name: 'created' },
      { name: 'shipped' },
      { name: 'audit' },
    ]);
  });

  it('refuses a config set twice, an empty value and a bad cleanup policy', () => {
    const messages = (value: string) =>
      parse('created', value).errors.map(e => e.message);
    expect(messages('created: retention.ms=1d, retention.ms=2d')).toEqual([
      'sets retention.ms twice',
    ]);
    expect(messages('created: retention.ms=')).toEqual([
      'retention.ms has no value',
    ]);
    expect(messages('created:')).toEqual([
      'sets no config for topic "created"',
    ]);
    expect(messages('created: cleanup.policy=compact,compact')).toEqual([
      'cleanup.policy must be delete, compact or compact,delete, got "compact,compact"',
    ]);
    expect(messages('created: , retention.ms=1d')).toEqual([
      '"" is not of the form <config>=<value>',
    ]);
    expect(messages(' \n ')).toEqual([
      'is empty; remove the annotation or configure at least one topic',
    ]);
  });

  it('calls every entry undeclared without kafka-hub.io/topics, none when that annotation is malformed', () => {
    expect(parse(undefined, 'created: retention.ms=1d').errors).toEqual([
      {
        annotation: 'kafka-hub.io/topic-config',
        value: 'created: retention.ms=1d',
        message:
          'configures topic "created", which kafka-hub.io/topics does not declare',
      },
    ]);
    expect(
      parse('created,,shipped', 'created: retention.ms=1d').errors.map(
        e => e.annotation,
      ),
    ).toEqual(['kafka-hub.io/topics']);
  });

  it('has no effect without an application', () => {
    const result = parseKafkaAnnotations({
      metadata: {
        annotations: { 'kafka-hub.io/topic-config': 'a: retention.ms=1d' },
      },
    });
    expect(result.errors).toContainEqual({
      annotation: 'kafka-hub.io/topic-config',
      value: 'a: retention.ms=1d',
      message: 'has no effect without kafka-hub.io/application',
    });
  });
});

describe('parseTopicConfigValue', () => {
  it.each([
    ['retention.ms', '604800000', '604800000'],
    ['retention.ms', '-1', '-1'],
    ['retention.ms', '7d', '604800000'],
    ['retention.ms', '2w', '1209600000'],
    ['segment.ms', '12h', '43200000'],
    ['min.compaction.lag.ms', '30m', '1800000'],
    ['segment.ms', '45s', '45000'],
    ['segment.ms', '500ms', '500'],
    ['retention.ms', '9223372036854775807', '9223372036854775807'],
    ['retention.bytes', '512MiB', '536870912'],
    ['retention.bytes', '1 GiB', '1073741824'],
    ['max.message.bytes', '64KiB', '65536'],
    ['cleanup.policy', 'delete', 'delete'],
    ['cleanup.policy', 'compact, delete', 'compact,delete'],
    ['compression.type', 'zstd', 'zstd'],
  ])('reads %s=%s as %s', (key, text, value) => {
    expect(parseTopicConfigValue(key, text)).toEqual({ value });
  });

  it.each([
    ['retention.ms', '7 days'],
    ['retention.ms', '1.5h'],
    ['retention.ms', '3y'],
    ['retention.bytes', '1GB'],
    ['cleanup.policy', 'forever'],
    ['compression.type', 'z std'],
    ['segment.ms', ' '],
  ])('refuses %s=%s', (key, text) => {
    expect(parseTopicConfigValue(key, text)).toEqual({
      error: expect.stringContaining(key),
    });
  });
});

describe('topicDeclarationErrors', () => {
  const topics: TopicSpec[] = [
    {
      name: 'created',
      partitions: 12,
      config: { 'retention.ms': '7d', 'compression.type': 'gzip' },
    },
    { name: 'shipped', config: { 'delete.retention.ms': '1d' } },
    { name: 'audit', partitions: 6 },
  ];

  it('names each config outside the allow-list with the topic it was set on', () => {
    expect(
      topicDeclarationErrors(topics, {
        allowedConfigs: ['retention.ms', 'cleanup.policy'],
      }).map(formatAnnotationError),
    ).toEqual([
      'Annotation kafka-hub.io/topic-config: "created: compression.type=gzip" sets compression.type, which is not a topic config teams may set here (allowed: retention.ms, cleanup.policy)',
      'Annotation kafka-hub.io/topic-config: "shipped: delete.retention.ms=1d" sets delete.retention.ms, which is not a topic config teams may set here (allowed: retention.ms, cleanup.policy)',
    ]);
  });

  it('names a partition count over the strictest environment limit', () => {
    expect(
      topicDeclarationErrors(topics, {
        allowedConfigs: [
          'retention.ms',
          'compression.type',
          'delete.retention.ms',
        ],
        maxPartitions: { limit: 8, environment: 'dev' },
      }).map(formatAnnotationError),
    ).toEqual([
      'Annotation kafka-hub.io/topics: "created:12" asks for 12 partitions; environment dev allows at most 8',
    ]);
    expect(
      topicDeclarationErrors(topics, {
        allowedConfigs: [
          'retention.ms',
          'compression.type',
          'delete.retention.ms',
        ],
        maxPartitions: { limit: 12, environment: 'dev' },
      }),
    ).toEqual([]);
  });
});
