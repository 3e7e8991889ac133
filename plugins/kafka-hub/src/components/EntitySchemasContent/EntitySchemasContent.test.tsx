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
import { EntitySchemasContent } from './EntitySchemasContent';
import {
  APPLICATIONS_URL,
  catalogRoutes,
  completedApplication,
  kafkaHubTestApi,
  list,
} from '../ProvisioningCommon/__testUtils__';
import {
  avroVersions,
  makeDetail,
  makeSubject,
  SCHEMAS_URL,
  subjectList,
  subjectUrl,
} from '../SchemaTable/__testUtils__';

jest.setTimeout(30_000);

const TAB = '/catalog/default/component/orders-service/schemas';
const REF = 'component:default/orders-service';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders-service',
    annotations: {
      'kafka-hub.io/application': 'orders',
      'kafka-hub.io/schema-subjects': 'qa/legacy-orders',
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

const render = (path: string) =>
  renderInTestApp(
    <EntityProvider entity={entity}>
      <EntitySchemasContent />
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

describe('EntitySchemasContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const serveList = () => {
    const requests: URL[] = [];
    server.use(
      http.get(APPLICATIONS_URL, () =>
        HttpResponse.json(
          list([
            completedApplication({ desiredEnvironments: ['dev', 'prod'] }),
          ]),
        ),
      ),
      http.get(SCHEMAS_URL, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        return HttpResponse.json(
          subjectList([
            makeSubject({
              environment: url.searchParams.get('environment') ?? 'dev',
            }),
          ]),
        );
      }),
    );
    return requests;
  };

  it("lists the entity's subjects, filtered by the environment in the URL", async () => {
    const requests = serveList();
    await render(`${TAB}?environment=prod`);
    const table = await screen.findByRole('table', { name: 'Schema subjects' });
    expect(within(table).queryByText('Entity')).not.toBeInTheDocument();
    expect(requests[0].searchParams.getAll('entityRef')).toEqual([REF]);
    expect(requests[0].searchParams.get('environment')).toBe('prod');

    // The filter offers the application's and the annotation's environments.
    await userEvent.click(screen.getByRole('button', { name: /^Environment/ }));
    await waitFor(() =>
      expect(screen.getAllByRole('option').map(o => o.textContent)).toEqual([
        'All environments',
        'dev',
        'prod',
        'qa',
      ]),
    );
    await userEvent.click(screen.getByRole('option', { name: 'dev' }));
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('environment')).toBe('dev'),
    );
    expect(location()).toBe(`${TAB}?environment=dev`);
  });

  it('opens a subject at a linkable path below the tab, and goes back to the same filters', async () => {
    serveList();
    const subject = 'orders.created-value';
    server.use(
      http.get(subjectUrl('dev', subject), () =>
        HttpResponse.json(makeDetail()),
      ),
      http.get(`${subjectUrl('dev', subject)}/versions`, () =>
        HttpResponse.json({ items: avroVersions() }),
      ),
    );
    await render(`${TAB}?environment=dev&format=AVRO`);
    await userEvent.click(await screen.findByRole('link', { name: subject }));
    expect(
      await screen.findByRole('heading', { name: subject }),
    ).toBeInTheDocument();
    expect(location()).toBe(`${TAB}/dev/${subject}`);

    await userEvent.click(
      screen.getByRole('link', { name: 'Back to schemas' }),
    );
    expect(
      await screen.findByRole('table', { name: 'Schema subjects' }),
    ).toBeInTheDocument();
    expect(location()).toBe(`${TAB}?environment=dev&format=AVRO`);
  });

  it('opens a subject from a shared link', async () => {
    serveList();
    const subject = 'orders/created value';
    server.use(
      http.get(subjectUrl('prod', subject), () =>
        HttpResponse.json(makeDetail({ environment: 'prod', subject })),
      ),
      http.get(`${subjectUrl('prod', subject)}/versions`, () =>
        HttpResponse.json({ items: avroVersions() }),
      ),
    );
    await render(`${TAB}/prod/${encodeURIComponent(subject)}`);
    expect(
      await screen.findByRole('heading', { name: subject }),
    ).toBeInTheDocument();
  });

  it('explains how subjects get linked when there are none', async () => {
    server.use(
      http.get(APPLICATIONS_URL, () => HttpResponse.json(list([]))),
      http.get(SCHEMAS_URL, () => HttpResponse.json(subjectList([]))),
    );
    await render(TAB);
    expect(await screen.findByText('No schemas yet')).toBeInTheDocument();
    expect(
      screen.getByText(/No Schema Registry subject is linked to this entity/),
    ).toBeInTheDocument();
  });
});
