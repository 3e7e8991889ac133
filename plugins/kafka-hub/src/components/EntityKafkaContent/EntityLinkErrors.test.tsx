import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityKafkaContent } from './EntityKafkaContent';
import {
  APPLICATIONS_URL,
  BASE_URL,
  catalogRoutes,
  completedApplication,
  errorBody,
  kafkaHubTestApi,
  list,
  noTopics,
} from '../ProvisioningCommon/__testUtils__';

const REF = 'component:default/orders-service';
const LINK_ERRORS_URL = `${BASE_URL}/link-errors/${encodeURIComponent(REF)}`;

const component = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders-service', annotations },
  spec: { type: 'service', owner: 'team-orders', lifecycle: 'production' },
});

const render = (entity: Entity) =>
  renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityKafkaContent />
    </EntityProvider>,
    {
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), mockApis.alert(), mockApis.permission()],
    },
  );

describe('EntityKafkaContent link errors', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  // The topics card (tested on its own) asks for the sampled topics.
  beforeEach(() => server.use(noTopics()));

  it("names each link into another entity's namespace, while the application itself is provisioned", async () => {
    server.use(
      http.get(APPLICATIONS_URL, () =>
        HttpResponse.json(list([completedApplication()])),
      ),
      http.get(LINK_ERRORS_URL, () =>
        HttpResponse.json({
          entityRef: REF,
          updatedAt: new Date().toISOString(),
          errors: [
            {
              annotation: 'kafka-hub.io/consumer-groups',
              value: 'dev/payments.settlement',
              message:
                'is inside the namespace "payments." of application "payments", claimed by component:default/payments-service (owner group:default/team-payments); link annotations only reach names outside every claimed namespace',
            },
            {
              annotation: 'kafka-hub.io/schema-subjects',
              value: 'dev/com.acme.Money',
              message:
                'is linked by component:default/billing (owner group:default/team-billing) through kafka-hub.io/schema-subjects since 2026-12-01T12:00:00.000Z; the first entity to link a name keeps it',
            },
          ],
        }),
      ),
    );
    await render(
      component({
        'kafka-hub.io/application': 'orders',
        'kafka-hub.io/consumer-groups': 'dev/payments.settlement',
        'kafka-hub.io/schema-subjects': 'dev/com.acme.Money',
      }),
    );
    expect(
      await screen.findByText(
        /2 links not applied: the name belongs to another entity/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Annotation kafka-hub.io/consumer-groups: "dev/payments.settlement" is inside the namespace "payments." of application "payments", claimed by component:default/payments-service (owner group:default/team-payments); link annotations only reach names outside every claimed namespace',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /^Annotation kafka-hub.io\/schema-subjects: "dev\/com.acme.Money" is linked by component:default\/billing/,
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: /Provision again/ }),
    ).toBeEnabled();
  });

  it('asks nothing for an entity without link annotations, and shows nothing when every link applies', async () => {
    const asked: string[] = [];
    server.use(
      http.get(APPLICATIONS_URL, () =>
        HttpResponse.json(list([completedApplication()])),
      ),
      http.get(`${BASE_URL}/link-errors/:ref`, ({ params }) => {
        asked.push(String(params.ref));
        return HttpResponse.json({ entityRef: REF, errors: [] });
      }),
    );
    const { unmount } = await render(
      component({ 'kafka-hub.io/application': 'orders' }),
    );
    expect(
      await screen.findByRole('button', { name: /Provision again/ }),
    ).toBeInTheDocument();
    expect(asked).toEqual([]);
    unmount();

    await render(
      component({
        'kafka-hub.io/application': 'orders',
        'kafka.apache.org/consumer-groups': 'dev/orders-legacy',
      }),
    );
    expect(
      await screen.findByRole('button', { name: /Provision again/ }),
    ).toBeInTheDocument();
    await screen.findByText('dev/orders-legacy');
    expect(asked).toEqual([REF]);
    expect(screen.queryByText(/not applied/)).not.toBeInTheDocument();
  });

  it('says when the link annotations could not be checked', async () => {
    server.use(
      http.get(APPLICATIONS_URL, () =>
        HttpResponse.json(list([completedApplication()])),
      ),
      http.get(LINK_ERRORS_URL, () =>
        HttpResponse.json(errorBody(500, 'Error', 'database unavailable'), {
          status: 500,
        }),
      ),
    );
    await render(
      component({
        'kafka-hub.io/application': 'orders',
        'kafka-hub.io/consumer-groups': 'dev/payments.settlement',
      }),
    );
    expect(
      await screen.findByText(/Could not check the link annotations/),
    ).toBeInTheDocument();
  });
});
