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
  errorBody,
  kafkaHubTestApi,
  list,
  makeApplication,
} from '../ProvisioningCommon/__testUtils__';
import {
  avroVersions,
  makeDetail,
  makeSubject,
  SCHEMAS_URL,
  subjectList,
  subjectUrl,
} from '../SchemaTable/__testUtils__';
import {
  CONSUMER_GROUP_SUMMARY_URL,
  CONSUMER_GROUPS_URL,
  groupList,
  makeSummary as makeConsumerGroupSummary,
} from '../ConsumerGroupTable/__testUtils__';

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-orders' },
  spec: { type: 'team', children: [] },
};

const TAB = '/catalog/default/group/team-orders/kafka';

const Probe = () => {
  const location = useLocation();
  return (
    <div data-testid="location">{`${location.pathname}${location.search}`}</div>
  );
};

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

describe('GroupKafkaContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  // The tab's consumer groups section; TeamConsumerGroups.test.tsx tests it.
  beforeEach(() =>
    server.use(
      http.get(CONSUMER_GROUPS_URL, () => HttpResponse.json(groupList([]))),
      http.get(CONSUMER_GROUP_SUMMARY_URL, () =>
        HttpResponse.json(makeConsumerGroupSummary()),
      ),
    ),
  );

  it("lists the team's applications with their status, prefix and entity link, under the banner", async () => {
    const requests: URL[] = [];
    server.use(
      http.get(SCHEMAS_URL, () => HttpResponse.json(subjectList([]))),
      http.get(APPLICATIONS_URL, ({ request }) => {
        requests.push(new URL(request.url));
        // The backend's order: by entity ref.
        return HttpResponse.json(
          list([
            completedApplication({
              entityRef: 'component:default/billing-service',
              application: 'billing',
              prefix: 'billing.',
              desiredEnvironments: ['dev'],
            }),
            makeApplication(),
          ]),
        );
      }),
    );
    await render();

    expect(
      await screen.findByText('1 application has provisioning issues'),
    ).toBeInTheDocument();
    // The table asks for its first page; the banner for the team's issues.
    const query = (url: URL) => Object.fromEntries(url.searchParams);
    expect(requests.map(query)).toEqual(
      expect.arrayContaining([
        { owner: 'group:default/team-orders', limit: '25' },
        {
          owner: 'group:default/team-orders',
          status: 'failed,partial',
          limit: '500',
        },
      ]),
    );
    const table = screen.getByRole('table', {
      name: 'Kafka applications of the team',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);

    expect(rows[0]).toHaveTextContent('billing');
    expect(rows[0]).toHaveTextContent('billing.');
    expect(
      within(rows[0]).getByLabelText('Provisioning status: Completed'),
    ).toBeInTheDocument();
    expect(
      within(rows[0]).getByRole('link', { name: /billing-service/ }),
    ).toHaveAttribute('href', '/catalog/default/component/billing-service');

    expect(rows[1]).toHaveTextContent('orders.');
    expect(rows[1]).toHaveTextContent('dev, stage, prod');
    expect(
      within(rows[1]).getByLabelText('Provisioning status: Partial'),
    ).toBeInTheDocument();
    expect(rows[1]).toHaveTextContent(
      'prod: Connection error: connect ECONNREFUSED 127.0.0.1:19092',
    );
    expect(
      within(rows[1]).getByRole('link', { name: /orders-service/ }),
    ).toHaveAttribute('href', '/catalog/default/component/orders-service');
    expect(
      screen.getByText('2 applications owned by this team'),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'View details' }));
    expect(
      await screen.findByRole('dialog', { name: 'Provisioning issues' }),
    ).toBeInTheDocument();
  });

  it("pages the team's applications on the server, the page kept in the URL", async () => {
    const all = Array.from({ length: 30 }, (_, i) => {
      const name = `app-${String(i).padStart(2, '0')}`;
      return completedApplication({
        entityRef: `component:default/${name}`,
        application: name,
        prefix: `${name}.`,
      });
    });
    const requests: URL[] = [];
    server.use(
      http.get(SCHEMAS_URL, () => HttpResponse.json(subjectList([]))),
      http.get(APPLICATIONS_URL, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        const limit = Number(url.searchParams.get('limit') ?? 50);
        const offset = Number(url.searchParams.get('offset') ?? 0);
        const status = url.searchParams.get('status');
        const matching = status ? [] : all;
        return HttpResponse.json({
          ...list(matching.slice(offset, offset + limit)),
          total: matching.length,
          limit,
          offset,
        });
      }),
    );
    await render();

    const table = await screen.findByRole('table', {
      name: 'Kafka applications of the team',
    });
    expect(within(table).getAllByRole('row').slice(1)).toHaveLength(25);
    expect(
      screen.getByText('30 applications owned by this team'),
    ).toBeInTheDocument();
    expect(screen.getByText('1-25 of 30')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() =>
      expect(screen.getByText('26-30 of 30')).toBeInTheDocument(),
    );
    const rows = within(
      screen.getByRole('table', { name: 'Kafka applications of the team' }),
    )
      .getAllByRole('row')
      .slice(1);
    expect(
      rows.map(r => within(r).getAllByRole('cell')[0].textContent),
    ).toEqual(['app-25', 'app-26', 'app-27', 'app-28', 'app-29']);
    expect(
      requests.some(
        r =>
          r.searchParams.get('offset') === '25' &&
          r.searchParams.get('limit') === '25',
      ),
    ).toBe(true);
    expect(screen.getByTestId('location')).toHaveTextContent(
      `${TAB}?apps.page=2`,
    );
  });

  it('says so when the team has no Kafka application', async () => {
    server.use(http.get(APPLICATIONS_URL, () => HttpResponse.json(list([]))));
    await render();
    expect(
      await screen.findByText('No Kafka applications'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/provisioning issues/)).not.toBeInTheDocument();
  });

  it('shows progress while loading, then the error', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>(r => {
      release = r;
    });
    server.use(
      http.get(APPLICATIONS_URL, async () => {
        await released;
        return HttpResponse.json(
          errorBody(400, 'InputError', 'Invalid owner entity ref'),
          { status: 400 },
        );
      }),
    );
    await render();
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    release();
    expect(
      await screen.findByText(/Could not load the team's Kafka applications/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/Invalid owner entity ref/).length,
    ).toBeGreaterThan(0);
  });

  it("lists the schemas of the team's applications, each opening below the tab", async () => {
    const schemaRequests: URL[] = [];
    server.use(
      http.get(APPLICATIONS_URL, () =>
        HttpResponse.json(
          list([
            completedApplication({ desiredEnvironments: ['dev', 'prod'] }),
            completedApplication({
              entityRef: 'component:default/billing-service',
              application: 'billing',
              prefix: 'billing.',
              desiredEnvironments: ['dev', 'stage'],
            }),
          ]),
        ),
      ),
      http.get(SCHEMAS_URL, ({ request }) => {
        schemaRequests.push(new URL(request.url));
        return HttpResponse.json(
          subjectList([
            makeSubject(),
            makeSubject({
              subject: 'billing.invoices-value',
              topic: 'billing.invoices',
              entityRef: 'component:default/billing-service',
            }),
          ]),
        );
      }),
      http.get(subjectUrl('dev', 'billing.invoices-value'), () =>
        HttpResponse.json(
          makeDetail({
            subject: 'billing.invoices-value',
            topic: 'billing.invoices',
            entityRef: 'component:default/billing-service',
          }),
        ),
      ),
      http.get(`${subjectUrl('dev', 'billing.invoices-value')}/versions`, () =>
        HttpResponse.json({ items: avroVersions() }),
      ),
    );
    await render();

    const table = await screen.findByRole('table', { name: 'Schema subjects' });
    // One request for the whole team, however many applications it has.
    expect(schemaRequests[0].searchParams.get('owner')).toBe(
      'group:default/team-orders',
    );
    expect(schemaRequests[0].searchParams.has('entityRef')).toBe(false);
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      within(rows[1]).getByRole('link', { name: 'billing-service' }),
    ).toHaveAttribute('href', '/catalog/default/component/billing-service');
    expect(
      screen.getByText("Schema Registry subjects of the team's applications"),
    ).toBeInTheDocument();

    await userEvent.click(
      within(rows[1]).getByRole('link', { name: 'billing.invoices-value' }),
    );
    expect(
      await screen.findByRole('heading', { name: 'billing.invoices-value' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(
      `${TAB}/schemas/dev/billing.invoices-value`,
    );
    expect(
      screen.queryByRole('table', { name: 'Kafka applications of the team' }),
    ).not.toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('link', { name: 'Back to schemas' }),
    );
    expect(
      await screen.findByRole('table', {
        name: 'Kafka applications of the team',
      }),
    ).toBeInTheDocument();
  });

  it('asks for no schemas when the team has no application', async () => {
    let schemaCalls = 0;
    server.use(
      http.get(APPLICATIONS_URL, () => HttpResponse.json(list([]))),
      http.get(SCHEMAS_URL, () => {
        schemaCalls += 1;
        return HttpResponse.json(subjectList([]));
      }),
    );
    await render();
    expect(
      await screen.findByText('No Kafka applications'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Schemas')).not.toBeInTheDocument();
    expect(schemaCalls).toBe(0);
  });
});
