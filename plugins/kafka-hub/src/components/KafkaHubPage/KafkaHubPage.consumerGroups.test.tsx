import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { useLocation } from 'react-router-dom';
import { KafkaHubPage } from './KafkaHubPage';
import {
  BASE_URL,
  catalogRoutes,
  kafkaHubTestApi,
} from '../ProvisioningCommon/__testUtils__';
import {
  CONSUMER_GROUP_SUMMARY_URL,
  CONSUMER_GROUPS_URL,
  consumerGroupUrl,
  groupList,
  makeGroup,
  makeGroupDetail,
  makeHistory,
  makeSummary,
} from '../ConsumerGroupTable/__testUtils__';

jest.setTimeout(30_000);

const Probe = () => {
  const location = useLocation();
  return (
    <div data-testid="location">{`${location.pathname}${location.search}`}</div>
  );
};

const render = (path: string) =>
  renderInTestApp(
    <>
      <KafkaHubPage />
      <Probe />
    </>,
    {
      mountPath: '/kafka-hub',
      initialRouteEntries: [path],
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), mockApis.permission()],
    },
  );

/** What `GET /environments` answers: stage has no Schema Registry. */
const environments = {
  items: [
    { name: 'dev', hasSchemaRegistry: true },
    { name: 'stage', hasSchemaRegistry: false },
    { name: 'prod', hasSchemaRegistry: true },
  ],
};

/**
 * `GET /health` probes every cluster live: here it never answers, as with
 * an unreachable cluster, and counts its callers.
 */
function hangingHealth(calls: { count: number }) {
  return http.get(`${BASE_URL}/health`, () => {
    calls.count += 1;
    return new Promise<never>(() => {});
  });
}

describe('KafkaHubPage consumer groups', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows summary cards and every readable group on the Consumer groups tab, each linkable', async () => {
    const listRequests: URL[] = [];
    const summaryRequests: URL[] = [];
    const healthCalls = { count: 0 };
    server.use(
      hangingHealth(healthCalls),
      http.get(`${BASE_URL}/environments`, () =>
        HttpResponse.json(environments),
      ),
      http.get(CONSUMER_GROUP_SUMMARY_URL, ({ request }) => {
        summaryRequests.push(new URL(request.url));
        return HttpResponse.json(makeSummary());
      }),
      http.get(CONSUMER_GROUPS_URL, ({ request }) => {
        listRequests.push(new URL(request.url));
        return HttpResponse.json(
          groupList([
            makeGroup(),
            makeGroup({ groupId: 'connect-sink', entityRef: undefined }),
          ]),
        );
      }),
      http.get(consumerGroupUrl('dev', 'orders.fulfilment'), () =>
        HttpResponse.json(makeGroupDetail()),
      ),
      http.get(`${consumerGroupUrl('dev', 'orders.fulfilment')}/lag`, () =>
        HttpResponse.json(makeHistory()),
      ),
    );
    await render('/kafka-hub/consumer-groups');
    expect(
      screen.getByRole('tab', { name: 'Consumer groups' }),
    ).toHaveAttribute('aria-selected', 'true');
    expect(
      await screen.findByRole('region', { name: 'Total lag' }),
    ).toHaveTextContent('123,456');
    const table = await screen.findByRole('table', { name: 'Consumer groups' });
    expect(within(table).getByText('Entity')).toBeInTheDocument();
    expect(within(table).getByText('Not linked')).toBeInTheDocument();
    expect(listRequests[0].searchParams.has('entityRef')).toBe(false);
    expect(summaryRequests[0].search).toBe('');

    // The configured environments feed the filter, without waiting on (or
    // asking) the live health check; the summary follows the filter.
    await userEvent.click(screen.getByRole('button', { name: /^Environment/ }));
    await waitFor(() =>
      expect(screen.getAllByRole('option').map(o => o.textContent)).toEqual([
        'All environments',
        'dev',
        'prod',
        'stage',
      ]),
    );
    expect(healthCalls.count).toBe(0);
    await userEvent.click(screen.getByRole('option', { name: 'prod' }));
    await waitFor(() =>
      expect(summaryRequests.at(-1)?.searchParams.get('environment')).toBe(
        'prod',
      ),
    );
    expect(listRequests.at(-1)?.searchParams.get('environment')).toBe('prod');

    await userEvent.click(
      within(screen.getByRole('table', { name: 'Consumer groups' })).getByRole(
        'link',
        { name: 'orders.fulfilment' },
      ),
    );
    expect(
      await screen.findByRole('heading', { name: 'orders.fulfilment' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(
      '/kafka-hub/consumer-groups/dev/orders.fulfilment',
    );
    expect(
      screen.getByRole('tab', { name: 'Consumer groups' }),
    ).toHaveAttribute('aria-selected', 'true');
  });
});
