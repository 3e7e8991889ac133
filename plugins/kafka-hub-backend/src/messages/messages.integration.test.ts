import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  DefinitivePolicyDecision,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  KafkaMessageList,
  kafkaHubMessagesReadPermission,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Admin, Producer } from '@platformatic/kafka';
import express from 'express';
import request from 'supertest';
import { MessagesApi } from '../api/MessagesApi';
import { MessagesConfig } from '../config/types';
import {
  createTopics,
  liveEnvironment,
  testAdmin,
  testClientOptions,
  uniqueSuffix,
} from '../consumerGroups/__testUtils__/testKafka';
import { NamespaceClaimStore } from '../database/claims';
import { migrationsDir } from '../database/migrations';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import { EntityAccess } from '../permissions/EntityAccess';
import { createKafkaHubRouter } from '../router/kafkaHubRouter';
import { messageRoutes } from '../router/messageRoutes';
import { RegistryFixtures } from '../schemaRegistry/__testUtils__/registryFixtures';
import { testDatabaseIds, testServices } from '../testUtils/testServices';
import { MASKED } from './maskFields';
import { MessageReader } from './MessageReader';

jest.setTimeout(180_000);

const ALICE = 'user:default/alice'; // owner of the application
const BOB = 'user:default/bob'; // member of another team
const ENTITY = 'component:default/messages-app';

/** Alice holds messages.read on ENTITY; Bob holds nothing. */
const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) => {
    const user = (options.credentials.principal as { userEntityRef?: string })
      .userEntityRef;
    return requests.map(
      (r): DefinitivePolicyDecision => ({
        result:
          user === ALICE &&
          isResourcePermission(r.permission) &&
          r.permission.name === kafkaHubMessagesReadPermission.name &&
          (r as { resourceRef?: string }).resourceRef === ENTITY
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      }),
    );
  },
});

const bounds: MessagesConfig = {
  maxMessages: 500,
  maxBytes: 5 * 1024 * 1024,
  timeoutMs: 10_000,
  mask: ['*.email', 'card.number'],
};

const AVRO_ORDER = JSON.stringify({
  type: 'record',
  name: 'Order',
  namespace: 'khtest',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'email', type: 'string' },
    {
      name: 'card',
      type: {
        type: 'record',
        name: 'Card',
        fields: [
          { name: 'number', type: 'string' },
          { name: 'brand', type: 'string' },
        ],
      },
    },
    { name: 'amount', type: 'double' },
  ],
});
const PROTO_PAYMENT = `syntax = "proto3";
package khtest;
message Payment {
  string id = 1;
  string email = 2;
  int64 cents = 3;
}
`;
const JSON_SHIPMENT = JSON.stringify({
  type: 'object',
  properties: {
    id: { type: 'string' },
    customer: {
      type: 'object',
      properties: { email: { type: 'string' } },
    },
  },
  required: ['id'],
});

