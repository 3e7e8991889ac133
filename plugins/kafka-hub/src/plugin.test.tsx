import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
// The fetch API that resolves plugin:// like an app's does.
import { mockApis } from '@backstage/frontend-test-utils';
import {
  AnyApiFactory,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { Route, Routes } from 'react-router-dom';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { HealthResponse } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import {
  EntityGroupKafkaContent,
  EntityKafkaContent,
  KafkaHubPage,
  kafkaHubPlugin,
} from './plugin';
import { KafkaHubApi, kafkaHubApiRef } from './api';
import { rootRouteRef } from './routes';
import {
  APPLICATIONS_URL,
  BASE_URL,
  catalogRoutes,
  completedApplication,
  list,
  noTopics,
} from './components/ProvisioningCommon/__testUtils__';
import {
  CONSUMER_GROUP_SUMMARY_URL,
  CONSUMER_GROUPS_URL,
  groupList,
  makeSummary,
} from './components/ConsumerGroupTable/__testUtils__';
import {
  SCHEMAS_URL,
  subjectList,
} from './components/SchemaTable/__testUtils__';

jest.setTimeout(30_000);

const health: HealthResponse = {
  configured: true,
  environments: [
    {
      environment: 'dev',
      checkedAt: '2026-11-21T12:00:00.000Z',
      kafka: { status: 'up', latencyMs: 12, details: { brokers: 1 } },
      schemaRegistry: { status: 'up', latencyMs: 8 },
    },
  ],
};

/**
 * The Kafka Hub API exactly as the legacy plugin builds it: its own
 * factory over the app's fetch and discovery APIs, never a hand-made client.
 */
const pluginApis = () => {
  const discoveryApi = mockApis.discovery({ baseUrl: 'http://localhost:7007' });
  const fetchApi = mockApis.fetch({
    resolvePluginProtocol: { discoveryApi },
  });
  const factory = [...kafkaHubPlugin.getApis()].find(
    (f: AnyApiFactory) => f.api.id === kafkaHubApiRef.id,
  )!;
  const deps: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(factory.deps)) {
    if (ref.id === fetchApiRef.id) deps[name] = fetchApi;
    else if (ref.id === discoveryApiRef.id) deps[name] = discoveryApi;
    else throw new Error(`unexpected dependency ${ref.id}`);
  }
  return [
    [kafkaHubApiRef, factory.factory(deps) as KafkaHubApi],
    [permissionApiRef, mockApis.permission()],
  ] as const;
};

const orders: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders-service',
    annotations: { 'kafka-hub.io/application': 'orders' },
  },
  spec: { type: 'service', owner: 'team-orders', lifecycle: 'production' },
};

const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-orders' },
  spec: { type: 'team', children: [] },
};

describe('legacy frontend system extensions', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('registers the Kafka Hub API and the two routable pages', () => {
    expect([...kafkaHubPlugin.getApis()].map(f => f.api.id)).toContain(
      kafkaHubApiRef.id,
    );
    expect(kafkaHubPlugin.routes.root).toBe(rootRouteRef);
    expect(kafkaHubPlugin.routes.admin).toBeDefined();
  });

  it('KafkaHubPage shows cluster health through the API the plugin builds', async () => {
    server.use(http.get(`${BASE_URL}/health`, () => HttpResponse.json(health)));
    await renderInTestApp(
      <TestApiProvider apis={pluginApis()}>
        <Routes>
          <Route path="/kafka-hub/*" element={<KafkaHubPage />} />
        </Routes>
      </TestApiProvider>,
      { routeEntries: ['/kafka-hub'] },
    );
    expect(
      await screen.findByRole('heading', { name: 'Kafka Hub' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Reachable · 12 ms')).toBeInTheDocument();
  });

  it("EntityKafkaContent shows the entity's provisioning", async () => {
    server.use(
      http.get(APPLICATIONS_URL, () =>
        HttpResponse.json(list([completedApplication()])),
      ),
      noTopics(),
    );
    await renderInTestApp(
      <TestApiProvider apis={pluginApis()}>
        <EntityProvider entity={orders}>
          <EntityKafkaContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: catalogRoutes },
    );
    expect(
      await screen.findByRole('button', { name: /Provision again/ }),
    ).toBeInTheDocument();
  });

  it("EntityGroupKafkaContent lists the team's applications", async () => {
    const owners: string[] = [];
    server.use(
      http.get(APPLICATIONS_URL, ({ request }) => {
        owners.push(new URL(request.url).searchParams.get('owner') ?? '');
        return HttpResponse.json(list([completedApplication()]));
      }),
      http.get(SCHEMAS_URL, () => HttpResponse.json(subjectList([]))),
      http.get(CONSUMER_GROUP_SUMMARY_URL, () =>
        HttpResponse.json(makeSummary()),
      ),
      http.get(CONSUMER_GROUPS_URL, () => HttpResponse.json(groupList([]))),
    );
    await renderInTestApp(
      <TestApiProvider apis={pluginApis()}>
        <EntityProvider entity={team}>
          <EntityGroupKafkaContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: catalogRoutes },
    );
    expect(
      await screen.findByRole('link', { name: /orders-service/ }),
    ).toBeInTheDocument();
    expect(owners).toContain('group:default/team-orders');
  });
});
