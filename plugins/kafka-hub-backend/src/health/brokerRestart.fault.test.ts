/*
 * Stops and restarts the real broker, so it runs on its own after every other
 * test (scripts/test.sh; excluded from the regular run in package.json).
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { kafkaHubPlugin } from '../plugin';
import { kafkaService } from '../testUtils/kafkaService';
import { testServices } from '../testUtils/testServices';

jest.setTimeout(240_000);

describe('a stopped broker', () => {
  afterAll(() => {
    // Leave the broker running for whatever comes next, whatever happened.
    kafkaService('start', '--keep-data');
  });

  it('shows as unreachable with its error, then healthy again after a restart', async () => {
    const { server } = await startTestBackend({
      features: [
        kafkaHubPlugin,
        mockServices.rootConfig.factory({
          data: {
            kafkaHub: {
              environments: {
                dev: {
                  kafka: {
                    brokers: testServices.kafkaPlaintextBrokers,
                    connectionTimeoutMs: 1000,
                  },
                },
              },
            },
          },
        }),
      ],
    });
    const kafkaHealth = async () => {
      const res = await request(server).get('/api/kafka-hub/health');
      expect(res.status).toBe(200);
      return res.body.environments[0].kafka;
    };

    const before = await kafkaHealth();
    expect(before.status).toBe('up');

    kafkaService('stop');
    const down = await kafkaHealth();
    expect(down.status).toBe('down');
    expect(down.error).toMatch(/ECONNREFUSED|Connection error/);
    expect(new Date(down.since).getTime()).toBeGreaterThan(
      new Date(before.since).getTime(),
    );

    kafkaService('start', '--keep-data');
    const up = await kafkaHealth();
    expect(up.status).toBe('up');
    expect(new Date(up.since).getTime()).toBeGreaterThan(
      new Date(down.since).getTime(),
    );
  });
});
