/*
 * Example data of the dev apps: one team, two applications, their schemas
 * and consumer groups, on a dev and a prod environment.
 */
import { Entity } from '@backstage/catalog-model';
import {
  ConsumerGroup,
  KafkaApplication,
  SchemaSubject,
  SchemaVersion,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';

const HOUR = 3600_000;
const now = Date.now();
const ago = (ms: number) => new Date(now - ms).toISOString();

export const TEAM_REF = 'group:default/team-orders';
const ORDERS_REF = 'component:default/orders-service';
const PAYMENTS_REF = 'component:default/payments-service';

export const ordersEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders-service',
    annotations: {
      'kafka-hub.io/application': 'orders',
      'kafka-hub.io/topics': 'created,shipped:6',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-orders' },
  relations: [{ type: 'ownedBy', targetRef: TEAM_REF }],
};

const paymentsEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-service',
    annotations: {
      'kafka-hub.io/application': 'payments',
      'kafka-hub.io/topics': 'settled',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-orders' },
  relations: [{ type: 'ownedBy', targetRef: TEAM_REF }],
};

export const teamEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-orders' },
  spec: { type: 'team', children: [] },
  relations: [
    { type: 'ownerOf', targetRef: ORDERS_REF },
    { type: 'ownerOf', targetRef: PAYMENTS_REF },
  ],
};

export const entities: Entity[] = [ordersEntity, paymentsEntity, teamEntity];

export const applications: KafkaApplication[] = [
  {
    entityRef: ORDERS_REF,
    application: 'orders',
    ownerRef: TEAM_REF,
    prefix: 'orders.',
    desiredEnvironments: ['dev', 'prod'],
    topics: [{ name: 'created' }, { name: 'shipped', partitions: 6 }],
    status: 'completed',
    environments: {
      dev: { status: 'success', finishedAt: ago(2 * HOUR) },
      prod: { status: 'success', finishedAt: ago(2 * HOUR) },
    },
    attemptCount: 1,
    lastAttemptAt: ago(2 * HOUR),
  },
  {
    entityRef: PAYMENTS_REF,
    application: 'payments',
    ownerRef: TEAM_REF,
    prefix: 'payments.',
    desiredEnvironments: ['dev', 'prod'],
    topics: [{ name: 'settled' }],
    status: 'partial',
    error: 'prod: Connection error: connect ECONNREFUSED 10.0.0.12:9092',
    environments: {
      dev: { status: 'success', finishedAt: ago(HOUR) },
      prod: {
        status: 'failed',
        error: 'Connection error: connect ECONNREFUSED 10.0.0.12:9092',
        finishedAt: ago(HOUR),
      },
    },
    attemptCount: 3,
    lastAttemptAt: ago(HOUR),
    nextAttemptAt: new Date(now + HOUR).toISOString(),
  },
];

const subject = (
  environment: string,
  name: string,
  entityRef: string,
  overrides: Partial<SchemaSubject> = {},
): SchemaSubject => ({
  environment,
  subject: name,
  entityRef,
  topic: name.replace(/-(key|value)$/, ''),
  role: name.endsWith('-key') ? 'key' : 'value',
  format: 'AVRO',
  latestVersion: 2,
  latestGlobalId: 12,
  versionCount: 2,
  compatibility: 'BACKWARD',
  compatibilitySource: 'global',
  status: 'registered',
  firstSeenAt: ago(72 * HOUR),
  lastSeenAt: ago(HOUR / 4),
  ...overrides,
});

export const subjects: SchemaSubject[] = [
  subject('dev', 'orders.created-value', ORDERS_REF),
  subject('prod', 'orders.created-value', ORDERS_REF),
  subject('dev', 'orders.shipped-value', ORDERS_REF, {
    format: 'PROTOBUF',
    latestVersion: 1,
    versionCount: 1,
  }),
  subject('dev', 'payments.settled-value', PAYMENTS_REF, {
    format: 'JSON',
    compatibility: 'FULL',
    compatibilitySource: 'subject',
  }),
];

const avro = (fields: string) =>
  `{"type":"record","name":"OrderCreated","namespace":"com.example","fields":[${fields}]}`;

export const versions: SchemaVersion[] = [
  {
    version: 2,
    globalId: 12,
    format: 'AVRO',
    schema: avro(
      '{"name":"id","type":"string"},{"name":"amount","type":"long"},{"name":"currency","type":"string","default":"EUR"}',
    ),
    references: [],
    fingerprint: 'v2',
    deleted: false,
    firstSeenAt: ago(24 * HOUR),
    syncedAt: ago(24 * HOUR),
    compatibility: {
      status: 'compatible',
      level: 'BACKWARD',
      against: [1],
      checkedAt: ago(24 * HOUR),
    },
  },
  {
    version: 1,
    globalId: 11,
    format: 'AVRO',
    schema: avro(
      '{"name":"id","type":"string"},{"name":"amount","type":"double"}',
    ),
    references: [],
    fingerprint: 'v1',
    deleted: false,
    firstSeenAt: ago(72 * HOUR),
    syncedAt: ago(72 * HOUR),
    compatibility: { status: 'first' },
  },
];

const group = (
  environment: string,
  groupId: string,
  entityRef: string,
  totalLag: number,
  overrides: Partial<ConsumerGroup> = {},
): ConsumerGroup => ({
  environment,
  groupId,
  entityRef,
  linkedBy: 'prefix',
  type: 'consumer',
  protocolType: 'consumer',
  state: 'Stable',
  lifecycle: 'active',
  memberCount: 2,
  topics: [`${groupId.split('.')[0]}.created`],
  firstSeenAt: ago(72 * HOUR),
  lastSeenAt: ago(60_000),
  lag: {
    sampledAt: ago(30_000),
    totalLag,
    maxPartitionLag: Math.ceil(totalLag / 2),
    timeLagSeconds: totalLag > 0 ? Math.ceil(totalLag / 100) : 0,
    partitionsWithoutCommit: 0,
    status: totalLag > 1000 ? 'WARN' : 'OK',
    statusReason:
      totalLag > 1000 ? 'Lag grew in every recent sample' : 'Consuming',
  },
  trend: [totalLag / 4, totalLag / 2, totalLag, totalLag].map(Math.round),
  ...overrides,
});

export const consumerGroups: ConsumerGroup[] = [
  group('dev', 'orders.fulfilment', ORDERS_REF, 1234),
  group('prod', 'orders.fulfilment', ORDERS_REF, 87),
  group('dev', 'orders.audit', ORDERS_REF, 0, {
    state: 'Empty',
    memberCount: 0,
    lifecycle: 'inactive',
  }),
  group('dev', 'legacy-billing', PAYMENTS_REF, 12, {
    linkedBy: 'kafka.apache.org/consumer-groups',
    type: 'classic',
  }),
];
