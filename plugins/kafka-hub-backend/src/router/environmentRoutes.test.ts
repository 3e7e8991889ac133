import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { kafkaHubPlugin } from '../plugin';
import { localHttpServer } from '../testUtils/localHttpServer';
import { testServices } from '../testUtils/testServices';

jest.setTimeout(60_000);

const REGISTRY_PASSWORD = 'registry-secret-9f2c';
const REGISTRY_TOKEN = 'registry-token-41aa';

describe('GET /environments', () => {
  // prod's registry takes every request and never answers: a health check
  // (`GET /config`) there would hang until its timeout.
  const registryPaths: string[] = [];
  let registry: Awaited<ReturnType<typeof localHttpServer>>;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  beforeAll(async () => {
    registry = await localHttpServer(req => {
      registryPaths.push(req.url ?? '');
    });
    ({ server } = await startTestBackend({
      features: [
        kafkaHubPlugin,
        mockServices.rootConfig.factory({
          data: {
            kafkaHub: {
              environments: {
                dev: {
                  kafka: { brokers: testServices.kafkaPlaintextBrokers },
                  schemaRegistry: {
                    url: testServices.registryUrl,
                    username: 'registry-user',
                    password: REGISTRY_PASSWORD,
                  },
                },
                stage: {
                  kafka: {
                    brokers: testServices.kafkaSaslBrokers,
                    sasl: { mechanism: 'plain', ...testServices.admin },
                  },
                },
                prod: {
                  kafka: { brokers: testServices.deadBrokers },
                  schemaRegistry: { url: registry.url, token: REGISTRY_TOKEN },
                },
              },
            },
          },
        }),
        // Nobody is an admin: the route needs no permission.
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    }));
  });

  afterAll(() => registry.close());

  it('names every configured environment and whether it has a registry, to any signed-in user', async () => {
    const res = await request(server)
      .get('/api/kafka-hub/environments')
      .set('Authorization', mockCredentials.user.header('user:default/bob'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        { name: 'dev', hasSchemaRegistry: true },
        { name: 'stage', hasSchemaRegistry: false },
        { name: 'prod', hasSchemaRegistry: true },
      ],
    });
    // Nothing of how to reach an environment leaves the backend.
    for (const secretOrAddress of [
      REGISTRY_PASSWORD,
      REGISTRY_TOKEN,
      testServices.admin.password,
      'registry-user',
      registry.url,
      ...testServices.kafkaPlaintextBrokers,
      ...testServices.deadBrokers,
    ]) {
      expect(res.text).not.toContain(secretOrAddress);
    }
    // Read from the config: no registry was asked anything to answer.
    expect(registryPaths.filter(path => path.startsWith('/config'))).toEqual(
      [],
    );
  });

  it('serves services, and answers 401 without valid credentials', async () => {
    const service = await request(server)
      .get('/api/kafka-hub/environments')
      .set('Authorization', mockCredentials.service.header());
    expect(service.status).toBe(200);
    expect(service.body.items).toHaveLength(3);

    const anonymous = await request(server)
      .get('/api/kafka-hub/environments')
      .set('Authorization', mockCredentials.user.invalidHeader());
    expect(anonymous.status).toBe(401);
  });

  it('lists none without a kafkaHub section', async () => {
    const { server: unconfigured } = await startTestBackend({
      features: [kafkaHubPlugin],
    });
    const res = await request(unconfigured)
      .get('/api/kafka-hub/environments')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [] });
  });
});
