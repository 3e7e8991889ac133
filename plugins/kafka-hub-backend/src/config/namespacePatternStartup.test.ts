import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { kafkaHubPlugin } from '../plugin';

jest.setTimeout(60_000);

describe('the backend with an unsafe kafkaHub.namespacePattern', () => {
  it('does not start, and says which key and value are wrong', async () => {
    await expect(
      startTestBackend({
        features: [
          kafkaHubPlugin,
          mockServices.rootConfig.factory({
            data: { kafkaHub: { namespacePattern: '{application}-x' } },
          }),
          mockServices.database.factory(),
          catalogServiceMock.factory({ entities: [] }),
        ],
      }),
    ).rejects.toThrow(
      'kafkaHub.namespacePattern "{application}-x" is unsafe: one application\'s prefix can be a prefix of another\'s (application "a" gets "a-x", which starts "a-x-x" of application "a-x")',
    );
  });

  it('starts with a safe one, and serves', async () => {
    const { server } = await startTestBackend({
      features: [
        kafkaHubPlugin,
        mockServices.rootConfig.factory({
          data: { kafkaHub: { namespacePattern: 'team.{application}_' } },
        }),
        mockServices.database.factory(),
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
    try {
      const res = await request(server).get('/api/kafka-hub/health');
      expect(res.status).toBe(200);
    } finally {
      server.close();
    }
  });
});
