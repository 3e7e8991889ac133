import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { Entity } from '@backstage/catalog-model';
import { useLocation } from 'react-router-dom';
import { GroupKafkaContent } from './GroupKafkaContent';
import {
  APPLICATIONS_URL,
  catalogRoutes,
  completedApplication,
  kafkaHubTestApi,
  list,
} from '../ProvisioningCommon/__testUtils__';
import { SCHEMAS_URL, subjectList } from '../SchemaTable/__testUtils__';
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

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-orders' },
  spec: { type: 'team', children: [] },
};

const TAB = '/catalog/default/group/team-orders/kafka';
const TEAM = 'group:default/team-orders';
const ORDERS = 'component:default/orders-service';
const BILLING = 'component:default/billing-service';

const Probe = () => {
  const location = useLocation();
  return (
    <div data-testid="location">{`${location.pathname}${location.search}`}</div>
  );
};
const location = () => screen.getByTestId('location').textContent;

const render = (path = TAB) =>
  renderInTestApp(
    <EntityProvider entity={group}>
      <GroupKafkaContent />
      <Probe />
    </EntityProvider>,
    {
      mountPath: TAB,
      initialRouteEntries: [path],
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), mockApis.alert(), mockApis.permission()],
    },
  );

jest.setTimeout(30_000);

describe('GroupKafkaContent consumer groups', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const serve = (applications = [ORDERS, BILLING]) => {
    const listRequests: URL[] = [];
    const summaryRequests: URL[] = [];
    const schemaRequests: URL[] = [];
    server.use(
      http.get(APPLICATIONS_URL, () =>
        HttpResponse.json(
          list(
            applications.map((entityRef, i) =>
              completedApplication({
                entityRef,
                application: `app${i}`,
                prefix: `app${i}.`,
                desiredEnvironments: i === 0 ? ['dev', 'prod'] : ['stage'],
              }),
            ),
          ),
        ),
      ),
      http.get(SCHEMAS_URL, ({ request }) => {
        schemaRequests.push(new URL(request.url));
        return HttpResponse.json(subjectList([]));
      }),
      http.get(CONSUMER_GROUP_SUMMARY_URL, ({ request }) => {
        summaryRequests.push(new URL(request.url));
        return HttpResponse.json(makeSummary());
      }),
      http.get(CONSUMER_GROUPS_URL, ({ request }) => {
        const url = new URL(request.url);
        listRequests.push(url);
        // The backend selects the owner's applications' groups.
        const refs = url.searchParams.get('owner') === TEAM ? applications : [];
        return HttpResponse.json(
          groupList(
            refs.map(ref =>
              ref === BILLING
                ? makeGroup({
                    groupId: 'billing.invoicer',
                    entityRef: ref,
                    lag: { ...makeGroup().lag!, totalLag: 5 },
                  })
                : makeGroup({ entityRef: ref }),
            ),
          ),
        );
      }),
      http.get(consumerGroupUrl('dev', 'billing.invoicer'), () =>
        HttpResponse.json(
          makeGroupDetail({ groupId: 'billing.invoicer', entityRef: BILLING }),
        ),
      ),
      http.get(`${consumerGroupUrl('dev', 'billing.invoicer')}/lag`, () =>
        HttpResponse.json(makeHistory()),
      ),
    );
    return { listRequests, summaryRequests, schemaRequests };
  };

  it("lists the groups of the team's applications with a summary, in one request by owner", async () => {
    const { listRequests, summaryRequests } = serve();
    await render();
    const table = await screen.findByRole('table', { name: 'Consumer groups' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map(r => within(r).getAllByRole('cell')[0].textContent),
    ).toEqual(['orders.fulfilment', 'billing.invoicer']);
    expect(
      within(rows[1]).getByRole('link', { name: 'billing-service' }),
    ).toHaveAttribute('href', '/catalog/default/component/billing-service');
    expect(
      within(rows[1]).getByRole('link', { name: 'billing.invoicer' }),
    ).toHaveAttribute('href', `${TAB}/consumer-groups/dev/billing.invoicer`);
    expect(listRequests.map(r => r.searchParams.get('owner'))).toEqual([TEAM]);
    expect(listRequests[0].searchParams.has('entityRef')).toBe(false);
    expect(
      (await screen.findByRole('region', { name: 'Consumer groups' }))
        .textContent,
    ).toBe('Consumer groups9');
    expect(summaryRequests.map(r => r.searchParams.get('owner'))).toEqual([
      TEAM,
    ]);
    expect(
      screen.getByText("Consumer groups of the team's applications"),
    ).toBeInTheDocument();
  });

  it('keeps its filters apart from the schema list in the URL', async () => {
    const { listRequests, schemaRequests } = serve([ORDERS]);
    await render(`${TAB}?groups.environment=prod`);
    await screen.findByRole('table', { name: 'Consumer groups' });
    expect(listRequests[0].searchParams.get('environment')).toBe('prod');
    await waitFor(() => expect(schemaRequests.length).toBeGreaterThan(0));
    expect(schemaRequests[0].searchParams.has('environment')).toBe(false);

    await userEvent.click(screen.getByRole('button', { name: /^Lag/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'With lag' }),
    );
    await waitFor(() =>
      expect(listRequests.at(-1)?.searchParams.get('hasLag')).toBe('true'),
    );
    expect(location()).toBe(
      `${TAB}?groups.environment=prod&groups.hasLag=true`,
    );
  });

  it('opens a group below the tab and comes back to the team view', async () => {
    serve();
    await render();
    await userEvent.click(
      await screen.findByRole('link', { name: 'billing.invoicer' }),
    );
    expect(
      await screen.findByRole('heading', { name: 'billing.invoicer' }),
    ).toBeInTheDocument();
    expect(location()).toBe(`${TAB}/consumer-groups/dev/billing.invoicer`);
    expect(
      screen.queryByRole('table', { name: 'Kafka applications of the team' }),
    ).not.toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('link', { name: /Back to consumer groups/ }),
    );
    expect(
      await screen.findByRole('table', {
        name: 'Kafka applications of the team',
      }),
    ).toBeInTheDocument();
    expect(location()).toBe(TAB);
  });

  it('asks for no groups when the team has no application', async () => {
    const { listRequests, summaryRequests } = serve([]);
    await render();
    expect(
      await screen.findByText('No Kafka applications'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Consumer groups' }),
    ).not.toBeInTheDocument();
    expect(listRequests).toHaveLength(0);
    expect(summaryRequests).toHaveLength(0);
  });
});
