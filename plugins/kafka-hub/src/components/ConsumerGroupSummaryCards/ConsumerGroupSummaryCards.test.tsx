import { screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { ConsumerGroupSummaryCards } from './ConsumerGroupSummaryCards';
import {
  errorBody,
  kafkaHubTestApi,
} from '../ProvisioningCommon/__testUtils__';
import {
  CONSUMER_GROUP_SUMMARY_URL,
  makeSummary,
} from '../ConsumerGroupTable/__testUtils__';

jest.setTimeout(30_000);

const render = (props: Parameters<typeof ConsumerGroupSummaryCards>[0] = {}) =>
  renderInTestApp(
    <ConsumerGroupSummaryCards refreshIntervalMs={false} {...props} />,
    { apis: [kafkaHubTestApi(), mockApis.permission()] },
  );

describe('ConsumerGroupSummaryCards', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const recordSummary = (answer = makeSummary()) => {
    const requests: URL[] = [];
    server.use(
      http.get(CONSUMER_GROUP_SUMMARY_URL, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json(answer);
      }),
    );
    return requests;
  };

  it('shows progress, then groups by state, total lag, groups with lag and those needing attention', async () => {
    const requests = recordSummary();
    await render();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    const card = async (name: string) =>
      (await screen.findByRole('region', { name })).textContent;
    expect(await card('Consumer groups')).toBe('Consumer groups9');
    expect(await card('Stable')).toBe('Stable5');
    expect(await card('Rebalancing')).toBe('Rebalancing1');
    expect(await card('Empty')).toBe('Empty2');
    expect(await card('Dead or unknown')).toBe('Dead or unknown1');
    expect(await card('Total lag')).toBe('Total lag123,456');
    expect(await card('Groups with lag')).toBe('Groups with lag4');
    expect(await card('Need attention')).toBe('Need attention5');
    expect(
      screen.getByRole('region', { name: 'Need attention' }),
    ).toHaveAttribute('title', 'WARN: 2, STALL: 1, STOP: 1, REWIND: 1');
    expect(requests[0].search).toBe('');
  });

  it('asks once for several entities and an environment', async () => {
    const requests = recordSummary();
    await render({
      entityRefs: ['component:default/a', 'component:default/b'],
      environment: 'prod',
    });
    expect(
      (await screen.findByRole('region', { name: 'Consumer groups' }))
        .textContent,
    ).toBe('Consumer groups9');
    expect(requests).toHaveLength(1);
    expect(
      requests[0].searchParams.getAll('entityRef').flatMap(v => v.split(',')),
    ).toEqual(['component:default/a', 'component:default/b']);
    expect(requests[0].searchParams.get('environment')).toBe('prod');
  });

  it('counts nothing, without a request, for no entities', async () => {
    const requests = recordSummary();
    await render({ entityRefs: [] });
    expect(
      (await screen.findByRole('region', { name: 'Consumer groups' }))
        .textContent,
    ).toBe('Consumer groups0');
    expect(requests).toHaveLength(0);
  });

  it('shows the server error', async () => {
    server.use(
      http.get(CONSUMER_GROUP_SUMMARY_URL, () =>
        HttpResponse.json(errorBody(500, 'Error', 'database is locked'), {
          status: 500,
        }),
      ),
    );
    await render();
    expect(
      await screen.findByText(/Could not load the consumer group summary/),
    ).toBeInTheDocument();
  });

  it('reloads while visible', async () => {
    const requests = recordSummary();
    await render({ refreshIntervalMs: 200 });
    await screen.findByRole('region', { name: 'Consumer groups' });
    await waitFor(() => expect(requests.length).toBeGreaterThanOrEqual(3));
  });
});
