import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  createExtensionTester,
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import kafkaHubPlugin, {
  entityConsumerGroupsContent,
  entityGroupKafkaContent,
  entityKafkaContent,
  entitySchemasContent,
  kafkaHubAdminPage,
} from './alpha';
import {
  APPLICATIONS_URL,
  BASE_URL,
  catalogRoutes,
  kafkaHubTestApi,
  list,
  makeApplication,
} from './components/ProvisioningCommon/__testUtils__';
import {
  makeSubject,
  makeSummary,
  SCHEMA_SUMMARY_URL,
  SCHEMAS_URL,
  subjectList,
} from './components/SchemaTable/__testUtils__';
import {
  CONSUMER_GROUPS_URL,
  groupList,
  makeGroup,
} from './components/ConsumerGroupTable/__testUtils__';

const entity = (
  annotations: Record<string, string>,
  kind = 'Component',
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x', annotations },
});

describe('entity Kafka tab', () => {
  it('is shown only on entities with the application annotation', () => {
    const tester = createExtensionTester(entityKafkaContent);
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(entity({ 'kafka-hub.io/application': 'orders' }))).toBe(true);
    expect(
      filter(entity({ 'kafka.apache.org/consumer-groups': 'dev/g' })),
    ).toBe(false);
    expect(filter(entity({}))).toBe(false);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Kafka');
  });
});

describe('entity Schemas tab', () => {
  it('is shown at /schemas only on entities with the application annotation', () => {
    const tester = createExtensionTester(entitySchemasContent);
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(entity({ 'kafka-hub.io/application': 'orders' }))).toBe(true);
    expect(
      filter(entity({ 'kafka.apache.org/consumer-groups': 'dev/g' })),
    ).toBe(false);
    expect(filter(entity({}))).toBe(false);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Schemas');
    expect(tester.get(coreExtensionData.routePath)).toBe('/schemas');
  });
});

describe('entity Consumer groups tab', () => {
  it('is shown at /consumer-groups on applications and on entities that link groups, the community annotation alone included', () => {
    const tester = createExtensionTester(entityConsumerGroupsContent);
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(entity({ 'kafka-hub.io/application': 'orders' }))).toBe(true);
    expect(
      filter(entity({ 'kafka.apache.org/consumer-groups': 'dev/g' })),
    ).toBe(true);
    expect(filter(entity({ 'kafka-hub.io/consumer-groups': 'dev/g' }))).toBe(
      true,
    );
    expect(
      filter(entity({ 'kafka-hub.io/schema-subjects': 'dev/orders-value' })),
    ).toBe(false);
    expect(filter(entity({}))).toBe(false);
    expect(filter(entity({}, 'Group'))).toBe(false);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Consumer groups',
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('/consumer-groups');
  });

  it('is part of the plugin', () => {
    expect(
      kafkaHubPlugin.getExtension('entity-content:kafka-hub/consumer-groups'),
    ).toBeDefined();
  });

  describe('on an entity with only the community annotation', () => {
    const server = setupServer();
    registerMswTestHooks(server);

    const TAB = '/catalog/default/component/billing/consumer-groups';
    const billing: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'billing',
        annotations: {
          'kafka.apache.org/consumer-groups': 'legacy-prod/billing-reader',
        },
      },
      spec: { type: 'service', owner: 'team-billing', lifecycle: 'production' },
    };

    it("lists the groups the backend linked to it, in their environments, not the annotation's cluster names", async () => {
      const requests: URL[] = [];
      server.use(
        // Not an application: the backend has none for it.
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
      const tab = createExtensionTester(
        entityConsumerGroupsContent,
      ).reactElement();
      await renderInTestApp(
        <EntityProvider entity={billing}>{tab}</EntityProvider>,
        {
          mountPath: TAB,
          initialRouteEntries: [TAB],
          mountedRoutes: catalogRoutes,
          apis: [kafkaHubTestApi(), mockApis.permission()],
        },
      );
      expect(
        await screen.findByRole('link', { name: 'billing-reader' }),
      ).toHaveAttribute('href', `${TAB}/prod/billing-reader`);
      expect(requests[0].searchParams.get('entityRef')).toBe(
        'component:default/billing',
      );
      // `legacy-prod` is the community plugin's cluster name; the backend
      // maps it to `prod` through the environment's aliases.
      await userEvent.click(
        screen.getByRole('button', { name: /^Environment/ }),
      );
      await waitFor(() =>
        expect(screen.getAllByRole('option').map(o => o.textContent)).toEqual([
          'All environments',
          'prod',
        ]),
      );
    });
  });
});