describe('Messages, decoded, against the real broker and registry', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const fixtures = new RegistryFixtures(testServices.registryUrl);
  const registry = new SchemaRegistry({ host: testServices.registryUrl });
  const application = `khmsg-${uniqueSuffix()}`;
  const prefix = `${application}.`;
  const decodedTopic = `${prefix}decoded`;
  const manyTopic = `${prefix}many`;
  const largeTopic = `${prefix}large`;
  const foreignTopic = `khmsg-other-${uniqueSuffix()}.events`;
  const T0 = Date.UTC(2026, 0, 1);
  let admin: Admin;
  let producer: Producer;
  let groupsBefore: Set<string>;
  const ids = { avro: 0, protobuf: 0, json: 0 };

  beforeAll(async () => {
    admin = testAdmin();
    producer = new Producer({ ...testClientOptions(), idempotent: true });
    groupsBefore = new Set((await admin.listGroups()).keys());
    await createTopics(admin, [
      { topic: decodedTopic, partitions: 1 },
      { topic: manyTopic, partitions: 2 },
      { topic: largeTopic, partitions: 1 },
      { topic: foreignTopic, partitions: 1 },
    ]);
    ids.avro = await fixtures.register(
      fixtures.name(`${decodedTopic}-{suffix}-avro`),
      AVRO_ORDER,
    );
    ids.protobuf = await fixtures.register(
      fixtures.name(`${decodedTopic}-{suffix}-proto`),
      PROTO_PAYMENT,
      { format: 'PROTOBUF' },
    );
    ids.json = await fixtures.register(
      fixtures.name(`${decodedTopic}-{suffix}-json`),
      JSON_SHIPMENT,
      { format: 'JSON' },
    );
    // A Confluent-framed value whose schema id the registry does not know.
    const unknownSchema = Buffer.concat([
      Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0]),
      Buffer.from('payload'),
    ]);
    await producer.send({
      messages: [
        {
          topic: decodedTopic,
          partition: 0,
          key: Buffer.from('order-1'),
          value: await registry.encode(ids.avro, {
            id: 'o-1',
            email: 'ada@example.com',
            card: { number: '4111111111111111', brand: 'visa' },
            amount: 12.5,
          }),
          headers: new Map([
            [Buffer.from('trace'), Buffer.from('abc')],
            [Buffer.from('bin'), Buffer.from([0, 1, 2, 255])],
          ]),
        },
        {
          topic: decodedTopic,
          partition: 0,
          key: await registry.encode(ids.json, { id: 'k-2' }),
          value: await registry.encode(ids.protobuf, {
            id: 'p-1',
            email: 'pay@example.com',
            cents: 1250,
          }),
        },
        {
          topic: decodedTopic,
          partition: 0,
          value: await registry.encode(ids.json, {
            id: 's-1',
            customer: { email: 'ship@example.com' },
          }),
        },
        {
          topic: decodedTopic,
          partition: 0,
          value: Buffer.from(
            JSON.stringify({
              plain: true,
              user: { email: 'json@example.com' },
            }),
          ),
        },
        {
          topic: decodedTopic,
          partition: 0,
          value: Buffer.from('hello, text'),
        },
        {
          topic: decodedTopic,
          partition: 0,
          value: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x01]),
        },
        { topic: decodedTopic, partition: 0, value: unknownSchema },
      ],
    });
    // 600 messages in partition 0 and 5 in partition 1, a second apart.
    const many = [];
    for (let i = 0; i < 600; i++) {
      many.push({
        topic: manyTopic,
        partition: 0,
        value: Buffer.from(`m-${i}`),
        timestamp: BigInt(T0 + i * 1000),
      });
    }
    for (let i = 0; i < 5; i++) {
      many.push({
        topic: manyTopic,
        partition: 1,
        value: Buffer.from(`p1-${i}`),
        timestamp: BigInt(T0 + i * 1000),
      });
    }
    // In sends of 50: batches small fetches can take one by one.
    for (let i = 0; i < many.length; i += 50) {
      await producer.send({ messages: many.slice(i, i + 50) });
    }
    // Seven values of 900 KiB: 6.2 MiB, above the 5 MiB bound.
    for (let i = 0; i < 7; i++) {
      await producer.send({
        messages: [
          {
            topic: largeTopic,
            partition: 0,
            value: Buffer.alloc(900 * 1024, 'x'),
          },
        ],
      });
    }
    await producer.send({
      messages: [{ topic: foreignTopic, value: Buffer.from('not yours') }],
    });
  });

  afterAll(async () => {
    await producer?.close();
    await admin
      ?.deleteTopics({
        topics: [decodedTopic, manyTopic, largeTopic, foreignTopic],
      })
      .catch(() => undefined);
    await admin?.close();
    await fixtures.cleanUp();
  });

  async function setup(databaseId: TestDatabaseId, config = bounds) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const applications = new ProvisioningStore(knex);
    const namespaceClaims = new NamespaceClaimStore(knex);
    await applications.upsertDesired({
      entityRef: ENTITY,
      application,
      ownerRef: 'group:default/team-a',
      desiredState: { environments: ['dev'], topics: [{ name: 'decoded' }] },
      desiredStateHash: 'h1',
      now: new Date(),
    });
    await namespaceClaims.claim({
      application,
      prefix,
      entityRef: ENTITY,
      now: new Date(),
    });
    const auditEvents: Array<{
      eventId: string;
      meta: unknown;
      outcome?: string;
      success?: unknown;
    }> = [];
    const auditor = mockServices.auditor.mock();
    auditor.createEvent.mockImplementation(async options => {
      const event: (typeof auditEvents)[number] = {
        eventId: options.eventId,
        meta: options.meta,
      };
      auditEvents.push(event);
      return {
        success: async (o?: { meta?: unknown }) => {
          event.outcome = 'success';
          event.success = o?.meta;
        },
        fail: async () => {
          event.outcome = 'fail';
        },
      };
    });
    const api = new MessagesApi({
      auditor,
      access: new EntityAccess(permissions),
      applications,
      namespaceClaims,
      environments: [
        {
          ...liveEnvironment('dev'),
          schemaRegistry: { url: testServices.registryUrl, timeoutMs: 5000 },
        },
      ],
      namespacePattern: '{application}.',
      config,
    });
    const router = await createKafkaHubRouter();
    messageRoutes(router, { httpAuth: mockServices.httpAuth(), api });
    const app = express().use(router).use(mockErrorHandler());
    const get = (
      user: string,
      topic: string,
      query: Record<string, string | number>,
      entityRef = ENTITY,
    ) =>
      request(app)
        .get(
          `/applications/${encodeURIComponent(
            entityRef,
          )}/topics/${encodeURIComponent(topic)}/messages`,
        )
        .query({ environment: 'dev', ...query })
        .set('Authorization', mockCredentials.user.header(user));
    return { get, auditEvents };
  }

  it.each(databases.eachSupportedId())(
    'decodes Avro, Protobuf and JSON Schema through the registry, JSON, text and hex otherwise, masked and audited, %p',
    async databaseId => {
      const { get, auditEvents } = await setup(databaseId);
      const res = await get(ALICE, decodedTopic, {
        start: 'offset',
        offset: 0,
      });
      expect(res.status).toBe(200);
      const body = res.body as KafkaMessageList;
      expect(body.stoppedBy).toBe('end');
      expect(body.messages.map(m => m.offset)).toEqual([
        '0',
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
      ]);
      const [avro, proto, jsonSchema, json, text, hex, unknown] = body.messages;

      expect(avro.key).toMatchObject({ format: 'text', data: 'order-1' });
      expect(avro.value).toMatchObject({
        format: 'avro',
        schemaId: ids.avro,
        data: {
          id: 'o-1',
          email: MASKED,
          card: { number: MASKED, brand: 'visa' },
          amount: 12.5,
        },
      });
      expect(avro.headers).toEqual([
        { key: 'trace', value: 'abc', format: 'text' },
        { key: 'bin', value: '000102ff', format: 'hex' },
      ]);

      expect(proto.key).toMatchObject({
        format: 'json-schema',
        schemaId: ids.json,
        data: { id: 'k-2' },
      });
      expect(proto.value).toMatchObject({
        format: 'protobuf',
        schemaId: ids.protobuf,
        // int64 in its JSON form: a string.
        data: { id: 'p-1', email: MASKED, cents: '1250' },
      });
      expect(jsonSchema.value).toMatchObject({
        format: 'json-schema',
        data: { id: 's-1', customer: { email: MASKED } },
      });
      expect(json.value).toMatchObject({
        format: 'json',
        data: { plain: true, user: { email: MASKED } },
      });
      expect(text.value).toMatchObject({ format: 'text', data: 'hello, text' });
      expect(text.key).toBeUndefined();
      expect(hex.value).toMatchObject({ format: 'hex', data: 'deadbeef01' });
      expect(unknown.value).toMatchObject({
        format: 'hex',
        schemaId: 0x7ffffff0,
        data: Buffer.concat([
          Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0]),
          Buffer.from('payload'),
        ]).toString('hex'),
      });
      expect(unknown.value?.error).toMatch(/schema 2147483632/);

      // Nothing unmasked left the backend.
      expect(JSON.stringify(body)).not.toMatch(/@example\.com|4111111111/);

      expect(auditEvents).toHaveLength(1);
      expect(auditEvents[0]).toMatchObject({
        eventId: 'messages-read',
        outcome: 'success',
        meta: { entityRef: ENTITY, environment: 'dev', topic: decodedTopic },
        success: {
          count: 7,
          stoppedBy: 'end',
          partitions: [{ partition: 0, startOffset: '0', nextOffset: '7' }],
        },
      });
      // The audit records the range, never the content.
      expect(JSON.stringify(auditEvents)).not.toMatch(/example|hello|o-1/);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers a member of another team 404, like a missing or foreign topic, %p',
    async databaseId => {
      const { get, auditEvents } = await setup(databaseId);
      const bob = await get(BOB, decodedTopic, {});
      const missing = await get(ALICE, `${prefix}nothing-here`, {});
      const foreign = await get(ALICE, foreignTopic, {});
      const otherEntity = await get(
        ALICE,
        decodedTopic,
        {},
        'component:default/not-an-application',
      );
      for (const res of [bob, missing, foreign, otherEntity]) {
        expect(res.status).toBe(404);
        expect(res.body.error.name).toBe('NotFoundError');
      }
      expect(JSON.stringify(bob.body)).not.toMatch(/example/);
      // Bob learns nothing: his answer is the one for a topic that is not there.
      expect(bob.body.error.message).toBe(
        (
          await get(ALICE, decodedTopic.replace('decoded', 'gone'), {})
        ).body.error.message.replace('gone', 'decoded'),
      );
      // Refused reads are audited as failures too.
      expect(auditEvents.map(e => e.outcome)).toEqual([
        'fail',
        'fail',
        'fail',
        'fail',
        'fail',
      ]);
      const owner = await get(ALICE, decodedTopic, { limit: 1 });
      expect(owner.status).toBe(200);
      expect((owner.body as KafkaMessageList).messages).toHaveLength(1);
    },
  );

  describe('bounds and starts', () => {
    it('stops at 500 messages of 600 and says so', async () => {
      const { get } = await setup('SQLITE_3');
      const res = await get(ALICE, manyTopic, {
        start: 'offset',
        offset: 0,
        partition: 0,
      });
      expect(res.status).toBe(200);
      const body = res.body as KafkaMessageList;
      expect(body.stoppedBy).toBe('limit');
      expect(body.messages).toHaveLength(500);
      expect(body.messages[499]).toMatchObject({
        offset: '499',
        value: { format: 'text', data: 'm-499' },
      });
      expect(body.partitions).toEqual([
        {
          partition: 0,
          startOffset: '0',
          nextOffset: '500',
          endOffset: '600',
        },
      ]);
    });

    it('reads the latest N of each partition', async () => {
      const { get } = await setup('SQLITE_3');
      const res = await get(ALICE, manyTopic, { limit: 3 });
      const body = res.body as KafkaMessageList;
      expect(body.stoppedBy).toBe('end');
      expect(
        body.messages.map(m => `${m.partition}:${m.offset}:${m.value?.data}`),
      ).toEqual([
        '0:597:m-597',
        '0:598:m-598',
        '0:599:m-599',
        '1:2:p1-2',
        '1:3:p1-3',
        '1:4:p1-4',
      ]);
    });

    it('reads from an offset and from a timestamp, per partition', async () => {
      const { get } = await setup('SQLITE_3');
      const fromOffset = (
        await get(ALICE, manyTopic, {
          start: 'offset',
          offset: 598,
          partition: 0,
        })
      ).body as KafkaMessageList;
      expect(fromOffset.messages.map(m => m.offset)).toEqual(['598', '599']);
      expect(fromOffset.stoppedBy).toBe('end');

      const fromTimestamp = (
        await get(ALICE, manyTopic, {
          start: 'timestamp',
          timestamp: new Date(T0 + 300_000).toISOString(),
          limit: 2,
        })
      ).body as KafkaMessageList;
      // Partition 1 has nothing at or after it.
      expect(
        fromTimestamp.messages.map(m => `${m.partition}:${m.offset}`),
      ).toEqual(['0:300', '0:301']);
      expect(fromTimestamp.messages[0].timestamp).toBe(
        new Date(T0 + 300_000).toISOString(),
      );
      expect(fromTimestamp.stoppedBy).toBe('limit');
    });

    it('stops before the message that would pass the byte bound', async () => {
      const { get } = await setup('SQLITE_3');
      const res = await get(ALICE, largeTopic, { start: 'offset', offset: 0 });
      expect(res.status).toBe(200);
      const body = res.body as KafkaMessageList;
      expect(body.stoppedBy).toBe('bytes');
      // 5 × 900 KiB fit in 5 MiB; a sixth would not.
      expect(body.messages).toHaveLength(5);
      expect(body.partitions[0].nextOffset).toBe('5');
    });

    it('stops at a lower configured bound', async () => {
      const { get } = await setup('SQLITE_3', { ...bounds, maxMessages: 10 });
      const res = await get(ALICE, manyTopic, { start: 'offset', offset: 0 });
      const body = res.body as KafkaMessageList;
      expect(body.stoppedBy).toBe('limit');
      expect(body.messages).toHaveLength(10);
      expect(body.bounds.maxMessages).toBe(10);
      const tooMany = await get(ALICE, manyTopic, { limit: 11 });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.error.message).toMatch(/limit .* 1 to 10/);
    });

    it('stops cleanly at the time bound with what it read so far', async () => {
      const deadline = new AbortController();
      const rounds: number[] = [];
      // Small fetches so the read takes several rounds; the gate passes
      // the time bound after the first.
      const reader = new MessageReader(liveEnvironment('dev').kafka, {
        partitionFetchBytes: 1024,
        onRound: round => {
          rounds.push(round);
          if (round === 1) deadline.abort();
        },
      });
      const result = await reader.read({
        topic: manyTopic,
        partitions: [0],
        start: { from: 'offset', offset: 0n },
        perPartition: 500,
        maxMessages: 500,
        maxBytes: bounds.maxBytes,
        deadline: deadline.signal,
      });
      expect(result.stoppedBy).toBe('time');
      expect(rounds).toEqual([1]);
      expect(result.messages.length).toBeGreaterThan(0);
      expect(result.messages.length).toBeLessThan(500);
      expect(result.partitions[0].nextOffset).toBe(
        BigInt(result.messages.length),
      );
    });

    it('cancels when the caller goes away', async () => {
      const cancel = new AbortController();
      const reader = new MessageReader(liveEnvironment('dev').kafka, {
        partitionFetchBytes: 1024,
        onRound: () => cancel.abort(),
      });
      await expect(
        reader.read({
          topic: manyTopic,
          start: { from: 'offset', offset: 0n },
          perPartition: 500,
          maxMessages: 500,
          maxBytes: bounds.maxBytes,
          deadline: new AbortController().signal,
          cancel: cancel.signal,
        }),
      ).rejects.toThrow(/cancelled/);
    });

    it('rejects bad starts with a message naming the parameter', async () => {
      const { get } = await setup('SQLITE_3');
      const noOffset = await get(ALICE, manyTopic, { start: 'offset' });
      expect(noOffset.status).toBe(400);
      expect(noOffset.body.error.message).toMatch(/offset/);
      const badTimestamp = await get(ALICE, manyTopic, {
        start: 'timestamp',
        timestamp: 'yesterday',
      });
      expect(badTimestamp.status).toBe(400);
      expect(badTimestamp.body.error.message).toMatch(/"yesterday"/);
      const noPartition = await get(ALICE, manyTopic, { partition: 7 });
      expect(noPartition.status).toBe(404);
      expect(noPartition.body.error.message).toMatch(/no partition 7/);
    });
  });

  it('never joins a group and never commits', async () => {
    // Runs last: every read above went through the same reader.
    const after = await admin.listGroups();
    const created = [...after.keys()].filter(id => !groupsBefore.has(id));
    // Other test files share the broker; none of their groups is ours.
    expect(created.filter(id => id.includes('message-reader'))).toEqual([]);
    expect(after.has('kafka-hub-message-reader-never-joins')).toBe(false);
  });
});
