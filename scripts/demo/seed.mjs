#!/usr/bin/env node
// Seeds the Kafka Hub demo's "dev" environment (Kafka PLAINTEXT + Apicurio's
// Confluent-compatible API) with topics, schema subjects, a little history
// and a stopped consumer group, and its "stage" environment (a second broker,
// SASL with ACLs; what it holds is in stage.mjs) with fewer topics and groups
// of its own, then keeps producers and consumer groups running on both until
// SIGINT/SIGTERM. See scripts/demo/README.md.
//
//   node scripts/demo/seed.mjs
//
// Env: KAFKA_HUB_DEMO_BROKERS, KAFKA_HUB_DEMO_REGISTRY_URL ("none" skips
// schemas), KAFKA_HUB_DEMO_STAGE_BROKERS ("none" skips stage),
// KAFKA_HUB_DEMO_STAGE_USERNAME, KAFKA_HUB_DEMO_STAGE_PASSWORD,
// KAFKA_HUB_DEMO_SEED_ONLY, KAFKA_HUB_DEMO_WAIT_SECONDS, KAFKA_HUB_DEMO_RATE.
// Exit codes: 0 ok (also after SIGINT/SIGTERM), 1 seeding failed,
// 2 a Kafka cluster or the schema registry unreachable.

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Admin,
  Consumer,
  ListOffsetTimestamps,
  ProduceAcks,
  Producer,
  compatibilityPartitioner,
  stringSerializers,
} from '@platformatic/kafka';
import confluentSchemaRegistry from '@kafkajs/confluent-schema-registry';
import {
  STAGE_CONNECTION,
  STAGE_GROUPS,
  STAGE_STOPPED_GROUPS,
  STAGE_TOPICS,
  kafkaHubGrants,
} from './stage.mjs';

// ---- options -----------------------------------------------------------------

const BROKERS = (process.env.KAFKA_HUB_DEMO_BROKERS || '127.0.0.1:9092')
  .split(',')
  .map(s => s.trim())
  .filter(Boolean);
const REGISTRY_RAW =
  process.env.KAFKA_HUB_DEMO_REGISTRY_URL ||
  'http://127.0.0.1:8081/apis/ccompat/v7';
const REGISTRY_URL =
  REGISTRY_RAW === 'none' ? null : REGISTRY_RAW.replace(/\/+$/, '');
const SEED_ONLY = /^(true|1|yes)$/i.test(
  process.env.KAFKA_HUB_DEMO_SEED_ONLY || '',
);
const WAIT_MS = positiveNumber('KAFKA_HUB_DEMO_WAIT_SECONDS', 30) * 1000;
const RATE = positiveNumber('KAFKA_HUB_DEMO_RATE', 1);

function positiveNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(
      `${stamp()} [demo-seed] ERROR ${name}=${raw} is not a positive number`,
    );
    process.exit(1);
  }
  return n;
}

// ---- logging -----------------------------------------------------------------

function stamp() {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}
function log(msg) {
  console.log(`${stamp()} [demo-seed] ${msg}`);
}
function logError(msg) {
  console.error(`${stamp()} [demo-seed] ERROR ${msg}`);
}

/** Prints a repeated message at most once per 60 s, with the number suppressed. */
const throttled = new Map();
function logThrottled(key, msg, error = false) {
  const now = Date.now();
  const entry = throttled.get(key);
  if (entry && now - entry.at < 60_000) {
    entry.suppressed++;
    return;
  }
  const extra = entry?.suppressed ? ` (+${entry.suppressed} similar)` : '';
  throttled.set(key, { at: now, suppressed: 0 });
  (error ? logError : log)(`${msg}${extra}`);
}

/**
 * Connection failures of a Kafka client, de-duplicated. @platformatic/kafka
 * reports them as events, not log lines; while the broker is away every
 * client fails the same way, so one line per broker and minute is printed,
 * with a count of the similar ones left out.
 */
function watchConnections(client) {
  client.on('client:broker:failed', ({ broker }) => {
    if (stopSignal.aborted) return;
    logThrottled(
      `connect|${broker.host}:${broker.port}`,
      `kafka: cannot connect to ${broker.host}:${broker.port}`,
      true,
    );
  });
  return client;
}

/**
 * The leaf errors of a failure: @platformatic/kafka wraps the interesting
 * cause (refused connection, a broker error code) in retry aggregates
 * (`MultipleErrors`, whose own message only says which call failed); fetch
 * wraps socket errors in `cause`.
 */
function errorLeaves(error) {
  const leaves = [];
  const seen = new Set();
  const visit = current => {
    if (!current || typeof current !== 'object' || seen.has(current)) return;
    seen.add(current);
    if (Array.isArray(current.errors) && current.errors.length > 0) {
      current.errors.forEach(visit);
      return;
    }
    leaves.push(current);
    // A network error names the broker and its cause says why; a broker
    // error code says all.
    if (current.code !== 'PLT_KFK_PROTOCOL') visit(current.cause);
  };
  visit(error);
  return leaves;
}

function describeLeaf(error) {
  if (error.apiId) {
    const detail =
      error.serverErrorMessage && error.serverErrorMessage !== error.message
        ? ` (${error.serverErrorMessage})`
        : '';
    return `${error.apiId}: ${error.message}${detail}`;
  }
  const name =
    error.name &&
    error.name !== 'Error' &&
    !String(error.code ?? '').startsWith('PLT_KFK')
      ? `${error.name}: `
      : '';
  return `${name}${error.message ?? String(error)}`;
}

/** The real cause of a Kafka / fetch error, in one line. */
function describeError(error) {
  if (!error || typeof error !== 'object') return String(error);
  const lines = [];
  for (const leaf of errorLeaves(error)) {
    const line = describeLeaf(leaf).replace(/\.$/, '');
    if (!lines.includes(line)) lines.push(line);
    if (lines.length === 3) break;
  }
  return lines.join(': ') || String(error.message ?? error);
}

// ---- shutdown ----------------------------------------------------------------

const shutdownController = new AbortController();
const stopSignal = shutdownController.signal;
const closers = []; // async () => void, run on shutdown
let shuttingDown = false;

