/* eslint-disable no-console */
// Benchmark of a message read (issue 14, part 2) on the local broker and
// Apicurio. Run from the repository root:
//
//   source scripts/toolchain.sh && node \
//     --require @backstage/cli/config/nodeTransform.cjs scripts/bench/message-read.ts
//
// It registers an Avro schema (an order: ids, amounts, a nested card, a
// list of lines; ~150 bytes encoded), writes BENCH_MESSAGES (default 500)
// Avro-encoded messages to a fresh topic of BENCH_PARTITIONS partitions
// (default 1), then reads the latest BENCH_MESSAGES / partitions of each
// partition BENCH_RUNS times (default 7) the way a request does: a fresh
// throwaway reader (Metadata, ListOffsets, Fetch; no group), then decoding
// through the registry and masking `*.email`. The registry client lives
// across runs as in the backend (the first run fetches the schema, the
// others find it cached). Prints each run (read and decode apart) and the
// median. Deletes its topic and subject at the end.
//
// Env: BENCH_MESSAGES, BENCH_PARTITIONS, BENCH_RUNS, BENCH_BROKERS
// (default 127.0.0.1:9092), BENCH_REGISTRY (default
// http://127.0.0.1:8081/apis/ccompat/v7).

import { randomBytes } from 'crypto';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Admin, Producer } from '@platformatic/kafka';
import { kafkaClientOptions } from '../../plugins/kafka-hub-backend/src/kafka';
import {
  createSchemaRegistry,
  FieldMask,
  MessageDecoder,
  MessageReader,
} from '../../plugins/kafka-hub-backend/src/messages';
import { benchEnvironment, log, median } from './benchKit';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 500);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 1);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const REGISTRY =
  process.env.BENCH_REGISTRY ?? 'http://127.0.0.1:8081/apis/ccompat/v7';

const run = randomBytes(3).toString('hex');
const topic = `khbench-messages-${run}.orders`;
const subject = `${topic}-value`;

const cluster = benchEnvironment.kafka;

const ORDER = {
  type: 'record',
  name: 'BenchOrder',
  namespace: 'io.kafkahub.bench',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'customerId', type: 'string' },
    { name: 'email', type: 'string' },
    { name: 'totalMinor', type: 'long' },
    { name: 'currency', type: 'string' },
    {
      name: 'card',
      type: {
        type: 'record',
        name: 'BenchCard',
        fields: [
          { name: 'brand', type: 'string' },
          { name: 'last4', type: 'string' },
        ],
      },
    },
    {
      name: 'lines',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'BenchLine',
          fields: [
            { name: 'sku', type: 'string' },
            { name: 'quantity', type: 'int' },
          ],
        },
      },
    },
  ],
};

async function registry(method: string, path: string, body?: unknown) {
  const res = await fetch(`${REGISTRY}${path}`, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    throw new Error(
      `${method} ${path}: HTTP ${res.status} ${await res.text()}`,
    );
  }
  return res.json();
}

async function main() {
  const admin = new Admin(
    kafkaClientOptions({ ...cluster, clientId: 'kafka-hub-bench-setup' }),
  );
  const producer = new Producer({
    ...kafkaClientOptions({ ...cluster, clientId: 'kafka-hub-bench-setup' }),
  });
  try {
    const { id } = await registry(
      'POST',
      `/subjects/${encodeURIComponent(subject)}/versions`,
      { schema: JSON.stringify(ORDER) },
    );
    await admin.createTopics({ topics: [topic], partitions: PARTITIONS });
    const encoder = new SchemaRegistry({ host: REGISTRY });
    const messages = [];
    for (let i = 0; i < MESSAGES; i++) {
      messages.push({
        topic,
        partition: i % PARTITIONS,
        key: Buffer.from(`order-${i}`),
        value: await encoder.encode(id, {
          orderId: `order-${i}`,
          customerId: `customer-${i % 97}`,
          email: `customer-${i % 97}@example.com`,
          totalMinor: 1000 + i,
          currency: 'EUR',
          card: { brand: 'visa', last4: String(1000 + (i % 9000)) },
          lines: [
            { sku: `sku-${i % 13}`, quantity: 1 + (i % 3) },
            { sku: `sku-${i % 7}`, quantity: 2 },
          ],
        }),
      });
    }
    for (let i = 0; i < messages.length; i += 100) {
      await producer.send({ messages: messages.slice(i, i + 100) });
    }
    log(
      `${MESSAGES} Avro messages (schema ${id}, ~${messages[0].value.length} bytes each) in ${PARTITIONS} partition(s) of ${topic}`,
    );

    const decoder = new MessageDecoder(
      createSchemaRegistry({ url: REGISTRY, timeoutMs: 10_000 }),
      new FieldMask(['*.email']),
    );
    const totals: number[] = [];
    for (let r = 1; r <= RUNS; r++) {
      const started = performance.now();
      const read = await new MessageReader(cluster).read({
        topic,
        start: { from: 'latest' },
        perPartition: Math.ceil(MESSAGES / PARTITIONS),
        maxMessages: 500,
        maxBytes: 5 * 1024 * 1024,
        deadline: AbortSignal.timeout(10_000),
      });
      const readMs = performance.now() - started;
      const decoded = await decoder.decodeAll(read.messages);
      const totalMs = performance.now() - started;
      const formats = new Set(decoded.map(m => m.value?.format));
      if (decoded.length !== Math.min(MESSAGES, 500) || formats.size !== 1) {
        throw new Error(
          `run ${r}: ${decoded.length} messages, formats ${[...formats]}`,
        );
      }
      totals.push(totalMs);
      log(
        `run ${r}: ${decoded.length} messages (${[...formats]}, stopped by ${
          read.stoppedBy
        }) in ${totalMs.toFixed(0)} ms: read ${readMs.toFixed(0)} ms, decode ${(
          totalMs - readMs
        ).toFixed(0)} ms`,
      );
    }
    log(
      `median of ${RUNS} runs: ${median(totals).toFixed(
        0,
      )} ms (first run ${totals[0].toFixed(0)} ms, schema not cached yet)`,
    );
  } finally {
    await producer.close().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.close().catch(() => undefined);
    await registry('DELETE', `/subjects/${encodeURIComponent(subject)}`).catch(
      () => undefined,
    );
    await registry(
      'DELETE',
      `/subjects/${encodeURIComponent(subject)}?permanent=true`,
    ).catch(() => undefined);
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
