import {
  formatAnnotationError,
  hasKafkaConsumerGroups,
  isKafkaApplication,
  parseKafkaAnnotations,
} from './parseKafkaAnnotations';
import { applicationPrefix } from './namespace';

const entity = (annotations: Record<string, string>) => ({
  metadata: { annotations },
});

describe('parseKafkaAnnotations', () => {
  it('parses a complete, valid declaration', () => {
    const result = parseKafkaAnnotations(
      entity({
        'kafka-hub.io/application': 'orders',
        'kafka-hub.io/environments': 'dev, stage,dev',
        'kafka-hub.io/topics': 'created,payments:12, audit.v1',
        'kafka-hub.io/consumer-groups': 'dev/legacy-orders,prod/billing.reader',
        'kafka-hub.io/schema-subjects': 'dev/com.acme/Order:v1 value',
      }),
    );
    expect(result.errors).toEqual([]);
    expect(result.value).toEqual({
      application: 'orders',
      environments: ['dev', 'stage'],
      topics: [
        { name: 'created' },
        { name: 'payments', partitions: 12 },
        { name: 'audit.v1' },
      ],
      consumerGroups: [
        {
          environment: 'dev',
          groupId: 'legacy-orders',
          source: 'kafka-hub.io/consumer-groups',
        },
        {
          environment: 'prod',
          groupId: 'billing.reader',
          source: 'kafka-hub.io/consumer-groups',
        },
      ],
      schemaSubjects: [
        { environment: 'dev', subject: 'com.acme/Order:v1 value' },
      ],
    });
  });

  it('returns nothing and no errors for an entity without annotations', () => {
    expect(parseKafkaAnnotations({ metadata: {} })).toEqual({
      value: {
        application: undefined,
        environments: undefined,
        topics: [],
        consumerGroups: [],
        schemaSubjects: [],
      },
      errors: [],
    });
  });

  it('leaves environments undefined (all configured) when not annotated', () => {
    const result = parseKafkaAnnotations(
      entity({ 'kafka-hub.io/application': 'payments' }),
    );
    expect(result.errors).toEqual([]);
    expect(result.value.environments).toBeUndefined();
    expect(result.value.topics).toEqual([]);
  });

  it.each([
    ['Orders', 'upper case'],
    ['1orders', 'leading digit'],
    ['orders_api', 'underscore'],
    ['', 'empty'],
    [`a${'b'.repeat(63)}`, '64 characters'],
  ])('rejects the application slug %j (%s)', slug => {
    const result = parseKafkaAnnotations(
      entity({ 'kafka-hub.io/application': slug }),
    );
    expect(result.value.application).toBeUndefined();
    expect(result.errors).toEqual([
      expect.objectContaining({
        annotation: 'kafka-hub.io/application',
        value: slug,
      }),
    ]);
  });

  it('accepts a 63-character slug', () => {
    const slug = `a${'b'.repeat(62)}`;
    const result = parseKafkaAnnotations(
      entity({ 'kafka-hub.io/application': slug }),
    );
    expect(result.errors).toEqual([]);
    expect(result.value.application).toBe(slug);
  });

  it('marks an entity with a malformed slug as an application, so the error shows', () => {
    expect(
      isKafkaApplication(entity({ 'kafka-hub.io/application': 'Bad Slug' })),
    ).toBe(true);
    expect(isKafkaApplication(entity({ other: 'x' }))).toBe(false);
  });

  it.each<[Record<string, string>, boolean]>([
    [{ 'kafka-hub.io/application': 'orders' }, true],
    [{ 'kafka.apache.org/consumer-groups': 'prod/orders-consumer' }, true],
    [{ 'kafka.apache.org/consumer-groups': 'malformed' }, true],
    [{ 'kafka-hub.io/consumer-groups': 'dev/reader' }, true],
    [{ 'kafka-hub.io/schema-subjects': 'dev/orders-value' }, false],
    [{ 'kafka.apache.org/dashboard-urls': 'prod/orders/https://x' }, false],
    [{}, false],
  ])(
    'tells whether groups may be linked to %j: %p',
    (annotations, expected) => {
      expect(hasKafkaConsumerGroups(entity(annotations))).toBe(expected);
    },
  );

  it('keeps an entity with only the community annotation out of the application tabs', () => {
    const community = entity({
      'kafka.apache.org/consumer-groups': 'prod/orders-consumer',
    });
    expect(hasKafkaConsumerGroups(community)).toBe(true);
    expect(isKafkaApplication(community)).toBe(false);
  });

  it.each([
    ['orders:0', 'invalid partition count'],
    ['orders:-3', 'invalid partition count'],
    ['orders:twelve', 'invalid partition count'],
    ['orders:10001', 'invalid partition count'],
    ['orders:1:2', "more than one ':'"],
    ['ord ers', 'not a legal topic name'],
    ['orders,orders:3', 'listed twice'],
    ['..', 'not a legal topic name'],
    [`${'t'.repeat(245)}`, 'too long'],
  ])('rejects the topics %j and provisions none of them', (value, message) => {
    const result = parseKafkaAnnotations(
      entity({
        'kafka-hub.io/application': 'orders',
        'kafka-hub.io/topics': `good,${value}`,
      }),
    );
    expect(result.value.topics).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({
      annotation: 'kafka-hub.io/topics',
      value: `good,${value}`,
    });
    expect(result.errors[0].message).toContain(message);
  });

  it("reads the community plugin's consumer-group annotation as-is", () => {
    const result = parseKafkaAnnotations(
      entity({
        'kafka.apache.org/consumer-groups': 'prod/orders-consumer, dev/x',
      }),
    );
    expect(result.errors).toEqual([]);
    expect(result.value.application).toBeUndefined();
    expect(result.value.consumerGroups).toEqual([
      {
        environment: 'prod',
        groupId: 'orders-consumer',
        source: 'kafka.apache.org/consumer-groups',
      },
      {
        environment: 'dev',
        groupId: 'x',
        source: 'kafka.apache.org/consumer-groups',
      },
    ]);
  });

  it('merges both consumer-group annotations without duplicates', () => {
    const result = parseKafkaAnnotations(
      entity({
        'kafka-hub.io/application': 'orders',
        'kafka-hub.io/consumer-groups': 'dev/a',
        'kafka.apache.org/consumer-groups': 'dev/a,dev/b',
      }),
    );
    expect(
      result.value.consumerGroups.map(g => `${g.environment}/${g.groupId}`),
    ).toEqual(['dev/a', 'dev/b']);
  });

  it("keeps the community annotation's cluster names as written, for the backend to map", () => {
    // Cluster names of the community plugin's config need not be
    // environment names: `prod.eu-west` maps through an environment's aliases.
    const result = parseKafkaAnnotations(
      entity({
        'kafka.apache.org/consumer-groups':
          'prod.eu-west/orders-consumer, Legacy Cluster / billing',
      }),
    );
    expect(result.errors).toEqual([]);
    expect(result.value.consumerGroups).toEqual([
      {
        environment: 'prod.eu-west',
        groupId: 'orders-consumer',
        source: 'kafka.apache.org/consumer-groups',
      },
      {
        environment: 'Legacy Cluster',
        groupId: 'billing',
        source: 'kafka.apache.org/consumer-groups',
      },
    ]);
  });

  it.each(['orders-consumer', '/group', 'prod/', 'prod/a,,prod/b'])(
    'rejects kafka.apache.org/consumer-groups: %j, naming the cluster form',
    value => {
      const result = parseKafkaAnnotations(
        entity({ 'kafka.apache.org/consumer-groups': value }),
      );
      expect(result.value.consumerGroups).toEqual([]);
      expect(result.errors).toEqual([
        {
          annotation: 'kafka.apache.org/consumer-groups',
          value,
          message: value.includes(',,')
            ? 'has an empty item; separate values with single commas'
            : `"${value}" is not of the form <cluster>/<group>`,
        },
      ]);
    },
  );

  it('still checks the environment names of kafka-hub.io/consumer-groups', () => {
    const result = parseKafkaAnnotations(
      entity({ 'kafka-hub.io/consumer-groups': 'prod.eu-west/orders' }),
    );
    expect(result.errors).toEqual([
      {
        annotation: 'kafka-hub.io/consumer-groups',
        value: 'prod.eu-west/orders',
        message:
          '"prod.eu-west/orders" has an invalid environment name "prod.eu-west"',
      },
    ]);
  });

  it.each([
    ['kafka-hub.io/consumer-groups', '/group'],
    ['kafka-hub.io/consumer-groups', 'dev/'],
    ['kafka-hub.io/schema-subjects', 'orders-value'],
  ])('rejects %s: %j', (annotation, value) => {
    const result = parseKafkaAnnotations(
      entity({ 'kafka-hub.io/application': 'orders', [annotation]: value }),
    );
    expect(result.errors).toEqual([
      expect.objectContaining({ annotation, value }),
    ]);
    expect(result.errors[0].message).toMatch(/not of the form <environment>\//);
  });

  it('reports provisioning annotations that have no application', () => {
    const result = parseKafkaAnnotations(
      entity({ 'kafka-hub.io/topics': 'orders' }),
    );
    expect(result.errors).toEqual([
      {
        annotation: 'kafka-hub.io/topics',
        value: 'orders',
        message: 'has no effect without kafka-hub.io/application',
      },
    ]);
  });

  it('keeps parsing the other annotations when one is malformed', () => {
    const result = parseKafkaAnnotations(
      entity({
        'kafka-hub.io/application': 'orders',
        'kafka-hub.io/environments': 'dev,,',
        'kafka-hub.io/topics': 'a:2',
      }),
    );
    expect(result.value.application).toBe('orders');
    expect(result.value.topics).toEqual([{ name: 'a', partitions: 2 }]);
    expect(result.errors.map(e => e.annotation)).toEqual([
      'kafka-hub.io/environments',
    ]);
  });

  it('formats an error naming the annotation and the value', () => {
    const [error] = parseKafkaAnnotations(
      entity({ 'kafka-hub.io/application': 'Bad' }),
    ).errors;
    expect(formatAnnotationError(error)).toBe(
      'Annotation kafka-hub.io/application: "Bad" must be a slug: a lower-case letter followed by at most 62 lower-case letters, digits or hyphens',
    );
  });
});

describe('applicationPrefix', () => {
  it('defaults to <application>.', () => {
    expect(applicationPrefix('orders')).toBe('orders.');
  });
  it('applies a configured pattern', () => {
    expect(applicationPrefix('orders', 'team-{application}-')).toBe(
      'team-orders-',
    );
  });
});
