import { randomBytes } from 'crypto';
import { ConfigReader } from '@backstage/config';
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Admin } from '@platformatic/kafka';
import { ClaimSet } from '../claims';
import { namespaceClaim } from '../claims/__testUtils__/claims';
import { readKafkaHubConfig } from '../config/readKafkaHubConfig';
import { EnvironmentConfig } from '../config/types';
import {
  createProducer,
  setOffsets,
  testAdmin,
} from '../consumerGroups/__testUtils__/testKafka';
import { GroupSync } from '../consumerGroups/GroupSync';
import { LagSampler } from '../consumerGroups/LagSampler';
import { ClusterHealthStore } from '../database/ClusterHealthStore';
import {
  ConsumerGroupStore,
  LagHistoryStore,
  TaskRunStore,
} from '../database/consumerGroups';
import { migrationsDir } from '../database/migrations';
import { HealthChecker } from '../health/HealthChecker';
import { ProvisioningEngine } from '../provisioning/ProvisioningEngine';
import { localHttpServer } from '../testUtils/localHttpServer';
import {
  kafkaTlsFile,
  testDatabaseIds,
  testServices,
} from '../testUtils/testServices';

/*
 * Kafka Hub through the local broker's TLS, mTLS, SCRAM and OAUTHBEARER
 * listeners (scripts/services/kafka.sh), configured the way a user
 * configures them: the health check, provisioning, group sync and a lag
 * sample each work through every listener, and a wrong CA, client
 * certificate, password or OAuth client fail with the environment and the
 * cause named.
 */

jest.setTimeout(180_000);

const logger = mockServices.logger.mock();

const OAUTH_CLIENT_SECRET = 'oauth-client-secret-4711';
const WRONG_PASSWORD = 'not-the-admin-password-0815';

const base64url = (value: object) =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * An OAuth token endpoint (client-credentials grant) for the broker's
 * unsecured JWT validator: it signs nothing, the broker only reads `sub`
 * and the times. It refuses any client secret but the right one.
 */
