import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { useLocation } from 'react-router-dom';
import {
  ConsumerGroupTable,
  ConsumerGroupTableProps,
} from './ConsumerGroupTable';
import { consumerGroupDetailPath } from './links';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { kafkaHubEntityChannel } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { FakeSignalApi } from '../../hooks/__testUtils__/FakeSignalApi';
import {
  catalogRoutes,
  errorBody,
  kafkaHubTestApi,
} from '../ProvisioningCommon/__testUtils__';
import { CONSUMER_GROUPS_URL, groupList, makeGroup } from './__testUtils__';

const Probe = () => {
  const location = useLocation();
  return (
    <div data-testid="location">{`${location.pathname}${location.search}`}</div>
  );
};

const render = (
  props: Partial<ConsumerGroupTableProps> = {},
  initialRoute = '/',
) =>
  renderInTestApp(
    <>
      <ConsumerGroupTable
        detailLink={g => consumerGroupDetailPath(g.environment, g.groupId)}
        refreshIntervalMs={false}
        {...props}
      />
      <Probe />
    </>,
    {
      initialRouteEntries: [initialRoute],
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), mockApis.permission()],
    },
  );

const location = () => screen.getByTestId('location').textContent ?? '';

/** Answers every list request with `answer`, recording the query. */
const recordList = (
  server: ReturnType<typeof setupServer>,
  answer: (url: URL) => unknown = () => groupList([makeGroup()]),
) => {
  const requests: URL[] = [];
  server.use(
    http.get(CONSUMER_GROUPS_URL, ({ request }) => {
      const url = new URL(request.url);
      requests.push(url);
      return HttpResponse.json(answer(url) as Record<string, unknown>);
    }),
  );
  return requests;
};

const chooseOption = async (select: RegExp, option: string) => {
  await userEvent.click(screen.getByRole('button', { name: select }));
  await userEvent.click(await screen.findByRole('option', { name: option }));
};

const cells = (row: HTMLElement) =>
  within(row)
    .getAllByRole('cell')
    .map(c => c.textContent);

// A whole test app per test is slow on a loaded machine.
jest.setTimeout(30_000);

