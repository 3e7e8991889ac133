import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { Entity } from '@backstage/catalog-model';
import { EntitySwitch } from '@backstage/plugin-catalog';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  EntityConsumerGroupsContent,
  isKafkaHubApplication,
  isKafkaHubConsumerGroupsAvailable,
} from './plugin';
import {
  APPLICATIONS_URL,
  catalogRoutes,
  kafkaHubTestApi,
  list,
} from './components/ProvisioningCommon/__testUtils__';
import {
  CONSUMER_GROUPS_URL,
  groupList,
  makeGroup,
} from './components/ConsumerGroupTable/__testUtils__';

jest.setTimeout(30_000);

const component = (name: string, annotations: Record<string, string>) =>
  ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, annotations },
    spec: { type: 'service', owner: 'team-billing', lifecycle: 'production' },
  } satisfies Entity);

// Moving from the community plugin: only its annotation.
const billing = component('billing', {
  'kafka.apache.org/consumer-groups': 'legacy-prod/billing-reader',
});
const orders = component('orders-service', {
  'kafka-hub.io/application': 'orders',
});

/** The Kafka Hub tabs of an `EntityPage.tsx`, as the README writes them. */
const EntityTabs = () => (
  <>
    <EntitySwitch>
      <EntitySwitch.Case if={isKafkaHubApplication}>
        <div>Kafka tab</div>
      </EntitySwitch.Case>
    </EntitySwitch>
    <EntitySwitch>
      <EntitySwitch.Case if={isKafkaHubApplication}>
        <div>Schemas tab</div>
      </EntitySwitch.Case>
    </EntitySwitch>
    <EntitySwitch>
      <EntitySwitch.Case if={isKafkaHubConsumerGroupsAvailable}>
        <EntityConsumerGroupsContent refreshIntervalMs={false} />
      </EntitySwitch.Case>
    </EntitySwitch>
  </>
);

describe('legacy entity page conditions', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('tells which entities get the Consumer groups tab and which the application tabs', () => {
    expect(isKafkaHubConsumerGroupsAvailable(billing)).toBe(true);
    expect(isKafkaHubApplication(billing)).toBe(false);
    expect(isKafkaHubConsumerGroupsAvailable(orders)).toBe(true);
    expect(isKafkaHubApplication(orders)).toBe(true);
    expect(isKafkaHubConsumerGroupsAvailable(component('x', {}))).toBe(false);
  });

  it('shows an entity with only kafka.apache.org/consumer-groups its Consumer groups tab with its linked groups, and no application tab', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(APPLICATIONS_URL, () => HttpResponse.json(list([]))),
      http.get(CONSUMER_GROUPS_URL, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json(
          groupList([
            makeGroup({
              environment: 'prod',
              groupId: 'billing-reader',
              entityRef: 'component:default/billing',
              linkedBy: 'kafka.apache.org/consumer-groups',
            }),
          ]),
        );
      }),
    );
    await renderInTestApp(
      <TestApiProvider
        apis={[kafkaHubTestApi(), [permissionApiRef, mockApis.permission()]]}
      >
        <EntityProvider entity={billing}>
          <EntityTabs />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: catalogRoutes },
    );
    expect(
      await screen.findByRole('link', { name: 'billing-reader' }),
    ).toBeInTheDocument();
    expect(requests[0].searchParams.get('entityRef')).toBe(
      'component:default/billing',
    );
    expect(screen.queryByText('Kafka tab')).toBeNull();
    expect(screen.queryByText('Schemas tab')).toBeNull();
  });
});
