import { Admin, Producer } from '@platformatic/kafka';
import { randomBytes } from 'crypto';
import {
  OrgScaleBackend,
  orgScaleDatabases,
  startOrgScaleBackend,
} from './__testUtils__/orgScale';

/*
 * Reading messages through the REAL catalog and permission backends and
 * the demo policy, against the real broker: the owning team's member and
 * an admin read a topic of the application; a member of another team and
 * a user in no team get the 404 of a topic that does not exist.
 */

jest.setTimeout(600_000);

const BROKER = process.env.KAFKA_HUB_TEST_KAFKA_PLAINTEXT ?? '127.0.0.1:9092';

describe.each(orgScaleDatabases())(
  'Reading messages under the demo policy (%s)',
  (_name, database) => {
    let org: OrgScaleBackend;
    let admin: Admin;
    let topic: string;
    let entityRef: string;
    const run = randomBytes(3).toString('hex');

    beforeAll(async () => {
      org = await startOrgScaleBackend({
        applications: 12,
        database,
        config: {
          kafkaHub: {
            environments: {
              dev: { kafka: { brokers: [BROKER] } },
            },
          },
        },
      });
      // team-a's first application; its slug's namespace is claimed by it.
      entityRef = org.team('team-a').applications[0];
      const slug = entityRef.split('/')[1];
      topic = `${slug}.messages-${run}`;
      const options = {
        clientId: 'kafka-hub-messages-test',
        bootstrapBrokers: [BROKER],
      };
      admin = new Admin(options);
      await admin.createTopics({ topics: [topic], partitions: 1 });
      const producer = new Producer({ ...options, retries: 8 });
      try {
        await producer.send({
          messages: [{ topic, value: Buffer.from('{"hello":"owner"}') }],
        });
      } finally {
        await producer.close();
      }
    });

    afterAll(async () => {
      await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin?.close();
      await org?.stop();
    });

    const messages = (t: string, as: string) =>
      org.get(
        `/api/kafka-hub/applications/${encodeURIComponent(
          entityRef,
        )}/topics/${encodeURIComponent(t)}/messages?environment=dev&limit=5`,
        { as },
      );

    it('lets the owning team and admins read, and answers others like a missing topic', async () => {
      const owner = await messages(topic, org.team('team-a').users[0]);
      expect(owner.status).toBe(200);
      expect(owner.body.messages).toEqual([
        expect.objectContaining({
          offset: '0',
          value: expect.objectContaining({
            format: 'json',
            data: { hello: 'owner' },
          }),
        }),
      ]);
      const asAdmin = await messages(topic, org.admins[0]);
      expect(asAdmin.status).toBe(200);
      expect(asAdmin.body.messages).toHaveLength(1);

      const missingTopic = topic.replace(`messages-${run}`, `absent-${run}`);
      const missing = await messages(missingTopic, org.team('team-a').users[0]);
      expect(missing.status).toBe(404);
      for (const as of [org.team('team-b').users[0], org.outsider]) {
        const refused = await messages(topic, as);
        expect(refused.status).toBe(404);
        expect(refused.body.error.name).toBe('NotFoundError');
        // Word for word the answer for a topic that does not exist.
        expect(refused.body.error.message).toBe(
          missing.body.error.message.replace(missingTopic, topic),
        );
        expect(JSON.stringify(refused.body)).not.toContain('owner');
      }
    });
  },
);
