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
  avroVersions,
  makeDetail,
  makeSubject,
  makeSummary,
  SCHEMA_SUMMARY_URL,
  SCHEMAS_URL,
  subjectList,
  subjectUrl,
} from '../SchemaTable/__testUtils__';

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

describe('KafkaHubPage', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('opens on the Overview tab with cluster health', async () => {
    server.use(
      http.get(`${BASE_URL}/health`, () =>
        HttpResponse.json({ configured: false, environments: [] }),
      ),
    );
    await render('/kafka-hub');
    expect(
      await screen.findByText('Kafka Hub is not configured'),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Overview' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(screen.getByRole('tab', { name: 'Schemas' })).toBeInTheDocument();
  });

  it('shows summary cards and every readable subject on the Schemas tab, each linkable', async () => {
    const listRequests: URL[] = [];
    const summaryRequests: URL[] = [];
    const healthCalls = { count: 0 };
    server.use(
      hangingHealth(healthCalls),
      http.get(`${BASE_URL}/environments`, () =>
        HttpResponse.json(environments),
      ),
      http.get(SCHEMA_SUMMARY_URL, ({ request }) => {
        summaryRequests.push(new URL(request.url));
        return HttpResponse.json(makeSummary());
      }),
      http.get(SCHEMAS_URL, ({ request }) => {
        listRequests.push(new URL(request.url));
        return HttpResponse.json(
          subjectList([
            makeSubject(),
            makeSubject({ subject: 'unlinked', entityRef: undefined }),
          ]),
        );
      }),
      http.get(subjectUrl('dev', 'orders.created-value'), () =>
        HttpResponse.json(makeDetail()),
      ),
      http.get(`${subjectUrl('dev', 'orders.created-value')}/versions`, () =>
        HttpResponse.json({ items: avroVersions() }),
      ),
    );
    await render('/kafka-hub/schemas');
    expect(screen.getByRole('tab', { name: 'Schemas' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    const total = await screen.findByRole('region', { name: 'Total subjects' });
    expect(total).toHaveTextContent('6');
    const table = await screen.findByRole('table', { name: 'Schema subjects' });
    expect(within(table).getByText('Entity')).toBeInTheDocument();
    expect(within(table).getByText('Not linked')).toBeInTheDocument();
    expect(listRequests[0].searchParams.has('entityRef')).toBe(false);
    expect(summaryRequests[0].searchParams.has('entityRef')).toBe(false);

    // The configured environments with a registry feed the environment
    // filter, without waiting on (or asking) the live health check.
    await userEvent.click(screen.getByRole('button', { name: /^Environment/ }));
    await waitFor(() =>
      expect(screen.getAllByRole('option').map(o => o.textContent)).toEqual([
        'All environments',
        'dev',
        'prod',
      ]),
    );
    expect(healthCalls.count).toBe(0);
    await userEvent.keyboard('{Escape}');

    await userEvent.click(
      within(table).getByRole('link', { name: 'orders.created-value' }),
    );
    expect(
      await screen.findByRole('heading', { name: 'orders.created-value' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(
      '/kafka-hub/schemas/dev/orders.created-value',
    );
    expect(screen.getByRole('tab', { name: 'Schemas' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
  });
});