describe('ConsumerGroupTable', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows progress, then one row per group with status, lag, time lag and trend', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>(r => {
      release = r;
    });
    const requests: URL[] = [];
    server.use(
      http.get(CONSUMER_GROUPS_URL, async ({ request }) => {
        requests.push(new URL(request.url));
        await released;
        return HttpResponse.json(
          groupList([
            makeGroup({ type: 'consumer' }),
            makeGroup({
              environment: 'prod',
              groupId: 'legacy-billing',
              entityRef: undefined,
              type: 'classic',
              protocolType: 'connect',
              state: 'Empty',
              lifecycle: 'inactive',
              memberCount: 0,
              lag: {
                sampledAt: '2026-11-21T12:00:00.000Z',
                totalLag: 52000,
                maxPartitionLag: 50000,
                timeLagSeconds: 7325,
                partitionsWithoutCommit: 3,
                status: 'STOP',
                statusReason: 'No members while 52,000 messages wait',
              },
              trend: [52000, 52000],
            }),
            makeGroup({
              groupId: 'orders.new',
              type: 'share',
              protocolType: 'share',
              lag: undefined,
              trend: [],
            }),
          ]),
        );
      }),
    );
    await render({ showEntity: true });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    release();

    const table = await screen.findByRole('table', { name: 'Consumer groups' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual([
      'Group',
      'Environment',
      'Entity',
      'Type',
      'State',
      'Status',
      'Members',
      'Total lag',
      'Time lag',
      'Trend',
    ]);
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    expect(cells(rows[0])).toEqual([
      'orders.fulfilment',
      'dev',
      'orders-service',
      'Consumer',
      'Stable',
      'OK',
      '2',
      '1,234',
      '~12 s',
      'Lag trend of the last 4 samples, rising: from 100 to 1,234 (peak 1,234)',
    ]);
    expect(cells(rows[1])).toEqual([
      'legacy-billing',
      'prod',
      'Not linked',
      'Classic · connect',
      'EmptyInactive',
      'STOP',
      '0',
      '52,0003 without commit',
      '~2 h 2 min',
      'Lag trend of the last 2 samples, flat: from 52,000 to 52,000 (peak 52,000)',
    ]);
    expect(cells(rows[2])).toEqual([
      'orders.new',
      'dev',
      'orders-service',
      'Share',
      'Stable',
      'Not sampled',
      '2',
      '—',
      '—',
      '—',
    ]);

    // What a type is, on hover; the type never wraps.
    const kip848 = within(rows[0]).getByText('Consumer');
    expect(kip848.closest('[title]')).toHaveAttribute(
      'title',
      expect.stringMatching(/^KIP-848 rebalance protocol/),
    );
    expect(getComputedStyle(kip848).whiteSpace).toBe('nowrap');
    expect(
      getComputedStyle(within(rows[1]).getByText('Classic · connect'))
        .whiteSpace,
    ).toBe('nowrap');

    // The status reason and what the time lag is are on hover.
    expect(
      within(rows[1]).getByText('STOP').closest('[title]'),
    ).toHaveAttribute('title', 'STOP: No members while 52,000 messages wait');
    expect(within(rows[0]).getByText('~12 s')).toHaveAttribute(
      'title',
      expect.stringMatching(/^Estimated: ~12 s\. An estimate/),
    );
    expect(
      within(rows[0]).getByRole('img', { name: /Lag trend/ }),
    ).toHaveAccessibleName(
      'Lag trend of the last 4 samples, rising: from 100 to 1,234 (peak 1,234)',
    );
    expect(screen.getByText('3 groups')).toBeInTheDocument();

    expect(requests).toHaveLength(1);
    expect(requests[0].searchParams.get('sort')).toBe('lag');
    expect(requests[0].searchParams.get('limit')).toBe('25');
    expect(requests[0].searchParams.has('entityRef')).toBe(false);
    expect(requests[0].searchParams.has('offset')).toBe(false);
  });

  it("reloads at once on a lag signal of its one entity's channel, without polling", async () => {
    const signals = new FakeSignalApi();
    const ref = 'component:default/orders-service';
    const requests = recordList(server, () =>
      groupList([makeGroup({ groupId: `reader${requests.length}` })]),
    );
    await renderInTestApp(
      <ConsumerGroupTable
        entityRefs={[ref]}
        detailLink={g => consumerGroupDetailPath(g.environment, g.groupId)}
        refreshIntervalMs={false}
      />,
      {
        mountedRoutes: catalogRoutes,
        apis: [
          kafkaHubTestApi(),
          mockApis.permission(),
          [signalApiRef, signals],
        ],
      },
    );
    await waitFor(() => expect(requests).toHaveLength(1));
    expect(signals.channels()).toEqual([kafkaHubEntityChannel(ref)]);

    expect(await screen.findByText('reader1')).toBeInTheDocument();

    act(() => signals.send(kafkaHubEntityChannel(ref), 'consumer-groups'));
    expect(await screen.findByText('reader2')).toBeInTheDocument();
    expect(requests).toHaveLength(2);
  });

  it('shows the server error', async () => {
    server.use(
      http.get(CONSUMER_GROUPS_URL, () =>
        HttpResponse.json(
          errorBody(
            400,
            'InputError',
            'Query parameter state must be one of Stable',
          ),
          { status: 400 },
        ),
      ),
    );
    await render();
    expect(
      await screen.findByText(/Could not load the consumer groups/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/Query parameter state must be one of Stable/).length,
    ).toBeGreaterThan(0);
  });

  it('explains an empty list, with the given description', async () => {
    recordList(server, () => groupList([]));
    await render({ emptyDescription: 'Nothing linked to this entity.' });
    expect(
      await screen.findByText('No consumer groups yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Nothing linked to this entity.'),
    ).toBeInTheDocument();
  });

  it('reads filters from the URL, says when they match nothing, and clears them', async () => {
    const requests = recordList(server, url =>
      groupList(url.searchParams.has('state') ? [] : [makeGroup()]),
    );
    await render(
      {},
      '/?environment=prod&state=Dead&lifecycle=archived&hasLag=true&search=zzz&page=3',
    );
    expect(
      await screen.findByText('No consumer groups match the filters'),
    ).toBeInTheDocument();
    const query = Object.fromEntries(requests[0].searchParams);
    expect(query).toEqual({
      environment: 'prod',
      state: 'Dead',
      lifecycle: 'archived',
      hasLag: 'true',
      search: 'zzz',
      sort: 'lag',
      limit: '25',
      offset: '50',
    });

    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );
    expect(
      await screen.findByRole('table', { name: 'Consumer groups' }),
    ).toBeInTheDocument();
    expect(location()).toBe('/');
    expect(
      screen.getByRole('textbox', { name: 'Search consumer groups' }),
    ).toHaveValue('');
  });

  it('changes the query with every filter, back to the first page', async () => {
    const requests = recordList(server, url =>
      groupList(
        [
          makeGroup({
            environment: url.searchParams.get('environment') ?? 'dev',
          }),
        ],
        { total: 200 },
      ),
    );
    await render({ environments: ['dev', 'prod'] }, '/?page=2');
    await screen.findByRole('table', { name: 'Consumer groups' });
    expect(requests[0].searchParams.get('offset')).toBe('25');

    await chooseOption(/^Environment/, 'prod');
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('environment')).toBe('prod'),
    );
    expect(requests.at(-1)?.searchParams.has('offset')).toBe(false);
    expect(location()).toBe('/?environment=prod');

    await chooseOption(/^State/, 'Preparing rebalance');
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('state')).toBe(
        'PreparingRebalance',
      ),
    );
    await chooseOption(/^Lifecycle/, 'Inactive');
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('lifecycle')).toBe('inactive'),
    );
    await chooseOption(/^Lag/, 'Without lag');
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('hasLag')).toBe('false'),
    );
    expect(location()).toBe(
      '/?environment=prod&state=PreparingRebalance&lifecycle=inactive&hasLag=false',
    );

    await chooseOption(/^Environment/, 'All environments');
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.has('environment')).toBe(false),
    );
    expect(requests.at(-1)?.searchParams.get('hasLag')).toBe('false');
  });

  it('searches once typing pauses, not on every key', async () => {
    const requests = recordList(server);
    await render();
    await screen.findByRole('table', { name: 'Consumer groups' });
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Search consumer groups' }),
      'billing',
    );
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('search')).toBe('billing'),
    );
    expect(
      requests
        .filter(r => r.searchParams.has('search'))
        .map(r => r.searchParams.get('search')),
    ).toEqual(['billing']);
    expect(location()).toBe('/?search=billing');
  });

  it('sorts by total lag, time lag or name on the server', async () => {
    const requests = recordList(server);
    await render();
    await screen.findByRole('table', { name: 'Consumer groups' });
    const header = (name: string) =>
      within(screen.getByRole('table', { name: 'Consumer groups' })).getByRole(
        'columnheader',
        { name },
      );
    expect(header('Total lag')).toHaveAttribute('aria-sort', 'descending');

    await userEvent.click(within(header('Time lag')).getByRole('button'));
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('sort')).toBe('timeLag'),
    );
    expect(location()).toBe('/?sort=timeLag');
    await waitFor(() =>
      expect(header('Time lag')).toHaveAttribute('aria-sort', 'descending'),
    );

    await userEvent.click(within(header('Group')).getByRole('button'));
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('sort')).toBe('name'),
    );
    await waitFor(() =>
      expect(header('Group')).toHaveAttribute('aria-sort', 'ascending'),
    );

    await userEvent.click(within(header('Total lag')).getByRole('button'));
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('sort')).toBe('lag'),
    );
    expect(location()).toBe('/');
  });

  it('pages on the server', async () => {
    const requests = recordList(server, url =>
      groupList(
        [
          makeGroup({
            groupId: `group-${url.searchParams.get('offset') ?? '0'}`,
          }),
        ],
        {
          total: 60,
          limit: Number(url.searchParams.get('limit')),
          offset: Number(url.searchParams.get('offset') ?? 0),
        },
      ),
    );
    await render();
    expect(await screen.findByText('group-0')).toBeInTheDocument();
    expect(screen.getByText('1-25 of 60')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('group-25')).toBeInTheDocument();
    expect(requests.at(-1)?.searchParams.get('offset')).toBe('25');
    expect(location()).toBe('/?page=2');

    await userEvent.click(
      screen.getByRole('button', { name: /Rows per page/ }),
    );
    await userEvent.click(await screen.findByRole('option', { name: '50' }));
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('limit')).toBe('50'),
    );
    expect(requests.at(-1)?.searchParams.has('offset')).toBe(false);
    expect(location()).toBe('/?pageSize=50');
  });

  it('keeps its parameters under a prefix when asked', async () => {
    const requests = recordList(server);
    await render(
      { queryPrefix: 'cg.' },
      '/?environment=ignored&cg.environment=stage',
    );
    await screen.findByRole('table', { name: 'Consumer groups' });
    expect(requests[0].searchParams.get('environment')).toBe('stage');
    await chooseOption(/^Lag/, 'With lag');
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('hasLag')).toBe('true'),
    );
    expect(location()).toBe(
      '/?environment=ignored&cg.environment=stage&cg.hasLag=true',
    );
  });

  it('asks once for all its entities and shows the groups in the order the backend sends', async () => {
    const requests = recordList(server, () =>
      groupList([
        makeGroup({
          groupId: 'b.big',
          entityRef: 'component:default/b',
          lag: { ...makeGroup().lag!, totalLag: 99999 },
        }),
        makeGroup({ groupId: 'a.one', entityRef: 'component:default/a' }),
        makeGroup({
          groupId: 'a.two',
          entityRef: 'component:default/a',
          lag: undefined,
        }),
      ]),
    );
    await render({
      entityRefs: ['component:default/a', 'component:default/b'],
    });
    const table = await screen.findByRole('table', { name: 'Consumer groups' });
    const names = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(r => within(r).getAllByRole('cell')[0].textContent);
    expect(names).toEqual(['b.big', 'a.one', 'a.two']);
    expect(
      requests.map(r =>
        r.searchParams.getAll('entityRef').flatMap(v => v.split(',')),
      ),
    ).toEqual([['component:default/a', 'component:default/b']]);
    expect(screen.getByText(/^3 groups/)).toBeInTheDocument();
  });

  it('makes no request for an empty list of entities', async () => {
    const requests = recordList(server);
    await render({ entityRefs: [] });
    expect(
      await screen.findByText('No consumer groups yet'),
    ).toBeInTheDocument();
    expect(requests).toHaveLength(0);
  });

  it('opens the detail of a clicked row, with the group id URL-encoded', async () => {
    recordList(server, () =>
      groupList([makeGroup({ groupId: 'a/b:c d-é', environment: 'dev' })]),
    );
    await render({}, '/?environment=dev');
    const link = await screen.findByRole('link', { name: 'a/b:c d-é' });
    expect(link).toHaveAttribute('href', '/dev/a%2Fb%3Ac%20d-%C3%A9');

    const table = screen.getByRole('table', { name: 'Consumer groups' });
    await userEvent.click(within(table).getAllByRole('row')[1].children[1]);
    expect(location()).toBe('/dev/a%2Fb%3Ac%20d-%C3%A9');
  });

  it('reloads on refresh and every interval, keeping the rows on a failed reload', async () => {
    let calls = 0;
    server.use(
      http.get(CONSUMER_GROUPS_URL, () => {
        calls += 1;
        if (calls === 3) {
          return HttpResponse.json(
            errorBody(503, 'ServiceUnavailableError', 'database is busy'),
            { status: 503 },
          );
        }
        return HttpResponse.json(
          groupList([makeGroup({ groupId: `answer-${calls}` })]),
        );
      }),
    );
    // Long enough that a slow first render still shows the first answer.
    await render({ refreshIntervalMs: 3000 });
    expect(await screen.findByText('answer-1')).toBeInTheDocument();
    // The interval reloads.
    expect(await screen.findByText('answer-2')).toBeInTheDocument();
    // A failed reload keeps the last rows and says so.
    expect(
      await screen.findByText(/Could not refresh the consumer groups/),
    ).toBeInTheDocument();
    expect(screen.getByText('answer-2')).toBeInTheDocument();
    expect(await screen.findByText('answer-4')).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Refresh consumer groups' }),
    );
    await waitFor(() => expect(calls).toBeGreaterThanOrEqual(5));
  });
});