describe('group Kafka tab', () => {
  it('is shown on Group entities only', () => {
    const tester = createExtensionTester(entityGroupKafkaContent);
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(entity({}, 'Group'))).toBe(true);
    expect(filter(entity({}, 'group'))).toBe(true);
    expect(
      filter(entity({ 'kafka-hub.io/application': 'orders' }, 'Component')),
    ).toBe(false);
    expect(filter(entity({}, 'User'))).toBe(false);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Kafka');
    expect(tester.get(coreExtensionData.routePath)).toBe('/kafka');
  });
});

describe('admin page', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('is mounted at /kafka-hub/admin', () => {
    const tester = createExtensionTester(kafkaHubAdminPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/kafka-hub/admin');
  });

  it('opens at /kafka-hub/admin in an app, beside the /kafka-hub page', async () => {
    server.use(
      http.get(APPLICATIONS_URL, () =>
        HttpResponse.json(list([makeApplication()], 'full')),
      ),
      http.get(`${BASE_URL}/health`, () =>
        HttpResponse.json({ configured: false, environments: [] }),
      ),
    );
    await renderTestApp({
      features: [kafkaHubPlugin],
      initialRouteEntries: ['/kafka-hub/admin'],
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), mockApis.permission()],
    });
    expect(
      await screen.findByRole('button', { name: 'Show details of orders' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('tab', { name: 'Provisioning' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Clusters' })).toBeInTheDocument();
    expect(screen.getAllByText('Kafka Hub admin').length).toBeGreaterThan(0);
  });

  it('opens the Clusters tab at /kafka-hub/admin/clusters, and leaves /kafka-hub to its own page', async () => {
    let listCalls = 0;
    server.use(
      http.get(APPLICATIONS_URL, () => {
        listCalls += 1;
        return HttpResponse.json(list([], 'full'));
      }),
      http.get(`${BASE_URL}/health`, () =>
        HttpResponse.json({ configured: false, environments: [] }),
      ),
    );
    const { unmount } = await renderTestApp({
      features: [kafkaHubPlugin],
      initialRouteEntries: ['/kafka-hub/admin/clusters'],
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), mockApis.permission()],
    });
    expect(
      await screen.findByText('Kafka Hub is not configured'),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Clusters' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    unmount();

    await renderTestApp({
      features: [kafkaHubPlugin],
      initialRouteEntries: ['/kafka-hub'],
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), mockApis.permission()],
    });
    expect(
      await screen.findByText('Kafka Hub is not configured'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Provisioning' })).toBeNull();
    expect(listCalls).toBe(0);
  });

  it('opens the Schemas tab of /kafka-hub at /kafka-hub/schemas', async () => {
    server.use(
      http.get(`${BASE_URL}/environments`, () =>
        HttpResponse.json({ items: [] }),
      ),
      http.get(SCHEMA_SUMMARY_URL, () => HttpResponse.json(makeSummary())),
      http.get(SCHEMAS_URL, () =>
        HttpResponse.json(subjectList([makeSubject()])),
      ),
    );
    await renderTestApp({
      features: [kafkaHubPlugin],
      initialRouteEntries: ['/kafka-hub/schemas'],
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), mockApis.permission()],
    });
    expect(
      await screen.findByRole('link', { name: 'orders.created-value' }),
    ).toHaveAttribute('href', '/kafka-hub/schemas/dev/orders.created-value');
    expect(screen.getByRole('tab', { name: 'Schemas' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(screen.getByRole('tab', { name: 'Overview' })).toBeInTheDocument();
  });
});
