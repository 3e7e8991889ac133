import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { kafkaHubPlugin } from './plugin';
import { localHttpServer } from './testUtils/localHttpServer';
import { testServices } from './testUtils/testServices';

jest.setTimeout(60_000);

/** A registry that fails with a two-line body, to see error tiering. */
const failingRegistry = () =>
  localHttpServer((_req, res) => {
    res.writeHead(500);
    res.end('Store unavailable\n  at io.apicurio.Storage.get(Storage.java:42)');
  });

const kafkaHubConfig = (registryUrl: string) => ({
  kafkaHub: {
    environments: {
      dev: {
        kafka: { brokers: testServices.kafkaPlaintextBrokers },
        schemaRegistry: { url: testServices.registryUrl },
      },
      stage: {
        kafka: {
          brokers: testServices.kafkaSaslBrokers,
          sasl: { mechanism: 'plain', ...testServices.admin },
        },
      },
      prod: {
        kafka: { brokers: testServices.deadBrokers, connectionTimeoutMs: 1000 },
        schemaRegistry: { url: registryUrl },
      },
    },
  },
});

/** GET /health from a backend whose prod registry fails, with extra service overrides. */
async function healthWithFailingRegistry(
  extraFeatures: Parameters<typeof startTestBackend>[0]['features'] = [],
) {
  const registry = await failingRegistry();
  try {
    const { server } = await startTestBackend({
      features: [
        kafkaHubPlugin,
        mockServices.rootConfig.factory({ data: kafkaHubConfig(registry.url) }),
        ...extraFeatures,
      ],
    });
    return await request(server).get('/api/kafka-hub/health');
  } finally {
    registry.close();
  }
}

describe('kafka-hub backend plugin', () => {
  it('says nothing is configured without a kafkaHub section', async () => {
    const { server } = await startTestBackend({ features: [kafkaHubPlugin] });
    const res = await request(server).get('/api/kafka-hub/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ configured: false, environments: [] });
  });

  it('reports live health of each environment, full error detail for admins', async () => {
    const res = await healthWithFailingRegistry();
    expect(res.status).toBe(200);
    expect(res.body.configured).toBe(true);
    const byEnv = Object.fromEntries(
      res.body.environments.map((e: any) => [e.environment, e]),
    );
    expect(Object.keys(byEnv).sort()).toEqual(['dev', 'prod', 'stage']);

    expect(byEnv.dev.kafka).toMatchObject({
      status: 'up',
      details: { sasl: false },
    });
    expect(byEnv.dev.schemaRegistry).toMatchObject({ status: 'up' });
    expect(byEnv.stage.kafka).toMatchObject({
      status: 'up',
      details: { sasl: true },
    });
    expect(byEnv.stage.schemaRegistry).toEqual({
      status: 'not-configured',
      since: expect.any(String),
    });
    expect(byEnv.prod.kafka.status).toBe('down');
    expect(byEnv.prod.kafka.error).toMatch(/ECONNREFUSED|Connection error/);
    expect(byEnv.prod.schemaRegistry.error).toBe(
      'HTTP 500 from /config: Store unavailable\n  at io.apicurio.Storage.get(Storage.java:42)',
    );
    expect(JSON.stringify(res.body)).not.toContain('admin-secret');
  });

  it('gives callers without admin read only the first line of each error', async () => {
    const res = await healthWithFailingRegistry([
      mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
    ]);
    expect(res.status).toBe(200);
    const prod = res.body.environments.find(
      (e: any) => e.environment === 'prod',
    );
    expect(prod.schemaRegistry.error).toBe(
      'HTTP 500 from /config: Store unavailable',
    );
  });

  it('refuses unauthenticated requests', async () => {
    const { server } = await startTestBackend({ features: [kafkaHubPlugin] });
    const res = await request(server)
      .get('/api/kafka-hub/health')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('fails at start-up with the bad key named when the config is malformed', async () => {
    await expect(
      startTestBackend({
        features: [
          kafkaHubPlugin,
          mockServices.rootConfig.factory({
            data: {
              kafkaHub: {
                environments: { dev: { kafka: { brokers: ['nohost'] } } },
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(
      'kafkaHub.environments.dev.kafka.brokers: "nohost" is not of the form host:port',
    );
  });
});