async function shutdown(reason, code = 0) {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`${reason}: stopping`);
  shutdownController.abort();
  const hardStop = setTimeout(() => {
    log('clients did not disconnect within 10s; exiting anyway');
    process.exit(code);
  }, 10_000);
  hardStop.unref();
  const t0 = Date.now();
  await Promise.allSettled(
    closers
      .splice(0)
      .reverse()
      .map(close => close()),
  );
  log(`stopped in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (shuttingDown) {
      log(`second ${signal}: exiting now`);
      process.exit(0);
    }
    void shutdown(signal);
  });
}
// Transient client errors must not take the demo down: log them instead.
process.on('unhandledRejection', reason => {
  logThrottled(
    `unhandled|${describeError(reason)}`,
    `unhandled error: ${describeError(reason)}`,
    true,
  );
});

class UnreachableError extends Error {}

/** True when every Kafka error under the failure says it can be retried. */
function isRetriable(error) {
  const verdicts = errorLeaves(error).filter(e => 'canRetry' in e);
  return verdicts.length > 0 && verdicts.every(e => e.canRetry === true);
}

/**
 * Retries a seeding step on retriable Kafka errors for up to ~15 s. On a fresh
 * broker a just-created partition can answer NOT_LEADER_OR_FOLLOWER for a
 * moment, after the client's own retries are spent.
 */
async function retrying(label, fn) {
  const until = Date.now() + 15_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (stopSignal.aborted || !isRetriable(error) || Date.now() > until) {
        throw new Error(`${label}: ${describeError(error)}`);
      }
      await sleep(Math.min(2_000, 250 * attempt), undefined, {
        signal: stopSignal,
      }).catch(() => {});
    }
  }
}

// ---- random demo data ----------------------------------------------------------

const pick = items => items[Math.floor(Math.random() * items.length)];
const int = (min, max) => min + Math.floor(Math.random() * (max - min + 1));
const hex = bytes => randomBytes(bytes).toString('hex');
const base36 = len => {
  let s = '';
  while (s.length < len) s += Math.floor(Math.random() * 36).toString(36);
  return s.toUpperCase();
};

const SKUS = [
  ['SKU-1001', 'Espresso beans 1kg', 2490],
  ['SKU-1002', 'Ceramic mug', 1290],
  ['SKU-1003', 'Pour-over kettle', 4990],
  ['SKU-1004', 'Paper filters x100', 590],
  ['SKU-1005', 'Burr grinder', 12900],
  ['SKU-1006', 'Milk frother', 3490],
  ['SKU-1007', 'Travel tumbler', 2190],
  ['SKU-1008', 'Descaling kit', 990],
];
const CURRENCIES = ['EUR', 'EUR', 'EUR', 'USD', 'GBP'];
const CHANNELS = ['web', 'web', 'app', 'app', 'store'];
const CARRIERS = ['DHL', 'UPS', 'DPD', 'PostNL'];
const WAREHOUSES = ['AMS-1', 'FRA-2', 'LHR-1'];
const CANCEL_REASONS = [
  'customer_request',
  'payment_failed',
  'out_of_stock',
  'fraud_suspected',
];
const REFUND_REASONS = [
  'damaged',
  'not_as_described',
  'late_delivery',
  'changed_mind',
];
const PAYMENT_METHODS = [
  'card',
  'card',
  'card',
  'paypal',
  'sepa_debit',
  'apple_pay',
];
const SESSION_EVENTS = [
  'started',
  'item_added',
  'item_added',
  'address_entered',
  'payment_selected',
  'abandoned',
];
const AUDIT_ACTIONS = [
  'login',
  'logout',
  'export',
  'update_price',
  'grant_role',
  'delete_draft',
];
const AUDIT_ACTORS = [
  'alice',
  'bob',
  'carol',
  'dave',
  'svc-batch',
  'svc-pricing',
];

/** A tiny shop: events on the different topics refer to the same orders. */
class World {
  constructor() {
    this.orders = []; // recent orders, newest last
    this.payments = [];
    this.invoiceNo = int(1000, 9000);
  }
  remember(list, item, max = 500) {
    list.push(item);
    if (list.length > max) list.shift();
  }
  recentOrder(ts) {
    return this.orders.length ? pick(this.orders) : this.newOrder(ts);
  }
  newOrder(ts) {
    const items = Array.from({ length: int(1, 3) }, () => {
      const [sku, , price] = pick(SKUS);
      return { sku, quantity: int(1, 3), unitPriceMinor: price };
    });
    const order = {
      orderId: `ORD-${base36(8)}`,
      customerId: `CUS-${String(int(1, 250)).padStart(5, '0')}`,
      currency: pick(CURRENCIES),
      totalMinor: items.reduce(
        (sum, i) => sum + i.quantity * i.unitPriceMinor,
        0,
      ),
      items,
      channel: pick(CHANNELS),
      ts,
    };
    this.remember(this.orders, order);
    return order;
  }
  recentPayment(ts) {
    if (this.payments.length) return pick(this.payments);
    const order = this.recentOrder(ts);
    const payment = { paymentId: `pay_${hex(8)}`, order };
    this.remember(this.payments, payment);
    return payment;
  }
}

const iso = ts => new Date(ts).toISOString();

/**
 * Topics, their partitions and configs, messages per second at
 * KAFKA_HUB_DEMO_RATE=1, history written once into an empty topic, and how
 * a message is made.
 */
const TOPICS = [
  {
    topic: 'orders.created',
    partitions: 3,
    config: { 'retention.ms': String(7 * 86_400_000) },
    rate: 1,
    history: 300,
    make: (w, ts) => {
      const o = w.newOrder(ts);
      return {
        key: o.orderId,
        value: {
          orderId: o.orderId,
          customerId: o.customerId,
          totalMinor: o.totalMinor,
          currency: o.currency,
          createdAt: iso(ts),
          channel: o.channel,
          items: o.items,
        },
      };
    },
  },
  {
    topic: 'orders.shipped',
    partitions: 6,
    rate: 0.8,
    history: 240,
    make: (w, ts) => {
      const o = w.recentOrder(ts);
      const carrier = pick(CARRIERS);
      return {
        key: o.orderId,
        value: {
          orderId: o.orderId,
          carrier,
          trackingNumber: `${carrier.slice(0, 2).toUpperCase()}${int(
            100000000,
            999999999,
          )}`,
          warehouse: pick(WAREHOUSES),
          shippedAt: iso(ts),
        },
      };
    },
  },
  {
    topic: 'orders.cancelled',
    partitions: 3,
    rate: 0.1,
    history: 30,
    make: (w, ts) => {
      const o = w.recentOrder(ts);
      return {
        key: o.orderId,
        value: {
          orderId: o.orderId,
          reason: pick(CANCEL_REASONS),
          cancelledAt: iso(ts),
        },
      };
    },
  },
  {
    // Under orders-service's namespace but not in its kafka-hub.io/topics:
    // created by hand, it shows as drift ("Undeclared") on the entity's
    // Topics card and on /kafka-hub/topics.
    topic: 'orders.returns',
    partitions: 1,
    rate: 0.05,
    history: 20,
    make: (w, ts) => {
      const o = w.recentOrder(ts);
      return {
        key: o.orderId,
        value: { orderId: o.orderId, returnedAt: iso(ts) },
      };
    },
  },
  {
    topic: 'checkout.sessions',
    partitions: 3,
    config: { 'cleanup.policy': 'compact' },
    rate: 1.5,
    history: 500,
    make: (w, ts) => {
      const sessionId = `cs_${hex(6)}`;
      return {
        key: sessionId,
        value: {
          sessionId,
          customerId: `CUS-${String(int(1, 250)).padStart(5, '0')}`,
          event: pick(SESSION_EVENTS),
          cartItems: int(0, 5),
          at: iso(ts),
        },
      };
    },
  },
  {
    topic: 'checkout.completed',
    partitions: 3,
    rate: 0.8,
    history: 200,
    make: (w, ts) => {
      const o = w.recentOrder(ts);
      return {
        key: o.orderId,
        value: {
          sessionId: `cs_${hex(6)}`,
          orderId: o.orderId,
          customerId: o.customerId,
          totalMinor: o.totalMinor,
          currency: o.currency,
          completedAt: iso(ts),
        },
      };
    },
  },
  {
    topic: 'payments.authorized',
    partitions: 12,
    rate: 1,
    history: 360,
    make: (w, ts) => {
      const o = w.recentOrder(ts);
      const payment = { paymentId: `pay_${hex(8)}`, order: o };
      w.remember(w.payments, payment);
      return {
        key: payment.paymentId,
        value: {
          paymentId: payment.paymentId,
          orderId: o.orderId,
          amountMinor: o.totalMinor,
          currency: o.currency,
          method: pick(PAYMENT_METHODS),
          threeDSecure: Math.random() < 0.7,
          authorizedAt: iso(ts),
        },
      };
    },
  },
  {
    topic: 'payments.captured',
    partitions: 12,
    rate: 0.9,
    history: 340,
    make: (w, ts) => {
      const p = w.recentPayment(ts);
      return {
        key: p.paymentId,
        value: {
          paymentId: p.paymentId,
          orderId: p.order.orderId,
          amountMinor: p.order.totalMinor,
          currency: p.order.currency,
          capturedAt: iso(ts),
        },
      };
    },
  },
  {
    topic: 'payments.refunds',
    partitions: 3,
    rate: 0.2,
    history: 40,
    make: (w, ts) => {
      const p = w.recentPayment(ts);
      const refundId = `re_${hex(8)}`;
      return {
        key: refundId,
        value: {
          refundId,
          paymentId: p.paymentId,
          amount: {
            amountMinor: Math.max(
              100,
              Math.round(p.order.totalMinor * pick([1, 1, 0.5])),
            ),
            currency: p.order.currency,
          },
          reason: pick(REFUND_REASONS),
          requestedAt: iso(ts),
        },
      };
    },
  },
  {
    topic: 'billing.invoices',
    partitions: 3,
    rate: 0.3,
    history: 150,
    make: (w, ts) => {
      const o = w.recentOrder(ts);
      const invoiceId = `INV-${new Date(ts).getUTCFullYear()}-${String(
        ++w.invoiceNo,
      ).padStart(6, '0')}`;
      return {
        key: invoiceId,
        value: {
          invoiceId,
          orderId: o.orderId,
          customerId: o.customerId,
          totalMinor: o.totalMinor,
          currency: o.currency,
          issuedAt: iso(ts),
          dueAt: iso(ts + 30 * 86_400_000),
        },
      };
    },
  },
  {
    // Not under any application's prefix: shows unlinked data.
    topic: 'legacy.audit-log',
    partitions: 2,
    config: { 'retention.ms': String(30 * 86_400_000) },
    rate: 0.2,
    history: 400,
    make: (w, ts) => {
      const actor = pick(AUDIT_ACTORS);
      return {
        key: actor,
        value: {
          actor,
          action: pick(AUDIT_ACTIONS),
          resource: `/admin/${pick([
            'prices',
            'users',
            'reports',
            'drafts',
          ])}/${int(1, 999)}`,
          at: iso(ts),
        },
      };
    },
  },
];

const HEADERS = {
  'content-type': 'application/json',
  'x-producer': 'kafka-hub-demo-seed',
};
const AVRO_HEADERS = {
  'content-type': 'application/vnd.confluent.avro',
  'x-producer': 'kafka-hub-demo-seed',
};

/**
 * Topics whose values are written in the Confluent wire format (magic byte
 * 0, the schema id, Avro) with their value subject's latest schema, so the
 * entity's Messages dialog shows decoded Avro. On dev only (Kafka Hub's
 * stage has no registry), and without a registry they stay JSON.
 */
const AVRO_VALUES = {
  'orders.created': {
    subject: 'orders.created-value',
    // The Avro record takes createdAt as timestamp-millis.
    toRecord: value => ({ ...value, createdAt: Date.parse(value.createdAt) }),
  },
};

/** Topic to a synchronous encoder, once the registry is seeded. */
const avroEncoders = new Map();

async function loadAvroEncoders() {
  const schemaRegistry = new confluentSchemaRegistry.SchemaRegistry({
    host: REGISTRY_URL,
  });
  for (const [topic, { subject, toRecord }] of Object.entries(AVRO_VALUES)) {
    const id = await schemaRegistry.getLatestSchemaId(subject);
    const type = await schemaRegistry.getSchema(id);
    const header = Buffer.alloc(5);
    header.writeInt32BE(id, 1);
    avroEncoders.set(topic, value =>
      Buffer.concat([header, type.toBuffer(toRecord(value))]),
    );
    log(`${topic}: values written as Avro with schema ${id} of ${subject}`);
  }
}

function toMessage(topicSpec, world, ts, cluster) {
  const { key, value } = topicSpec.make(world, ts);
  // Only where Kafka Hub has a registry to decode with (dev).
  const avroEncoder = cluster.avroValues
    ? avroEncoders.get(topicSpec.topic)
    : undefined;
  return {
    topic: topicSpec.topic,
    key,
    value: avroEncoder ? avroEncoder(value) : JSON.stringify(value),
    timestamp: BigInt(ts),
    headers: avroEncoder ? AVRO_HEADERS : HEADERS,
  };
}

// ---- schemas -------------------------------------------------------------------

const avro = schema => ({ schemaType: 'AVRO', schema: JSON.stringify(schema) });
const jsonSchema = schema => ({
  schemaType: 'JSON',
  schema: JSON.stringify(schema),
});
const protobuf = schema => ({ schemaType: 'PROTOBUF', schema });

const ts = { type: 'long', logicalType: 'timestamp-millis' };
const orderCreatedV1 = [
  { name: 'orderId', type: 'string' },
  { name: 'customerId', type: 'string' },
  {
    name: 'totalMinor',
    type: 'long',
    doc: 'Order total in minor currency units',
  },
  { name: 'currency', type: 'string', doc: 'ISO 4217 code' },
  { name: 'createdAt', type: ts },
];
const orderCreatedV2 = [
  ...orderCreatedV1,
  {
    name: 'channel',
    type: ['null', 'string'],
    default: null,
    doc: 'web, app or store',
  },
];
const orderCreatedV3 = [
  ...orderCreatedV2,
  {
    name: 'items',
    type: {
      type: 'array',
      items: {
        type: 'record',
        name: 'OrderLine',
        fields: [
          { name: 'sku', type: 'string' },
          { name: 'quantity', type: 'int' },
          { name: 'unitPriceMinor', type: 'long' },
        ],
      },
    },
    default: [],
  },
];
const orderCreated = fields =>
  avro({
    type: 'record',
    name: 'OrderCreated',
    namespace: 'com.acme.orders',
    fields,
  });

const orderShippedV1 = [
  { name: 'orderId', type: 'string' },
  { name: 'carrier', type: 'string' },
  { name: 'trackingNumber', type: 'string' },
  { name: 'shippedAt', type: ts },
];
const orderShippedV2 = [
  ...orderShippedV1,
  { name: 'warehouse', type: ['null', 'string'], default: null },
];
const orderShipped = fields =>
  avro({
    type: 'record',
    name: 'OrderShipped',
    namespace: 'com.acme.orders',
    fields,
  });

const paymentAuthorizedProps = {
  paymentId: { type: 'string', pattern: '^pay_[0-9a-f]+$' },
  orderId: { type: 'string' },
  amountMinor: { type: 'integer', minimum: 0 },
  currency: { type: 'string', minLength: 3, maxLength: 3 },
  method: {
    type: 'string',
    enum: ['card', 'paypal', 'sepa_debit', 'apple_pay'],
  },
  authorizedAt: { type: 'string', format: 'date-time' },
};
// Closed content model (additionalProperties: false): adding an optional
// property is then a BACKWARD-compatible change.
const paymentAuthorized = extraProps =>
  jsonSchema({
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://schemas.acme.example/payments/payment-authorized.json',
    title: 'PaymentAuthorized',
    type: 'object',
    additionalProperties: false,
    properties: { ...paymentAuthorizedProps, ...extraProps },
    required: [
      'paymentId',
      'orderId',
      'amountMinor',
      'currency',
      'authorizedAt',
    ],
  });

const paymentCaptured = extraFields =>
  protobuf(`syntax = "proto3";
package com.acme.payments;

message PaymentCaptured {
  string payment_id = 1;
  string order_id = 2;
  int64 amount_minor = 3;
  string currency = 4;
  int64 captured_at_ms = 5;${extraFields}
}
`);

const invoiceV1 = [
  { name: 'invoiceId', type: 'string' },
  { name: 'orderId', type: 'string' },
  { name: 'customerId', type: 'string' },
  { name: 'totalMinor', type: 'long' },
  { name: 'currency', type: 'string' },
  { name: 'issuedAt', type: ts },
];
const invoiceV2 = [
  ...invoiceV1,
  { name: 'dueAt', type: ['null', ts], default: null },
];
const invoice = fields =>
  avro({
    type: 'record',
    name: 'Invoice',
    namespace: 'com.acme.billing',
    fields,
  });

const moneyRecord = {
  type: 'record',
  name: 'Money',
  namespace: 'com.acme',
  fields: [
    { name: 'amountMinor', type: 'long' },
    { name: 'currency', type: 'string' },
  ],
};
const refundFields = amountType => [
  { name: 'refundId', type: 'string' },
  { name: 'paymentId', type: 'string' },
  { name: 'amount', type: amountType },
  { name: 'reason', type: 'string' },
  { name: 'requestedAt', type: ts },
];
const refund = amountType =>
  avro({
    type: 'record',
    name: 'Refund',
    namespace: 'com.acme.payments',
    fields: refundFields(amountType),
  });

/** Subjects in registration order; `compatibility` is set on the subject after its first version. */
const SUBJECTS = [
  {
    subject: 'orders.created-key',
    versions: [{ schemaType: 'AVRO', schema: '"string"' }],
  },
  {
    subject: 'orders.created-value',
    compatibility: 'BACKWARD_TRANSITIVE',
    versions: [
      orderCreated(orderCreatedV1),
      orderCreated(orderCreatedV2),
      orderCreated(orderCreatedV3),
    ],
  },
  {
    subject: 'orders.shipped-value',
    compatibility: 'FULL',
    versions: [orderShipped(orderShippedV1), orderShipped(orderShippedV2)],
  },
  {
    subject: 'payments.authorized-key',
    versions: [
      avro({
        type: 'record',
        name: 'PaymentKey',
        namespace: 'com.acme.payments',
        fields: [{ name: 'paymentId', type: 'string' }],
      }),
    ],
  },
  {
    subject: 'payments.authorized-value',
    compatibility: 'BACKWARD',
    versions: [
      paymentAuthorized({}),
      paymentAuthorized({
        threeDSecure: {
          type: 'boolean',
          description: '3-D Secure challenge passed',
        },
      }),
    ],
  },
  {
    subject: 'payments.captured-value',
    compatibility: 'BACKWARD',
    versions: [
      paymentCaptured(''),
      paymentCaptured('\n  string acquirer_reference = 6;'),
    ],
  },
  {
    subject: 'checkout.completed-value',
    versions: [
      avro({
        type: 'record',
        name: 'CheckoutCompleted',
        namespace: 'com.acme.checkout',
        fields: [
          { name: 'sessionId', type: 'string' },
          { name: 'orderId', type: 'string' },
          { name: 'customerId', type: 'string' },
          { name: 'totalMinor', type: 'long' },
          { name: 'currency', type: 'string' },
          { name: 'completedAt', type: ts },
        ],
      }),
    ],
  },
  {
    subject: 'billing.invoices-value',
    compatibility: 'BACKWARD',
    versions: [invoice(invoiceV1), invoice(invoiceV2)],
  },
  // A shared type registered under its record name, referenced by payments.refunds-value.
  { subject: 'com.acme.Money', versions: [avro(moneyRecord)] },
  {
    subject: 'payments.refunds-value',
    versions: [
      {
        ...refund('com.acme.Money'),
        references: [
          { name: 'com.acme.Money', subject: 'com.acme.Money', version: 1 },
        ],
      },
    ],
    // Used when the registry rejects references: Money inlined instead.
    fallback: [refund(moneyRecord)],
  },
  {
    subject: 'legacy.audit-log-value',
    versions: [
      avro({
        type: 'record',
        name: 'AuditEvent',
        namespace: 'com.acme.legacy',
        fields: [
          { name: 'actor', type: 'string' },
          { name: 'action', type: 'string' },
          { name: 'resource', type: 'string' },
          { name: 'at', type: ts },
        ],
      }),
    ],
  },
];

// ---- schema registry -----------------------------------------------------------

async function registry(method, urlPath, body, timeoutMs = 10_000) {
  const res = await fetch(`${REGISTRY_URL}${urlPath}`, {
    method,
    headers: {
      Accept: 'application/vnd.schemaregistry.v1+json, application/json',
      ...(body
        ? { 'Content-Type': 'application/vnd.schemaregistry.v1+json' }
        : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stopSignal]),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, ok: res.ok, json, text: text.slice(0, 300) };
}

/** Time for one reachability attempt: at most 5 s and not much past the deadline. */
function attemptTimeout(deadline) {
  return Math.max(1_000, Math.min(5_000, deadline - Date.now()));
}

async function waitForRegistry(deadline) {
  let lastError;
  while (!stopSignal.aborted) {
    try {
      const res = await registry(
        'GET',
        '/config',
        undefined,
        attemptTimeout(deadline),
      );
      if (res.ok && typeof res.json?.compatibilityLevel === 'string')
        return res.json.compatibilityLevel;
      lastError = `HTTP ${res.status}: ${res.text}`;
    } catch (error) {
      lastError = describeError(error);
    }
    if (Date.now() + 1_000 >= deadline) break;
    await sleep(1_000, undefined, { signal: stopSignal }).catch(() => {});
  }
  throw new UnreachableError(
    `schema registry unreachable at ${REGISTRY_URL} (waited ${
      WAIT_MS / 1000
    }s): ${lastError}`,
  );
}

/** Registers a subject's versions in order; already registered schemas are reused. */
async function registerSubject(spec, counts) {
  const enc = encodeURIComponent(spec.subject);
  let versions = spec.versions;
  const ids = [];
  for (let i = 0; i < versions.length; i++) {
    const body = versions[i];
    const found = await registry('POST', `/subjects/${enc}`, body);
    if (found.ok && found.json?.id !== undefined) {
      ids.push(found.json.id);
      counts.existing++;
    } else {
      const res = await registry('POST', `/subjects/${enc}/versions`, body);
      if (!res.ok || res.json?.id === undefined) {
        if (
          spec.fallback &&
          versions !== spec.fallback &&
          body.references &&
          res.status >= 400 &&
          res.status < 500
        ) {
          log(
            `registry rejected the schema reference of ${spec.subject} (HTTP ${res.status}: ${res.text}); registering it with the referenced type inlined`,
          );
          versions = spec.fallback;
          i = -1;
          continue;
        }
        throw new Error(
          `registering ${spec.subject} version ${i + 1} failed: HTTP ${
            res.status
          }: ${res.text}`,
        );
      }
      ids.push(res.json.id);
      counts.created++;
    }
    if (i === 0 && spec.compatibility) {
      const res = await registry('PUT', `/config/${enc}`, {
        compatibility: spec.compatibility,
      });
      if (!res.ok)
        throw new Error(
          `setting compatibility of ${spec.subject} failed: HTTP ${res.status}: ${res.text}`,
        );
    }
  }
  const type = versions[0].schemaType;
  const refs = versions[0].references ? ', refs com.acme.Money' : '';
  const compat = spec.compatibility ? `, ${spec.compatibility}` : '';
  return `${spec.subject} ${type} v1..${versions.length} ids ${ids.join(
    ',',
  )}${compat}${refs}`;
}

async function seedSchemas() {
  const counts = { created: 0, existing: 0 };
  const lines = [];
  for (const spec of SUBJECTS) lines.push(await registerSubject(spec, counts));
  log(
    `schemas: ${counts.created} versions registered, ${counts.existing} already there; ${SUBJECTS.length} subjects:`,
  );
  for (const line of lines) log(`  ${line}`);
}

// ---- kafka ---------------------------------------------------------------------

/** Options every client of a cluster shares: short connect timeout, retries backing off from 300 ms to 10 s. */
function clientOptions(cluster, clientId, overrides = {}) {
  return {
    clientId,
    bootstrapBrokers: cluster.brokers,
    ...(cluster.sasl ? { sasl: cluster.sasl } : {}),
    connectTimeout: 3_000,
    timeout: 15_000,
    retries: 6,
    retryDelay: (_client, _operation, attempt) =>
      Math.min(10_000, 300 * 2 ** (attempt - 1)),
    ...overrides,
  };
}

async function waitForKafka(cluster, deadline) {
  let lastError;
  while (!stopSignal.aborted) {
    const timeout = attemptTimeout(deadline);
    const probe = new Admin(
      clientOptions(cluster, 'kafka-hub-demo-seed-probe', {
        connectTimeout: Math.min(3_000, timeout),
        timeout,
        retries: 0,
      }),
    );
    try {
      const metadata = await probe.metadata({ topics: [] });
      return { clusterId: metadata.id, brokers: metadata.brokers.size };
    } catch (error) {
      lastError = describeError(error);
    } finally {
      await probe.close().catch(() => {});
    }
    if (Date.now() + 1_000 >= deadline) break;
    await sleep(1_000, undefined, { signal: stopSignal }).catch(() => {});
  }
  throw new UnreachableError(
    `Kafka of ${cluster.name} unreachable at ${cluster.brokers.join(
      ',',
    )} (waited ${WAIT_MS / 1000}s): ${lastError}`,
  );
}

/**
 * First and end offset of every partition of the topics:
 * topic -> partition -> { low, high }. Two ListOffsets per leader in all.
 */
async function topicOffsets(admin, topics) {
  const metadata = await admin.metadata({ topics });
  const request = timestamp =>
    topics.map(name => ({
      name,
      partitions: Array.from(
        { length: metadata.topics.get(name).partitionsCount },
        (_, partitionIndex) => ({ partitionIndex, timestamp }),
      ),
    }));
  const [earliest, latest] = await Promise.all([
    admin.listOffsets({ topics: request(ListOffsetTimestamps.EARLIEST) }),
    admin.listOffsets({ topics: request(ListOffsetTimestamps.LATEST) }),
  ]);
  const offsets = new Map(topics.map(topic => [topic, new Map()]));
  for (const { name, partitions } of earliest) {
    for (const { partitionIndex, offset } of partitions)
      offsets.get(name).set(partitionIndex, { low: Number(offset), high: 0 });
  }
  for (const { name, partitions } of latest) {
    for (const { partitionIndex, offset } of partitions)
      offsets.get(name).get(partitionIndex).high = Number(offset);
  }
  return offsets;
}

/** Waits until every partition of the topics has a leader: producing to a new topic needs one. */
async function waitForLeaders(admin, topics) {
  await retrying('waiting for the leaders of the new topics', async () => {
    const metadata = await admin.metadata({ topics, forceUpdate: true });
    const leaderless = topics.filter(
      topic =>
        metadata.topics.get(topic)?.partitions.some(p => p.leader < 0) ?? true,
    );
    if (leaderless.length) {
      const error = new Error(`no leader yet for ${leaderless.join(', ')}`);
      error.canRetry = true;
      throw error;
    }
  });
}

async function seedTopics(cluster, admin) {
  const topicSpecs = cluster.topics;
  const existing = new Set(
    await retrying('listing topics', () => admin.listTopics()),
  );
  const missing = topicSpecs.filter(t => !existing.has(t.topic));
  if (missing.length) {
    // A CreateTopics request carries one set of configs: one request per set.
    const byConfig = Map.groupBy(missing, t => JSON.stringify(t.config ?? {}));
    const failures = [];
    for (const [config, topics] of byConfig) {
      try {
        await admin.createTopics({
          topics: topics.map(t => ({
            topic: t.topic,
            partitions: t.partitions,
            replicas: 1,
          })),
          configs: Object.entries(JSON.parse(config)).map(([name, value]) => ({
            name,
            value,
          })),
        });
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length) {
      // Another seeder may have created some in between: fine if they exist now.
      const now = new Set(await admin.listTopics());
      if (!missing.every(t => now.has(t.topic)))
        throw new Error(`creating topics: ${describeError(failures[0])}`);
    }
    await waitForLeaders(
      admin,
      missing.map(t => t.topic),
    );
  }
  // Existing topics are left as they are; report a partition count that differs.
  const metadata = await retrying('reading topic metadata', () =>
    admin.metadata({
      topics: topicSpecs.map(t => t.topic),
      forceUpdate: true,
    }),
  );
  for (const t of topicSpecs) {
    const found = metadata.topics.get(t.topic);
    if (found && found.partitionsCount !== t.partitions) {
      log(
        `${cluster.name}: note: ${t.topic} exists with ${found.partitionsCount} partitions (demo wants ${t.partitions}); left unchanged`,
      );
    }
  }
  log(
    `${cluster.name}: topics: ${missing.length} created, ${
      topicSpecs.length - missing.length
    } already there: ` +
      topicSpecs.map(t => `${t.topic}(${t.partitions})`).join(' '),
  );
}

/** Writes a day of history into topics that are still empty (so re-runs add nothing). */
async function seedHistory(cluster, admin, producer, world) {
  const now = Date.now();
  const offsets = await retrying('reading topic offsets', () =>
    topicOffsets(
      admin,
      cluster.topics.map(t => t.topic),
    ),
  );
  const topicMessages = [];
  for (const t of cluster.topics) {
    const partitions = [...offsets.get(t.topic).values()];
    const empty = partitions.every(p => p.high === p.low);
    if (!empty) continue;
    const messages = [];
    for (let i = 0; i < t.history; i++) {
      const at =
        now -
        86_400_000 +
        Math.floor(((i + Math.random()) / t.history) * 86_300_000);
      messages.push(toMessage(t, world, at, cluster));
    }
    topicMessages.push({ topic: t.topic, messages });
  }
  if (topicMessages.length === 0) {
    log(
      `${cluster.name}: history: all topics already hold messages; nothing written`,
    );
    return;
  }
  for (const tm of topicMessages) {
    await retrying(`writing history to ${tm.topic}`, () =>
      producer.send({ messages: tm.messages, acks: ProduceAcks.ALL }),
    );
  }
  const total = topicMessages.reduce((n, tm) => n + tm.messages.length, 0);
  log(
    `${cluster.name}: history: ${total} messages (last 24h timestamps) written to ${topicMessages.length} empty topics`,
  );
}

/**
 * A stopped group (dev's payments.reconciler, stage's orders.load-test):
 * reads its topic up to the current end, commits and leaves. The group
 * stays Empty with committed offsets; its lag grows while the producer
 * writes on (a stopped consumer).
 */
async function seedStoppedGroup(cluster, admin, { groupId, topics: [topic] }) {
  const ends = (
    await retrying(`reading offsets of ${topic}`, () =>
      topicOffsets(admin, [topic]),
    )
  ).get(topic);
  const [committed] = await retrying(
    `reading offsets of group ${groupId}`,
    () => admin.listConsumerGroupOffsets({ groups: [groupId] }),
  );
  const committedOffsets = new Map(
    (committed?.topics.find(t => t.name === topic)?.partitions ?? []).map(p => [
      p.partitionIndex,
      Number(p.committedOffset),
    ]),
  );
  const pending = new Map(); // partition -> end offset still to reach
  for (const [partition, { low, high }] of ends) {
    const c = committedOffsets.get(partition);
    const from = c !== undefined && c >= 0 ? c : low;
    if (high > from) pending.set(partition, high);
  }
  const consumer = watchConnections(
    new Consumer({
      ...clientOptions(cluster, groupId.replace(/\./g, '-')),
      groupId,
      sessionTimeout: 15_000,
      rebalanceTimeout: 15_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: 256 * 1024,
      maxWaitTime: 500, // closing waits for the fetch in flight
    }),
  );
  const close = () => consumer.close(true).catch(() => {});
  closers.push(close);
  let consumed = 0;
  let resolveDone;
  let rejectDone;
  const done = new Promise((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  consumer.on('error', error => rejectDone(error));
  const stream = await consumer.consume({
    topics: [topic],
    mode: 'committed',
    fallbackMode: 'earliest',
    autocommit: false,
  });
  stream.on('error', error => rejectDone(error));
  stream.on('data', message => {
    consumed++;
    const end = pending.get(message.partition);
    if (end !== undefined && Number(message.offset) + 1 >= end) {
      pending.delete(message.partition);
      if (pending.size === 0) resolveDone();
    }
  });
  if (pending.size === 0) resolveDone(); // joined: nothing to read
  const timedOut = await Promise.race([
    done.then(() => false),
    sleep(30_000, true, { signal: stopSignal }).catch(() => true),
  ]).catch(error => {
    throw new Error(
      `${cluster.name}: group ${groupId}: ${describeError(error)}`,
    );
  });
  if (stopSignal.aborted) return;
  if (timedOut)
    log(
      `${cluster.name}: note: ${groupId} did not reach the end of ${topic} within 30s; committing the end offsets anyway`,
    );
  await retrying(`committing offsets of ${groupId}`, () =>
    consumer.commit({
      offsets: [...ends].map(([partition, { high }]) => ({
        topic,
        partition,
        offset: BigInt(high),
        leaderEpoch: -1,
      })),
    }),
  );
  await close();
  removeCloser(close);
  const total = [...ends.values()].reduce((n, p) => n + p.high, 0);
  log(
    `${cluster.name}: group ${groupId}: consumed ${consumed} messages of ${topic}, committed offset ${total} in total, left the group (stays Empty, lag grows)`,
  );
}

// ---- continuous traffic ----------------------------------------------------------

/**
 * orders.analytics is deliberately slow: each partition it reads processes
 * one message per (SLOW_FACTOR x the partition's average gap between
 * messages), i.e. it keeps 1/SLOW_FACTOR of the pace and its lag grows on
 * every partition (orders.created: one message per 9 s per partition,
 * orders.shipped: per 22.5 s at KAFKA_HUB_DEMO_RATE=1).
 */
const SLOW_FACTOR = 3;
function slowDelayMs(cluster, topic) {
  const t = cluster.topics.find(x => x.topic === topic);
  return Math.round((SLOW_FACTOR * 1000 * t.partitions) / (t.rate * RATE));
}

const GROUPS = [
  {
    groupId: 'orders.fulfilment',
    topics: ['orders.created'],
    clientIds: ['orders-fulfilment'],
  },
  {
    groupId: 'orders.analytics',
    topics: ['orders.created', 'orders.shipped'],
    clientIds: ['orders-analytics-etl'],
    slow: true,
  },
  {
    // The rebalance protocol of KIP-848 (group.protocol=consumer): the broker
    // assigns the partitions; Kafka's tools list the group as type Consumer.
    groupId: 'orders.shipment-notifier',
    topics: ['orders.shipped'],
    clientIds: ['orders-shipment-notifier-1', 'orders-shipment-notifier-2'],
    protocol: 'consumer',
  },
  {
    groupId: 'checkout.session-tracker',
    topics: ['checkout.sessions'],
    clientIds: ['checkout-session-tracker'],
  },
  {
    groupId: 'legacy-checkout-reader',
    topics: ['checkout.completed'],
    clientIds: ['legacy-checkout-reader'],
  },
  {
    groupId: 'payments.settlement',
    topics: ['payments.authorized', 'payments.captured'],
    clientIds: ['payments-settlement-1', 'payments-settlement-2'],
  },
  {
    groupId: 'billing.invoice-writer',
    topics: ['billing.invoices'],
    clientIds: ['billing-invoice-writer'],
  },
];
const STOPPED_GROUPS = [
  { groupId: 'payments.reconciler', topics: ['payments.refunds'] },
];

/**
 * A cluster the seed fills, with what it holds and its traffic counts:
 * dev (no auth), and stage unless KAFKA_HUB_DEMO_STAGE_BROKERS=none.
 */
function makeCluster(spec) {
  return {
    sasl: undefined,
    grants: undefined,
    ...spec,
    stats: {
      produced: 0,
      sendErrors: 0,
      consumed: Object.fromEntries(spec.groups.map(g => [g.groupId, 0])),
    },
  };
}

const CLUSTERS = [
  makeCluster({
    name: 'dev',
    brokers: BROKERS,
    // Kafka Hub decodes dev's messages with the registry (AVRO_VALUES).
    avroValues: true,
    topics: TOPICS,
    groups: GROUPS,
    stoppedGroups: STOPPED_GROUPS,
  }),
  ...(STAGE_CONNECTION
    ? [
        makeCluster({
          name: 'stage',
          ...STAGE_CONNECTION,
          // Stage's topics are dev's, at their own rates and history.
          topics: STAGE_TOPICS.map(t => ({
            ...TOPICS.find(d => d.topic === t.topic),
            ...t,
          })),
          groups: STAGE_GROUPS,
          stoppedGroups: STAGE_STOPPED_GROUPS,
          grants: kafkaHubGrants(),
        }),
      ]
    : []),
];

function removeCloser(close) {
  const i = closers.indexOf(close);
  if (i >= 0) closers.splice(i, 1);
}

/**
 * The slow group's pace: each partition works through its own queue, one
 * message per slowDelayMs(topic), and commits a message once it is done, so
 * the committed offsets trail the end of every partition. Fetching pauses
 * while 1,000 messages wait.
 */
function consumeSlowly(cluster, stream, group) {
  const queues = new Map(); // "topic:partition" -> messages, the first in work
  let waiting = 0;
  let paused = false;
  const work = async queue => {
    while (queue.length && !stream.destroyed && !stopSignal.aborted) {
      const message = queue[0];
      cluster.stats.consumed[group.groupId]++;
      await sleep(slowDelayMs(cluster, message.topic), undefined, {
        signal: stopSignal,
      }).catch(() => {});
      if (stopSignal.aborted || stream.destroyed) return;
      queue.shift();
      waiting--;
      if (paused && waiting < 500) {
        paused = false;
        stream.resume();
      }
      message.commit().catch(error => {
        if (stopSignal.aborted) return;
        logThrottled(
          `commit|${group.groupId}|${describeError(error)}`,
          `consumer of ${group.groupId}: commit failed: ${describeError(
            error,
          )}`,
          true,
        );
      });
    }
  };
  stream.on('data', message => {
    const key = `${message.topic}:${message.partition}`;
    let queue = queues.get(key);
    if (!queue) {
      queue = [];
      queues.set(key, queue);
    }
    queue.push(message);
    if (++waiting >= 1_000 && !paused) {
      paused = true;
      stream.pause();
    }
    if (queue.length === 1) void work(queue);
  });
}

/**
 * Runs one group member. When its stream or group membership fails (e.g.
 * the broker went away) the member is closed and started again 10 s later.
 */
async function runMember(cluster, group, clientId) {
  const consumer = watchConnections(
    new Consumer({
      ...clientOptions(cluster, clientId),
      groupId: group.groupId,
      // Under KIP-848 the broker sets session and heartbeat timing.
      ...(group.protocol === 'consumer'
        ? { groupProtocol: 'consumer' }
        : {
            sessionTimeout: 15_000,
            rebalanceTimeout: 30_000,
            heartbeatInterval: 3_000,
          }),
      maxBytesPerPartition: 256 * 1024, // more than a history batch: an oversized batch would stall its partition
      maxBytes: 1024 * 1024,
      maxWaitTime: 2_000, // closing waits for the fetch in flight
    }),
  );
  const close = () => consumer.close(true).catch(() => {});
  closers.push(close);
  let restarting = false;
  const restart = (what, error) => {
    if (restarting || stopSignal.aborted) return;
    restarting = true;
    const cause = describeError(error);
    logThrottled(
      `member|${cluster.name}|${what}|${cause.replace(/\d+/g, 'N')}`,
      `${cluster.name}: consumer ${clientId} (${
        group.groupId
      }) ${what}: ${cause}; ${
        what === 'stopped' ? 'restarting' : 'retrying'
      } in 10s`,
      true,
    );
    removeCloser(close);
    void close().then(() => {
      setTimeout(() => {
        if (!stopSignal.aborted)
          runMember(cluster, group, clientId).catch(() => {});
      }, 10_000);
    });
  };
  // Emitted when rejoining the group failed: the member sends no more heartbeats.
  consumer.on('error', error => restart('stopped', error));
  try {
    const stream = await consumer.consume({
      topics: group.topics,
      // From the committed offsets; a new group reads the history.
      mode: 'committed',
      fallbackMode: 'earliest',
      // Others commit after every fetch (lag stays about 0); the slow group
      // commits each message when done with it.
      autocommit: !group.slow,
    });
    stream.on('error', error => restart('stopped', error));
    if (group.slow) {
      consumeSlowly(cluster, stream, group);
    } else {
      stream.on('data', message => {
        cluster.stats.consumed[group.groupId]++;
        try {
          JSON.parse(message.value?.toString() ?? 'null');
        } catch {
          /* not JSON: ignore */
        }
      });
    }
  } catch (error) {
    if (stopSignal.aborted) return;
    restart('failed to start', error);
  }
}

function startProducing(cluster, producer, world) {
  const { stats } = cluster;
  const carry = new Map(cluster.topics.map(t => [t.topic, Math.random()]));
  let inFlight = false;
  const timer = setInterval(async () => {
    if (inFlight || stopSignal.aborted) return; // never pile up sends while the broker is away
    const now = Date.now();
    const messages = [];
    for (const t of cluster.topics) {
      const due = carry.get(t.topic) + t.rate * RATE;
      const n = Math.floor(due);
      carry.set(t.topic, due - n);
      for (let i = 0; i < n; i++)
        messages.push(toMessage(t, world, now, cluster));
    }
    if (!messages.length) return;
    inFlight = true;
    try {
      await producer.send({ messages, acks: ProduceAcks.ALL });
      stats.produced += messages.length;
    } catch (error) {
      stats.sendErrors++;
      if (!stopSignal.aborted)
        logThrottled(
          `send|${cluster.name}|${describeError(error)}`,
          `${cluster.name}: producer: send failed: ${describeError(error)}`,
          true,
        );
    } finally {
      inFlight = false;
    }
  }, 1_000);
  closers.push(async () => clearInterval(timer));
}

/**
 * Lag per group over its own topics: end offset minus committed offset (the
 * first offset where nothing is committed), or 'none' without any commit.
 * One metadata request, ListOffsets per leader and one OffsetFetch.
 */
async function readLags(cluster, admin) {
  const groups = [...cluster.groups, ...cluster.stoppedGroups];
  const topicEnds = await topicOffsets(
    admin,
    cluster.topics.map(t => t.topic),
  );
  const committed = await admin.listConsumerGroupOffsets({
    groups: groups.map(g => ({
      groupId: g.groupId,
      topics: g.topics.map(name => ({
        name,
        partitionIndexes: [...topicEnds.get(name).keys()],
      })),
    })),
  });
  const lags = {};
  for (const { groupId, topics } of committed) {
    let lag = 0;
    let any = false;
    for (const { name, partitions } of topics) {
      const ends = topicEnds.get(name);
      for (const { partitionIndex, committedOffset } of partitions) {
        const end = ends?.get(partitionIndex);
        if (end === undefined) continue;
        const offset = Number(committedOffset);
        if (offset >= 0) any = true;
        lag += Math.max(0, end.high - (offset >= 0 ? offset : end.low));
      }
    }
    lags[groupId] = any ? lag : 'none';
  }
  return lags;
}

function startStatus(cluster, admin) {
  const { groups, stats } = cluster;
  const groupIds = [...groups, ...cluster.stoppedGroups].map(g => g.groupId);
  let last = {
    produced: 0,
    consumed: Object.fromEntries(groups.map(g => [g.groupId, 0])),
    sendErrors: 0,
  };
  const timer = setInterval(async () => {
    const produced = stats.produced - last.produced;
    const sendErrors = stats.sendErrors - last.sendErrors;
    const consumed = Object.fromEntries(
      groups.map(g => [
        g.groupId,
        stats.consumed[g.groupId] - last.consumed[g.groupId],
      ]),
    );
    last = {
      produced: stats.produced,
      consumed: { ...stats.consumed },
      sendErrors: stats.sendErrors,
    };
    let lags;
    try {
      lags = await readLags(cluster, admin);
    } catch (error) {
      lags = null;
      if (!stopSignal.aborted)
        logThrottled(
          `status|${cluster.name}|${describeError(error)}`,
          `${cluster.name}: status: cannot read offsets: ${describeError(
            error,
          )}`,
          true,
        );
    }
    if (stopSignal.aborted) return;
    const perGroup = groupIds
      .map(g => `${g} ${consumed[g] ?? 0}/${lags ? lags[g] ?? '?' : '?'}`)
      .join(', ');
    log(
      `${cluster.name}: last 60s: produced ${produced}${
        sendErrors ? ` (${sendErrors} failed sends)` : ''
      }; consumed/lag: ${perGroup}`,
    );
  }, 60_000);
  closers.push(async () => clearInterval(timer));
}

// ---- main ----------------------------------------------------------------------

/** Grants the cluster's ACLs (stage: Kafka Hub's own principal); existing ones are kept. */
async function seedAcls(cluster, admin) {
  if (!cluster.grants) return;
  await retrying(`${cluster.name}: granting ACLs`, () =>
    admin.createAcls({ creations: cluster.grants.acls }),
  );
  log(
    `${cluster.name}: ${cluster.grants.acls.length} ACLs in place for ${cluster.grants.text}`,
  );
}

/**
 * Seeds one cluster: its ACLs, topics, history and stopped groups. Returns
 * the clients and the little world its traffic goes on with.
 */
async function seedCluster(cluster, schemasSeeded) {
  const admin = watchConnections(
    new Admin(clientOptions(cluster, 'kafka-hub-demo-seed')),
  );
  closers.push(() => admin.close().catch(() => {}));
  const producer = watchConnections(
    new Producer({
      ...clientOptions(cluster, 'kafka-hub-demo-seed'),
      // Values are JSON strings, or Avro bytes (AVRO_VALUES) passed as they are.
      serializers: {
        ...stringSerializers,
        value: value =>
          Buffer.isBuffer(value) ? value : stringSerializers.value(value),
      },
      // Java's key hashing: a key keeps the partition earlier demo runs gave it.
      partitioner: compatibilityPartitioner,
      acks: ProduceAcks.ALL,
      autocreateTopics: false,
    }),
  );
  closers.push(() => producer.close().catch(() => {}));

  await seedAcls(cluster, admin);
  await seedTopics(cluster, admin);
  const world = new World();
  // History of Avro topics is written with their schemas.
  await schemasSeeded;
  await seedHistory(cluster, admin, producer, world);
  for (const group of cluster.stoppedGroups) {
    await seedStoppedGroup(cluster, admin, group);
  }
  return { cluster, admin, producer, world };
}

/** One cluster's traffic in words, for the `running:` line. */
function describeTraffic({ name, topics, groups }) {
  const rate = topics.reduce((sum, t) => sum + t.rate * RATE, 0);
  return (
    `${name}: producer ~${rate.toFixed(1)} msg/s over ${
      topics.length
    } topics; groups ` +
    groups
      .map(
        g =>
          `${g.groupId}${g.slow ? ' (slow)' : ''}${
            g.protocol === 'consumer' ? ' (KIP-848)' : ''
          }${g.clientIds.length > 1 ? ` x${g.clientIds.length}` : ''}`,
      )
      .join(', ')
  );
}

async function main() {
  const t0 = Date.now();
  const stage = CLUSTERS.find(c => c.name === 'stage');
  log(
    `seeding dev: Kafka ${BROKERS.join(',')}, registry ${
      REGISTRY_URL ?? 'none (skipped)'
    }; stage: ${
      stage
        ? `Kafka ${stage.brokers.join(',')} as ${stage.sasl.username} (SASL ${
            stage.sasl.mechanism
          })`
        : 'skipped'
    }${SEED_ONLY ? '; seed only' : ''}`,
  );
  const deadline = Date.now() + WAIT_MS;
  const checks = await Promise.allSettled([
    REGISTRY_URL ? waitForRegistry(deadline) : Promise.resolve(null),
    ...CLUSTERS.map(c => waitForKafka(c, deadline)),
  ]);
  if (stopSignal.aborted) return;
  const failures = checks
    .filter(r => r.status === 'rejected')
    .map(r => r.reason);
  if (failures.length) {
    for (const f of failures)
      logError(f instanceof UnreachableError ? f.message : describeError(f));
    process.exit(2);
  }
  const [registryCheck, ...kafkaChecks] = checks.map(r => r.value);
  log(
    CLUSTERS.map(
      (c, i) =>
        `${c.name}: Kafka ok (cluster ${kafkaChecks[i].clusterId}, ${kafkaChecks[i].brokers} broker(s))`,
    ).join('; ') +
      (REGISTRY_URL
        ? `; registry ok (global compatibility ${registryCheck})`
        : ''),
  );

  // The registry and the clusters are seeded side by side.
  const schemasSeeded = REGISTRY_URL
    ? seedSchemas().then(() =>
        loadAvroEncoders().catch(error =>
          logError(
            `Avro values: ${describeError(error)}; orders.created stays JSON`,
          ),
        ),
      )
    : null;
  const [, ...seeded] = await Promise.all([
    schemasSeeded,
    ...CLUSTERS.map(cluster => seedCluster(cluster, schemasSeeded)),
  ]);
  if (stopSignal.aborted) return;
  log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  if (SEED_ONLY) {
    await shutdown('seed only', 0);
    return;
  }

  const members = seeded.flatMap(({ cluster, producer, world }) => {
    startProducing(cluster, producer, world);
    return cluster.groups.flatMap(g =>
      g.clientIds.map(clientId => runMember(cluster, g, clientId)),
    );
  });
  await Promise.all(members);
  if (stopSignal.aborted) return;
  for (const { cluster, admin } of seeded) startStatus(cluster, admin);
  log(
    `running: ${CLUSTERS.map(describeTraffic).join(
      '; ',
    )}; status every 60s; SIGINT/SIGTERM stops`,
  );
}

main().catch(async error => {
  if (stopSignal.aborted) return;
  if (error instanceof UnreachableError) {
    logError(error.message);
    process.exit(2);
  }
  logError(`seeding failed: ${describeError(error)}`);
  await shutdown('failure', 1);
});
