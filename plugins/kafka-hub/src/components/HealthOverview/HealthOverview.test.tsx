import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { HealthResponse } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { HealthOverview } from './HealthOverview';
import { kafkaHubApiRef, KafkaHubClient } from '../../api';

/** The real client over a fetchApi that resolves plugin:// like the app does; msw answers. */
const kafkaHubTestApi = () =>
  [
    kafkaHubApiRef,
    new KafkaHubClient({
      fetchApi: mockApis.fetch({
        resolvePluginProtocol: {
          discoveryApi: mockApis.discovery({
            baseUrl: 'http://localhost:7007',
          }),
        },
      }),
    }),
  ] as const;

const HEALTH_URL = 'http://localhost:7007/api/kafka-hub/health';

const healthy: HealthResponse = {
  configured: true,
  environments: [
    {
      environment: 'dev',
      checkedAt: '2026-11-21T12:00:00.000Z',
      kafka: {
        status: 'up',
        latencyMs: 12,
        details: { brokers: 1, sasl: false },
      },
      schemaRegistry: { status: 'up', latencyMs: 8 },
    },
    {
      environment: 'prod',
      checkedAt: '2026-11-21T12:00:00.000Z',
      kafka: {
        status: 'down',
        error:
          'Connection to 127.0.0.1:19092 failed: connect ECONNREFUSED 127.0.0.1:19092',
        since: '2026-11-21T11:00:00.000Z',
      },
      schemaRegistry: { status: 'not-configured' },
    },
  ],
};

describe('HealthOverview', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows each environment with its Kafka and registry status', async () => {
    server.use(http.get(HEALTH_URL, () => HttpResponse.json(healthy)));
    await renderInTestApp(<HealthOverview />, { apis: [kafkaHubTestApi()] });

    expect(await screen.findByText('dev')).toBeInTheDocument();
    expect(screen.getByText('prod')).toBeInTheDocument();
    expect(screen.getAllByText(/Reachable/)).toHaveLength(2);
    expect(screen.getByText('Reachable · 12 ms')).toBeInTheDocument();
    expect(screen.getByText(/Unreachable since/)).toBeInTheDocument();
    expect(
      screen.getByText(/connect ECONNREFUSED 127\.0\.0\.1:19092/),
    ).toBeInTheDocument();
    expect(screen.getByText('Not configured')).toBeInTheDocument();
    expect(screen.getByText('1 broker')).toBeInTheDocument();
  });

  it('says clearly when nothing is configured', async () => {
    server.use(
      http.get(HEALTH_URL, () =>
        HttpResponse.json({ configured: false, environments: [] }),
      ),
    );
    await renderInTestApp(<HealthOverview />, { apis: [kafkaHubTestApi()] });
    expect(
      await screen.findByText('Kafka Hub is not configured'),
    ).toBeInTheDocument();
  });

  it("shows the backend's error when the request fails", async () => {
    server.use(
      http.get(HEALTH_URL, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'Unauthorized' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    await renderInTestApp(<HealthOverview />, { apis: [kafkaHubTestApi()] });
    expect(
      await screen.findByText(/Could not load cluster health/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/Unauthorized/).length).toBeGreaterThan(0);
  });

  it('shows progress while loading, then refreshes on demand', async () => {
    let calls = 0;
    server.use(
      http.get(HEALTH_URL, () => {
        calls += 1;
        const body: HealthResponse =
          calls === 1
            ? healthy
            : {
                ...healthy,
                environments: [
                  {
                    ...healthy.environments[0],
                    kafka: { status: 'down', error: 'broker stopped' },
                  },
                ],
              };
        return HttpResponse.json(body);
      }),
    );
    await renderInTestApp(<HealthOverview />, { apis: [kafkaHubTestApi()] });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(await screen.findByText('Reachable · 12 ms')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByText('broker stopped')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.queryByText('Reachable · 12 ms')).not.toBeInTheDocument(),
    );
    expect(calls).toBe(2);
  });
});