async function tokenEndpoint() {
  let requests = 0;
  const server = await localHttpServer((req, res) => {
    requests++;
    const [id, secret] = Buffer.from(
      (req.headers.authorization ?? '').replace(/^Basic /, ''),
      'base64',
    )
      .toString()
      .split(':')
      .map(decodeURIComponent);
    res.setHeader('content-type', 'application/json');
    if (id !== 'kafka-hub' || secret !== OAUTH_CLIENT_SECRET) {
      res.statusCode = 401;
      res.end(JSON.stringify({ error: 'invalid_client' }));
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    res.end(
      JSON.stringify({
        access_token: `${base64url({ alg: 'none' })}.${base64url({
          sub: 'admin',
          iat: now,
          exp: now + 3600,
        })}.`,
        token_type: 'Bearer',
        expires_in: 3600,
      }),
    );
  });
  return { ...server, requests: () => requests };
}

const [tlsBroker] = testServices.kafkaSslBrokers;
const [mtlsBroker] = testServices.kafkaMtlsBrokers;
const [saslBroker] = testServices.kafkaSaslBrokers;
const [saslSslBroker] = testServices.kafkaSaslSslBrokers;
const ca = kafkaTlsFile('ca.pem');
const admin = testServices.admin;

/** `kafkaHub.environments` with one environment per listener and mistake. */
function environmentsConfig(tokenUrl: string) {
  const kafka = (brokers: string, options: object) => ({
    brokers: [brokers],
    connectionTimeoutMs: 5000,
    ...options,
  });
  return {
    tls: { kafka: kafka(tlsBroker, { ssl: { ca } }) },
    mtls: {
      kafka: kafka(mtlsBroker, {
        ssl: {
          ca,
          cert: kafkaTlsFile('client.pem'),
          key: kafkaTlsFile('client-key-encrypted.pem'),
          passphrase: 'client-key-secret',
        },
      }),
    },
    scram: {
      kafka: kafka(saslBroker, {
        sasl: { mechanism: 'scram-sha-512', ...admin },
      }),
    },
    'scram-tls': {
      kafka: kafka(saslSslBroker, {
        ssl: { ca },
        sasl: { mechanism: 'scram-sha-256', ...admin },
      }),
    },
    oauth: {
      kafka: kafka(saslSslBroker, {
        ssl: { ca },
        sasl: {
          mechanism: 'oauthbearer',
          oauth: {
            tokenEndpointUrl: tokenUrl,
            clientId: 'kafka-hub',
            clientSecret: OAUTH_CLIENT_SECRET,
            scope: 'kafka',
          },
          extensions: { logicalCluster: 'lkc-local', identityPoolId: 'pool-1' },
        },
      }),
    },
    'wrong-ca': {
      kafka: kafka(tlsBroker, {
        ssl: { ca: kafkaTlsFile('untrusted-ca.pem') },
      }),
    },
    'wrong-cert': {
      kafka: kafka(mtlsBroker, {
        ssl: {
          ca,
          cert: kafkaTlsFile('untrusted-client.pem'),
          key: kafkaTlsFile('untrusted-client-key.pem'),
        },
      }),
    },
    'wrong-password': {
      kafka: kafka(saslBroker, {
        sasl: {
          mechanism: 'scram-sha-512',
          username: admin.username,
          password: WRONG_PASSWORD,
        },
      }),
    },
    'wrong-oauth-client': {
      kafka: kafka(saslSslBroker, {
        ssl: { ca },
        sasl: {
          mechanism: 'oauthbearer',
          oauth: {
            tokenEndpointUrl: tokenUrl,
            clientId: 'kafka-hub',
            clientSecret: `${OAUTH_CLIENT_SECRET}-old`,
          },
        },
      }),
    },
  };
}

const WORKING = ['tls', 'mtls', 'scram', 'scram-tls', 'oauth'] as const;

/** What each mistake must say, after "Connection to <broker> failed: ". */
const MISTAKES: Record<string, { broker: string; cause: RegExp }> = {
  'wrong-ca': {
    broker: tlsBroker,
    cause:
      /^Connection to \S+ failed: self-signed certificate in certificate chain \(the broker's certificate is not signed by a trusted CA; check ssl\.ca\)$/,
  },
  'wrong-cert': {
    broker: mtlsBroker,
    cause:
      /^Connection closed: the broker rejected the client certificate \(TLS alert "certificate unknown"; check ssl\.cert, ssl\.key and the broker's trusted CAs\)$/,
  },
  'wrong-password': {
    broker: saslBroker,
    cause:
      /^Connection to \S+ failed: SASL authentication failed: SASL_AUTHENTICATION_FAILED: SASL authentication failed\. \(Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512\)$/,
  },
  'wrong-oauth-client': {
    broker: saslSslBroker,
    cause:
      /^Connection to \S+ failed: The SASL\/OAUTHBEARER token provider threw an error: OAuth token endpoint http:\/\/127\.0\.0\.1:\d+\/token answered 401: \{"error":"invalid_client"\}$/,
  },
};

describe('connection options against the local listeners', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  let endpoint: Awaited<ReturnType<typeof tokenEndpoint>>;
  let environments: Map<string, EnvironmentConfig>;
  let setupAdmin: Admin;
  const topics: string[] = [];
  const groups: string[] = [];

  beforeAll(async () => {
    endpoint = await tokenEndpoint();
    const config = readKafkaHubConfig(
      new ConfigReader({
        kafkaHub: {
          environments: environmentsConfig(`${endpoint.url}/token`),
        },
      }),
    );
    environments = new Map(config.environments.map(e => [e.name, e]));
    // The tests' own topics and offsets go through the plaintext listener.
    setupAdmin = testAdmin();
  });

  afterAll(async () => {
    await setupAdmin.deleteGroups({ groups }).catch(() => undefined);
    await setupAdmin.deleteTopics({ topics }).catch(() => undefined);
    await setupAdmin.close();
    endpoint.close();
  });

  const env = (name: string) => environments.get(name)!;

  async function stores(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    return {
      knex,
      health: new ClusterHealthStore(knex),
      groups: new ConsumerGroupStore(knex),
      history: new LagHistoryStore(knex),
      taskRuns: new TaskRunStore(knex),
    };
  }

  it.each(databases.eachSupportedId())(
    'health, provisioning, group sync and a lag sample work through TLS, mTLS, SCRAM, SCRAM over TLS and OAUTHBEARER on %p',
    async databaseId => {
      const s = await stores(databaseId);
      const health = await new HealthChecker(
        {
          ...readKafkaHubConfig(new ConfigReader({})),
          environments: WORKING.map(env),
        },
        s.health,
        logger,
      ).check();
      expect(
        health.environments.map(e => [e.environment, e.kafka.status]),
      ).toEqual(WORKING.map(name => [name, 'up']));
      for (const e of health.environments) {
        expect(e.kafka.details).toMatchObject({ brokers: 1 });
      }

      for (const name of WORKING) {
        const environment = env(name);
        const application = `khco-${name}-${randomBytes(3).toString('hex')}`;
        const topic = `${application}.events`;
        const groupId = `${application}.reader`;
        topics.push(topic);
        groups.push(groupId);

        // Provisioning: a topic and the application's prefixed ACLs.
        const provisioned = await new ProvisioningEngine({
          environments: [environment],
          logger,
          options: { defaultPartitions: 1, replicationFactor: 1 },
        }).provision({
          application,
          desiredState: {
            environments: [name],
            topics: [{ name: 'events', partitions: 2 }],
          },
        });
        expect({ name, result: provisioned }).toMatchObject({
          name,
          result: {
            status: 'completed',
            environments: {
              [name]: {
                status: 'success',
                message:
                  'Created 1 topic, 0 already existed; 6 ACLs in place (6 created, 0 already existed)',
              },
            },
          },
        });

        // A group 3 messages behind on partition 0, 0 on partition 1.
        const producer = createProducer();
        try {
          await producer.send({
            messages: [0, 1, 2, 3, 4].map(i => ({
              topic,
              partition: 0,
              value: `m${i}`,
            })),
          });
        } finally {
          await producer.close();
        }
        await setOffsets(setupAdmin, groupId, topic, [
          { partition: 0, offset: 2 },
          { partition: 1, offset: 0 },
        ]);

        const synced = await new GroupSync({
          environment,
          logger,
          groups: s.groups,
          taskRuns: s.taskRuns,
          claims: async () =>
            new ClaimSet(
              [namespaceClaim(application, `component:default/${application}`)],
              [],
            ),
          describeBatchSize: 100,
          inactiveAfterMs: 86_400_000,
          archiveAfterMs: 7 * 86_400_000,
        }).sync();
        expect({ name, ok: synced.ok }).toEqual({ name, ok: true });
        expect(await s.groups.get(name, groupId)).toMatchObject({
          groupId,
          entityRef: `component:default/${application}`,
        });

        const sampler = new LagSampler({
          environment,
          logger,
          groups: s.groups,
          history: s.history,
          taskRuns: s.taskRuns,
          concurrency: 4,
          statusWindow: 3,
          timeLagPoints: 60,
          keepPartitionHistory: false,
        });
        try {
          const sample = await sampler.sample();
          expect({ name, ok: sample.ok, error: sample.error }).toEqual({
            name,
            ok: true,
            error: undefined,
          });
        } finally {
          await sampler.close();
        }
        expect((await s.groups.get(name, groupId))?.lag).toMatchObject({
          totalLag: 3,
          maxPartitionLag: 3,
        });
      }
      // Every client of the environment shares one token (it lives an hour).
      expect(endpoint.requests()).toBe(1);
    },
  );

  it('names the environment and the cause of a wrong CA, client certificate, password and OAuth client', async () => {
    const s = await stores('SQLITE_3');
    const names = Object.keys(MISTAKES);
    const health = await new HealthChecker(
      {
        ...readKafkaHubConfig(new ConfigReader({})),
        environments: names.map(env),
      },
      s.health,
      logger,
    ).check();
    for (const name of names) {
      const checked = health.environments.find(e => e.environment === name);
      expect({ name, status: checked?.kafka.status }).toEqual({
        name,
        status: 'down',
      });
      expect(checked?.kafka.error).toMatch(MISTAKES[name].cause);
    }

    for (const name of names) {
      const application = `khco-bad-${randomBytes(3).toString('hex')}`;
      const result = await new ProvisioningEngine({
        environments: [env(name)],
        logger,
        options: { defaultPartitions: 1, replicationFactor: 1, retries: 0 },
      }).provision({
        application,
        desiredState: { environments: [name], topics: [{ name: 'events' }] },
      });
      expect({ name, status: result.status }).toEqual({
        name,
        status: 'failed',
      });
      // "<environment>: <step>: <cause>"
      expect(result.error).toMatch(
        new RegExp(
          `^${name}: Connecting to ${MISTAKES[name].broker.replace(
            /\./g,
            '\\.',
          )}: ${MISTAKES[name].cause.source.slice(1)}`,
        ),
      );
      for (const secret of [WRONG_PASSWORD, OAUTH_CLIENT_SECRET]) {
        expect(result.error).not.toContain(secret);
      }

      const synced = await new GroupSync({
        environment: env(name),
        logger,
        groups: s.groups,
        taskRuns: s.taskRuns,
        claims: async () => new ClaimSet([], []),
        describeBatchSize: 100,
        inactiveAfterMs: 86_400_000,
        archiveAfterMs: 7 * 86_400_000,
      }).sync();
      expect(synced).toEqual({
        ok: false,
        error: expect.stringMatching(MISTAKES[name].cause),
      });
      expect(await s.taskRuns.get(name, 'sync')).toMatchObject({
        lastError: synced.ok ? undefined : synced.error,
      });
    }
  });
});
