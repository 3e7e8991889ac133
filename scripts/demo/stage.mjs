// What the demo's "stage" cluster holds (scripts/services/kafka-stage.sh, a
// second broker with SASL and ACLs enforced): the seed signs in as the
// cluster's admin, grants Kafka Hub's own principal its rights, creates a few
// of the applications' topics and keeps fewer groups busy than dev. See
// scripts/demo/README.md.
//
// Env: KAFKA_HUB_DEMO_STAGE_BROKERS ("none" skips stage),
// KAFKA_HUB_DEMO_STAGE_USERNAME, KAFKA_HUB_DEMO_STAGE_PASSWORD.

import {
  AclOperations,
  AclPermissionTypes,
  ResourcePatternTypes,
  ResourceTypes,
} from '@platformatic/kafka';

const brokers = process.env.KAFKA_HUB_DEMO_STAGE_BROKERS || '127.0.0.1:9294';

/** Where stage is and how the seed signs in; null when skipped. */
export const STAGE_CONNECTION =
  brokers === 'none'
    ? null
    : {
        brokers: brokers
          .split(',')
          .map(s => s.trim())
          .filter(Boolean),
        sasl: {
          mechanism: 'PLAIN',
          username: process.env.KAFKA_HUB_DEMO_STAGE_USERNAME || 'admin',
          password: process.env.KAFKA_HUB_DEMO_STAGE_PASSWORD || 'admin-secret',
        },
      };

/**
 * Topics the stage cluster already had before Kafka Hub came: the seed
 * creates them (partitions and configs as on dev) and writes history and
 * traffic at these rates (messages per second at KAFKA_HUB_DEMO_RATE=1).
 * Kafka Hub provisions the rest of each application's declaration
 * (orders.cancelled, payments.refunds) itself.
 */
export const STAGE_TOPICS = [
  { topic: 'orders.created', rate: 0.4, history: 80 },
  { topic: 'orders.shipped', rate: 0.25, history: 60 },
  { topic: 'payments.authorized', rate: 0.5, history: 120 },
  { topic: 'payments.captured', rate: 0.4, history: 100 },
];

/** Groups that keep consuming on stage: fewer than on dev. */
export const STAGE_GROUPS = [
  {
    groupId: 'orders.fulfilment',
    topics: ['orders.created'],
    clientIds: ['orders-fulfilment-stage'],
  },
  {
    groupId: 'payments.settlement',
    topics: ['payments.authorized', 'payments.captured'],
    clientIds: ['payments-settlement-stage'],
  },
];

/**
 * A group only stage has: a load test read orders.shipped once and was
 * switched off; it stays Empty and its lag grows.
 */
export const STAGE_STOPPED_GROUPS = [
  { groupId: 'orders.load-test', topics: ['orders.shipped'] },
];

/** The principal Kafka Hub signs in as on stage (app-config.yaml). */
const KAFKA_HUB_PRINCIPAL = 'User:kafka-hub-stage';

/**
 * The namespaces under which stage's admins let Kafka Hub create topics.
 * checkout declares stage too, but nobody granted `checkout.`: stage
 * refuses its topics (TOPIC_AUTHORIZATION_FAILED), the one failure that
 * only stage shows.
 */
const KAFKA_HUB_TOPIC_PREFIXES = ['orders.', 'payments.'];

const allow = (resourceType, resourceName, resourcePatternType, operation) => ({
  resourceType,
  resourceName,
  resourcePatternType,
  operation,
  principal: KAFKA_HUB_PRINCIPAL,
  host: '*',
  permissionType: AclPermissionTypes.ALLOW,
});

/**
 * Kafka Hub's ACLs on stage: those plugins/kafka-hub-backend/README.md
 * lists for its own principal, with topic CREATE granted per namespace
 * (PREFIXED) instead of on `*`. `text` says which, for the seed's log.
 */
export function kafkaHubGrants() {
  const { LITERAL, PREFIXED } = ResourcePatternTypes;
  return {
    acls: [
      allow(
        ResourceTypes.CLUSTER,
        'kafka-cluster',
        LITERAL,
        AclOperations.ALTER,
      ),
      allow(ResourceTypes.TOPIC, '*', LITERAL, AclOperations.DESCRIBE),
      allow(ResourceTypes.TOPIC, '*', LITERAL, AclOperations.DESCRIBE_CONFIGS),
      allow(ResourceTypes.GROUP, '*', LITERAL, AclOperations.DESCRIBE),
      ...KAFKA_HUB_TOPIC_PREFIXES.flatMap(prefix => [
        allow(ResourceTypes.TOPIC, prefix, PREFIXED, AclOperations.CREATE),
        // Reading messages (the Messages dialog): Fetch, never a group.
        allow(ResourceTypes.TOPIC, prefix, PREFIXED, AclOperations.READ),
      ]),
    ],
    text: `${KAFKA_HUB_PRINCIPAL}: cluster ALTER; topics DESCRIBE, DESCRIBE_CONFIGS; groups DESCRIBE; topic CREATE and READ only under ${KAFKA_HUB_TOPIC_PREFIXES.join(
      ', ',
    )}`,
  };
}
