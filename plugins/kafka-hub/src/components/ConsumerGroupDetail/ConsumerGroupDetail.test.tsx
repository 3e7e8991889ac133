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
import { ConsumerGroupRoutes } from './ConsumerGroupRoutes';
import {
  catalogRoutes,
  errorBody,
  kafkaHubTestApi,
} from '../ProvisioningCommon/__testUtils__';
import {
  CONSUMER_GROUPS_URL,
  consumerGroupUrl,
  groupList,
  makeGroup,
  makeGroupDetail,
  makeHistory,
} from '../ConsumerGroupTable/__testUtils__';
import {
  consumerGroupDetailPath,
  ConsumerGroupTable,
} from '../ConsumerGroupTable';

const Probe = () => {
  const location = useLocation();
  return (
    <div data-testid="location">{`${location.pathname}${location.search}`}</div>
  );
};
const location = () => screen.getByTestId('location').textContent ?? '';

const render = (path: string, prefix?: string) =>
  renderInTestApp(
    <>
      <ConsumerGroupRoutes prefix={prefix} refreshIntervalMs={false}>
        <ConsumerGroupTable
          detailLink={g =>
            consumerGroupDetailPath(g.environment, g.groupId, prefix)
          }
          refreshIntervalMs={false}
        />
      </ConsumerGroupRoutes>
      <Probe />
    </>,
    {
      initialRouteEntries: [path],
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), mockApis.permission()],
    },
  );

jest.setTimeout(30_000);

