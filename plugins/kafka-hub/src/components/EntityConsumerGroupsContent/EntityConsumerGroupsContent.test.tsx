import { screen, waitFor } from '@testing-library/react';
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
import { EntityConsumerGroupsContent } from './EntityConsumerGroupsContent';
import {
  APPLICATIONS_URL,
  BASE_URL,
  catalogRoutes,
  completedApplication,
  kafkaHubTestApi,
  list,
} from '../ProvisioningCommon/__testUtils__';
import {
  CONSUMER_GROUPS_URL,
  consumerGroupUrl,
  groupList,
  makeGroup,
  makeGroupDetail,
  makeHistory,
} from '../ConsumerGroupTable/__testUtils__';

jest.setTimeout(30_000);

const TAB = '/catalog/default/component/orders-service/consumer-groups';
const REF = 'component:default/orders-service';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders-service',
    annotations: {
      'kafka-hub.io/application': 'orders',
      'kafka-hub.io/consumer-groups': 'qa/legacy-orders',
    },
  },
  spec: { type: 'service', owner: 'team-orders', lifecycle: 'production' },
};

const Probe = () => {
  const location = useLocation();
  return (
    <div data-testid="location">{`${location.pathname}${location.search}`}</div>
  );
};

const render = (path: string, shown: Entity = entity) =>
  renderInTestApp(
    <EntityProvider entity={shown}>
      <EntityConsumerGroupsContent refreshIntervalMs={false} />
      <Probe />
    </EntityProvider>,
    {
      mountPath: TAB,
      initialRouteEntries: [path],
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), mockApis.permission()],
    },
  );

const location = () => screen.getByTestId('location').textContent;

describe('EntityConsumerGroupsContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const serve = () => {
    const requests: URL[] = [];
    server.use(
      http.get(APPLICATIONS_URL, () =>
        HttpResponse.json(
          list([
            completedApplication({ desiredEnvironments: ['dev', 'prod'] }),
          ]),
        ),
      ),
      http.get(CONSUMER_GROUPS_URL, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        return HttpResponse.json(
          groupList([
            makeGroup({
              environment: url.searchParams.get('environment') ?? 'dev',
            }),
          ]),
        );
      }),
      http.get(consumerGroupUrl('prod', 'orders.fulfilment'), () =>
        HttpResponse.json(makeGroupDetail({ environment: 'prod' })),
      ),
      http.get(`${consumerGroupUrl('prod', 'orders.fulfilment')}/lag`, () =>
        HttpResponse.json(makeHistory({ environment: 'prod' })),
      ),
    );
    return requests;
  };

  it("lists the entity's groups in the environment of the URL, and writes filter changes back", async () => {
    const requests = serve();
    await render(`${TAB}?environment=prod`);
    expect(
      await screen.findByRole('link', { name: 'orders.fulfilment' }),
    ).toHaveAttribute('href', `${TAB}/prod/orders.fulfilment`);
    expect(requests[0].searchParams.get('entityRef')).toBe(REF);
    expect(requests[0].searchParams.get('environment')).toBe('prod');

    // The annotation's, the application's and the URL's environments.
    await userEvent.click(screen.getByRole('button', { name: /^Environment/ }));
    await waitFor(() =>
      expect(screen.getAllByRole('option').map(o => o.textContent)).toEqual([
        'All environments',
        'dev',
        'prod',
        'qa',
      ]),
    );
    await userEvent.click(screen.getByRole('option', { name: 'qa' }));
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('environment')).toBe('qa'),
    );
    expect(location()).toBe(`${TAB}?environment=qa`);
  });

  it('opens a linkable detail below the tab and goes back to the same filters', async () => {
    serve();
    await render(`${TAB}?environment=prod`);
    await userEvent.click(
      await screen.findByRole('link', { name: 'orders.fulfilment' }),
    );
    expect(
      await screen.findByRole('heading', { name: 'orders.fulfilment' }),
    ).toBeInTheDocument();
    expect(location()).toBe(`${TAB}/prod/orders.fulfilment`);
    await userEvent.click(
      screen.getByRole('link', { name: /Back to consumer groups/ }),
    );
    expect(
      await screen.findByRole('table', { name: 'Consumer groups' }),
    ).toBeInTheDocument();
    expect(location()).toBe(`${TAB}?environment=prod`);
  });

  it('opens a detail directly from its URL', async () => {
    serve();
    await render(`${TAB}/prod/orders.fulfilment?range=6h`);
    expect(
      await screen.findByRole('heading', { name: 'orders.fulfilment' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: '6h: last 6 hours' }),
    ).toHaveAttribute('aria-pressed', 'true');
    expect(
      screen.getByRole('link', { name: /Back to consumer groups/ }),
    ).toHaveAttribute('href', TAB);
  });

  it('explains a tab without groups', async () => {
    server.use(
      http.get(APPLICATIONS_URL, () => HttpResponse.json(list([]))),
      http.get(CONSUMER_GROUPS_URL, () => HttpResponse.json(groupList([]))),
    );
    await render(TAB);
    expect(
      await screen.findByText('No consumer groups yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/No consumer group is linked to this entity yet/),
    ).toBeInTheDocument();
  });

  it("shows a community-annotated entity's links that apply nothing (it has no Kafka tab), and asks nothing for an application", async () => {
    const legacyRef = 'component:default/legacy-billing';
    const asked: string[] = [];
    server.use(
      http.get(APPLICATIONS_URL, () => HttpResponse.json(list([]))),
      http.get(CONSUMER_GROUPS_URL, () => HttpResponse.json(groupList([]))),
      http.get(`${BASE_URL}/link-errors/:ref`, ({ params }) => {
        asked.push(String(params.ref));
        return HttpResponse.json({
          entityRef: legacyRef,
          errors: [
            {
              annotation: 'kafka.apache.org/consumer-groups',
              value: 'eu-west-prod/billing-consumer',
              message:
                'names cluster "eu-west-prod", which is neither an environment nor one of their aliases',
            },
          ],
        });
      }),
    );
    const { unmount } = await render(TAB);
    expect(
      await screen.findByText('No consumer groups yet'),
    ).toBeInTheDocument();
    expect(asked).toEqual([]);
    unmount();

    await render(TAB, {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'legacy-billing',
        annotations: {
          'kafka.apache.org/consumer-groups': 'eu-west-prod/billing-consumer',
        },
      },
      spec: { type: 'service', owner: 'team-billing', lifecycle: 'production' },
    });
    expect(
      await screen.findByText(
        /Annotation kafka.apache.org\/consumer-groups: "eu-west-prod\/billing-consumer" names cluster "eu-west-prod"/,
      ),
    ).toBeInTheDocument();
    expect(asked).toEqual([legacyRef]);
  });
});