describe('ConsumerGroupDetail', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const serveGroup = (
    environment: string,
    groupId: string,
    detail = makeGroupDetail({ environment, groupId }),
  ) => {
    const lagRequests: URL[] = [];
    server.use(
      http.get(consumerGroupUrl(environment, groupId), () =>
        HttpResponse.json(detail),
      ),
      http.get(
        `${consumerGroupUrl(environment, groupId)}/lag`,
        ({ request }) => {
          const url = new URL(request.url);
          lagRequests.push(url);
          return HttpResponse.json(
            makeHistory({
              environment,
              groupId,
              range: url.searchParams.get('range') as '1h',
              resolution:
                url.searchParams.get('range') === '30d' ? 'day' : 'raw',
            }),
          );
        },
      ),
    );
    return lagRequests;
  };

  it('shows the status with its reason, facts, lag chart, partitions and members', async () => {
    serveGroup(
      'dev',
      'orders.fulfilment',
      makeGroupDetail({
        lag: {
          ...makeGroup().lag!,
          status: 'STALL',
          statusReason:
            'Committed offsets did not move over 10 samples while lag stayed at 1,234',
          partitionsWithoutCommit: 1,
        },
      }),
    );
    await render('/dev/orders.fulfilment');
    expect(
      await screen.findByRole('heading', { name: 'orders.fulfilment' }),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Status reason')).toHaveTextContent(
      'Committed offsets did not move over 10 samples while lag stayed at 1,234',
    );
    const facts = screen.getByLabelText('Group facts');
    const fact = (label: string) =>
      within(facts).getByText(label).nextElementSibling?.textContent;
    expect(fact('State')).toBe('Stable');
    expect(fact('Members')).toBe('2');
    expect(fact('Total lag')).toBe('1,234 messages (largest partition: 800)');
    expect(fact('Time lag')).toBe('~12 s (estimate)');
    expect(fact('Without commit')).toBe('1 partition (not counted in the lag)');
    expect(fact('Coordinator')).toBe('1 (127.0.0.1:9092)');
    expect(fact('Type')).toMatch(/^ClassicClassic rebalance protocol/);
    expect(fact('Protocol type')).toBe('consumer');
    expect(fact('Assignor')).toBe('cooperative-sticky');
    expect(fact('Described with')).toBe('DescribeGroups');
    expect(within(facts).queryByText('Epochs')).toBeNull();
    expect(fact('Topics')).toBe('orders.created');
    expect(fact('Entity')).toBe('orders-service');

    expect(await screen.findByText('Total lag (messages)')).toBeInTheDocument();
    const partitions = screen.getByRole('table', { name: 'Partition lag' });
    expect(within(partitions).getAllByRole('row')).toHaveLength(5);
    expect(within(partitions).getByText('no commit')).toBeInTheDocument();
    const members = screen.getByRole('table', { name: 'Group members' });
    expect(within(members).getAllByRole('row')).toHaveLength(3);
    expect(screen.queryByRole('table', { name: 'Consumer groups' })).toBeNull();
  });

  it('keeps the chart range in the URL', async () => {
    const lagRequests = serveGroup('dev', 'orders.fulfilment');
    await render('/dev/orders.fulfilment?range=7d');
    await screen.findByText('Total lag (messages)');
    expect(lagRequests[0].searchParams.get('range')).toBe('7d');
    await userEvent.click(
      screen.getByRole('button', { name: '30d: last 30 days' }),
    );
    await waitFor(() =>
      expect(lagRequests.at(-1)?.searchParams.get('range')).toBe('30d'),
    );
    expect(location()).toBe('/dev/orders.fulfilment?range=30d');
    expect(
      await screen.findByText(/^Resolution: daily rollups/),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: '1h: last hour' }),
    );
    await waitFor(() => expect(location()).toBe('/dev/orders.fulfilment'));
  });

  it('opens from the list with the filters kept for the way back, with any group id', async () => {
    const groupId = 'connect/orders sink:é';
    server.use(
      http.get(CONSUMER_GROUPS_URL, () =>
        HttpResponse.json(
          groupList([makeGroup({ groupId, environment: 'prod' })]),
        ),
      ),
    );
    serveGroup('prod', groupId);
    await render('/?environment=prod&hasLag=true', 'consumer-groups');
    await userEvent.click(await screen.findByRole('link', { name: groupId }));
    expect(
      await screen.findByRole('heading', { name: groupId }),
    ).toBeInTheDocument();
    expect(location()).toBe(
      `/consumer-groups/prod/${encodeURIComponent(groupId)}`,
    );
    await userEvent.click(
      screen.getByRole('link', { name: /Back to consumer groups/ }),
    );
    expect(
      await screen.findByRole('table', { name: 'Consumer groups' }),
    ).toBeInTheDocument();
    expect(location()).toBe('/?environment=prod&hasLag=true');
  });

  it('says when the group does not exist or may not be read', async () => {
    server.use(
      http.get(consumerGroupUrl('dev', 'gone'), () =>
        HttpResponse.json(
          errorBody(
            404,
            'NotFoundError',
            'No consumer group gone in environment dev',
          ),
          { status: 404 },
        ),
      ),
    );
    await render('/dev/gone');
    expect(
      await screen.findByText(/Could not load consumer group gone in dev/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/No consumer group gone in environment dev/).length,
    ).toBeGreaterThan(0);
    expect(
      screen.getByRole('link', { name: /Back to consumer groups/ }),
    ).toHaveAttribute('href', '/');
  });

  it('shows a sampling error, an inactive group and a group never sampled', async () => {
    serveGroup(
      'dev',
      'orders.old',
      makeGroupDetail({
        groupId: 'orders.old',
        state: 'Empty',
        lifecycle: 'inactive',
        memberCount: 0,
        members: [],
        partitions: [],
        lag: undefined,
        coordinator: undefined,
        protocolType: undefined,
        assignmentStrategy: undefined,
        samplingError: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092',
      }),
    );
    await render('/dev/orders.old');
    expect(
      await screen.findByText(
        /The last lag sample of dev failed: Connection error: connect ECONNREFUSED/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/This group is inactive: Empty for longer/),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Status reason')).toHaveTextContent(
      'The lag sampler has not sampled this group yet.',
    );
    expect(screen.getAllByText('Not sampled').length).toBeGreaterThan(0);
    expect(screen.getByText(/No members/)).toBeInTheDocument();
    expect(screen.getByText(/No partition offsets yet/)).toBeInTheDocument();
  });

  it('shows a KIP-848 group with its epochs, a share group without members, and a group that could not be described', async () => {
    serveGroup(
      'dev',
      'orders.kip848',
      makeGroupDetail({
        groupId: 'orders.kip848',
        type: 'consumer',
        protocolType: 'consumer',
        assignmentStrategy: 'uniform',
        groupEpoch: 3,
        assignmentEpoch: 2,
        describedWith: 'ConsumerGroupDescribe',
        describeError: 'GROUP_AUTHORIZATION_FAILED: Group authorization failed',
        memberCount: 1,
        members: [
          {
            memberId: 'nLRJZgRHToiKPC20Nc4V4Q',
            clientId: 'console-consumer',
            host: '/127.0.0.1',
            memberEpoch: 2,
            subscribedTopics: ['orders.created'],
            assignments: [{ topic: 'orders.created', partitions: [0, 1, 2] }],
            targetAssignments: [
              { topic: 'orders.created', partitions: [0, 1, 2] },
            ],
          },
        ],
      }),
    );
    const { unmount } = await render('/dev/orders.kip848');
    await screen.findByRole('heading', { name: 'orders.kip848' });
    const facts = screen.getByLabelText('Group facts');
    const fact = (label: string) =>
      within(facts).getByText(label).nextElementSibling?.textContent;
    expect(fact('Type')).toMatch(/^ConsumerKIP-848 rebalance protocol/);
    expect(fact('Assignor')).toBe('uniform');
    expect(fact('Epochs')).toBe('group 3 · target assignment 2');
    expect(fact('Described with')).toBe('ConsumerGroupDescribe');
    expect(fact('Members')).toBe('1');
    expect(
      screen.getByText(
        'The last sync could not describe this group: GROUP_AUTHORIZATION_FAILED: Group authorization failed. Its state is the one listed; its members are the ones last described.',
      ),
    ).toBeInTheDocument();
    const members = screen.getByRole('table', { name: 'Group members' });
    expect(
      within(members).getByRole('columnheader', { name: 'Epoch' }),
    ).toBeInTheDocument();
    unmount();

    serveGroup(
      'dev',
      'orders.share',
      makeGroupDetail({
        groupId: 'orders.share',
        type: 'share',
        protocolType: 'share',
        assignmentStrategy: undefined,
        describedWith: undefined,
        memberCount: 0,
        members: [],
        partitions: [],
      }),
    );
    await render('/dev/orders.share');
    await screen.findByRole('heading', { name: 'orders.share' });
    const shareFacts = screen.getByLabelText('Group facts');
    const shareFact = (label: string) =>
      within(shareFacts).getByText(label).nextElementSibling?.textContent;
    expect(shareFact('Type')).toMatch(/^ShareShare group \(KIP-932\)/);
    expect(shareFact('Members')).toBe('Not described');
    expect(within(shareFacts).queryByText('Described with')).toBeNull();
    expect(
      screen.getByText(
        'Kafka Hub lists share groups with their state; it does not describe their members.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/No members/)).toBeNull();
    expect(screen.queryByText(/could not describe/)).toBeNull();
  });

  it('reloads on refresh', async () => {
    let calls = 0;
    server.use(
      http.get(consumerGroupUrl('dev', 'g'), () => {
        calls += 1;
        return HttpResponse.json(
          makeGroupDetail({ groupId: 'g', memberCount: calls }),
        );
      }),
      http.get(`${consumerGroupUrl('dev', 'g')}/lag`, () =>
        HttpResponse.json(makeHistory()),
      ),
    );
    await render('/dev/g');
    await screen.findByRole('heading', { name: 'g' });
    await userEvent.click(
      screen.getByRole('button', { name: 'Refresh consumer group' }),
    );
    await waitFor(() => expect(calls).toBe(2));
  });
});
