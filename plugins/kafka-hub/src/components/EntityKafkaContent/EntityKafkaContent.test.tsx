import { act, screen, waitFor, within } from '@testing-library/react';
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
import { signalApiRef } from '@backstage/plugin-signals-react';
import { kafkaHubEntityChannel } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { EntityKafkaContent } from './EntityKafkaContent';
import { FakeSignalApi } from '../../hooks/__testUtils__/FakeSignalApi';
import {
  APPLICATIONS_URL,
  BASE_URL,
  catalogRoutes,
  completedApplication,
  errorBody,
  kafkaHubTestApi,
  list,
  makeApplication,
  noTopics,
  retryUrl,
} from '../ProvisioningCommon/__testUtils__';

const REF = 'component:default/orders-service';

const component = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders-service', annotations },
  spec: { type: 'service', owner: 'team-orders', lifecycle: 'production' },
});

const orders = component({
  'kafka-hub.io/application': 'orders',
  'kafka-hub.io/environments': 'dev,stage',
  'kafka-hub.io/topics': 'created,shipped:6',
});

const render = (entity: Entity, alertApi = mockApis.alert()) =>
  renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityKafkaContent />
    </EntityProvider>,
    {
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), alertApi, mockApis.permission()],
    },
  );

describe('EntityKafkaContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  // The topics card (tested on its own) asks for the sampled topics.
  beforeEach(() => server.use(noTopics()));

  it("shows the application's namespace, environments and prefixed topics", async () => {
    server.use(
      http.get(APPLICATIONS_URL, () =>
        HttpResponse.json(list([completedApplication()])),
      ),
    );
    await render(orders);
    expect(await screen.findByText('orders.*')).toBeInTheDocument();
    expect(screen.getByText('dev, stage')).toBeInTheDocument();
    expect(
      screen.getByText('orders.created, orders.shipped (6 partitions)'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/malformed/)).not.toBeInTheDocument();
  });

  it('names the malformed annotation and its bad value', async () => {
    server.use(http.get(APPLICATIONS_URL, () => HttpResponse.json(list([]))));
    await render(
      component({
        'kafka-hub.io/application': 'fraud-detector',
        'kafka-hub.io/topics': 'scores:0,alerts',
      }),
    );
    expect(
      await screen.findByText(/1 malformed Kafka Hub annotation/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Annotation kafka-hub.io/topics: "scores:0,alerts" "scores:0" has an invalid partition count; use a whole number from 1 to 10000',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('None declared')).toBeInTheDocument();
  });

  it('names the holder of a claimed slug and the links the entity does not make', async () => {
    const claimed =
      'is claimed by component:default/payments-service (owner group:default/team-payments) since 2026-11-21T12:00:00.000Z; this entity is not provisioned and links nothing';
    server.use(
      http.get(APPLICATIONS_URL, () =>
        HttpResponse.json(
          list([
            makeApplication({
              application: 'payments',
              prefix: 'payments.',
              desiredEnvironments: [],
              environments: {},
              status: 'failed',
              attemptCount: 0,
              lastAttemptAt: undefined,
              error: `Not provisioned until the annotations are fixed: Annotation kafka-hub.io/application: "payments" ${claimed}`,
              annotationErrors: [
                {
                  annotation: 'kafka-hub.io/application',
                  value: 'payments',
                  message: claimed,
                },
              ],
            }),
          ]),
        ),
      ),
      http.get(`${BASE_URL}/link-errors/:ref`, () =>
        HttpResponse.json({ entityRef: REF, errors: [] }),
      ),
    );
    await render(
      component({
        'kafka-hub.io/application': 'payments',
        'kafka-hub.io/consumer-groups': 'dev/payments.settlement',
        'kafka-hub.io/schema-subjects': 'dev/payments.authorized-value',
      }),
    );
    expect(
      await screen.findByText(
        /Not provisioned and links nothing: the namespace belongs to another entity/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        `Annotation kafka-hub.io/application: "payments" ${claimed}`,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Not linked: kafka-hub.io/consumer-groups: dev/payments.settlement; kafka-hub.io/schema-subjects: dev/payments.authorized-value',
      ),
    ).toBeInTheDocument();
    // The metadata table title-cases its keys.
    expect(screen.queryByText(/^Linked/)).not.toBeInTheDocument();
    expect(screen.getByText('Consumer Groups Not Linked')).toBeInTheDocument();
    expect(screen.getByText('Schema Subjects Not Linked')).toBeInTheDocument();
    expect(screen.queryByText(/malformed/)).not.toBeInTheDocument();
  });

  it('shows the banner and the provisioning of each environment', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(APPLICATIONS_URL, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json(list([makeApplication()]));
      }),
    );
    await render(orders);

    expect(
      await screen.findByText('1 application has provisioning issues'),
    ).toBeInTheDocument();
    expect(requests[0].searchParams.get('entityRef')).toBe(REF);
    const table = screen.getByRole('table', {
      name: 'Provisioning per environment',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map(r => within(r).getAllByRole('cell')[0].textContent),
    ).toEqual(['dev', 'stage', 'prod']);
    expect(rows[0]).toHaveTextContent('Success');
    expect(rows[0]).toHaveTextContent('Provisioned successfully');
    expect(rows[1]).toHaveTextContent('Skipped');
    expect(rows[1]).toHaveTextContent('Environment stage is not configured');
    expect(rows[2]).toHaveTextContent('Failed');
    expect(rows[2]).toHaveTextContent(
      'Connection error: connect ECONNREFUSED 127.0.0.1:19092',
    );
    expect(
      screen.getByLabelText('Provisioning status: Partial'),
    ).toBeInTheDocument();
    expect(screen.getByText(/2 attempts/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'View details' }));
    expect(
      await screen.findByRole('dialog', { name: 'Provisioning issues' }),
    ).toBeInTheDocument();
  });

  it('retries from the tab, then shows the run in progress', async () => {
    let calls = 0;
    server.use(
      http.get(APPLICATIONS_URL, () => {
        calls += 1;
        return HttpResponse.json(
          list([
            calls === 1
              ? makeApplication()
              : makeApplication({ status: 'in_progress' }),
          ]),
        );
      }),
      http.post(retryUrl(REF), () =>
        HttpResponse.json(
          { runId: 'r', environments: ['prod'] },
          { status: 202 },
        ),
      ),
    );
    const alertApi = mockApis.alert();
    await render(orders, alertApi);
    await userEvent.click(
      await screen.findByRole('button', { name: /Retry provisioning/ }),
    );
    expect(
      await screen.findByLabelText('Provisioning status: In progress'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: /Retry provisioning/ }),
    ).toBeDisabled();
    expect(alertApi.getAlerts().map(a => a.message)).toEqual([
      'Provisioning retry started',
    ]);
    expect(
      screen.queryByText('1 application has provisioning issues'),
    ).not.toBeInTheDocument();
  });

  it('offers to provision again once completed, without a banner', async () => {
    server.use(
      http.get(APPLICATIONS_URL, () =>
        HttpResponse.json(list([completedApplication()])),
      ),
    );
    await render(orders);
    expect(
      await screen.findByRole('button', { name: /Provision again/ }),
    ).toBeEnabled();
    expect(screen.queryByText(/provisioning issues/)).not.toBeInTheDocument();
  });

  it('says when the application is not recorded yet', async () => {
    server.use(http.get(APPLICATIONS_URL, () => HttpResponse.json(list([]))));
    await render(orders);
    expect(
      await screen.findByText(
        /Kafka Hub has not recorded this application yet/,
      ),
    ).toBeInTheDocument();
  });

  it('reloads every 5 s while the application waits for its first run, and stops once it finished', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const pending = makeApplication({
      status: 'pending',
      error: undefined,
      environments: {},
      attemptCount: 0,
      lastAttemptAt: undefined,
    });
    const answers = [pending, pending, completedApplication()];
    let calls = 0;
    server.use(
      http.get(APPLICATIONS_URL, () => {
        const app = answers[Math.min(calls, answers.length - 1)];
        calls += 1;
        return HttpResponse.json(list([app]));
      }),
    );
    try {
      await render(orders);
      expect(
        await screen.findByLabelText('Provisioning status: Pending'),
      ).toBeInTheDocument();
      expect(calls).toBe(1);

      await act(() => jest.advanceTimersByTimeAsync(5000));
      await waitFor(() => expect(calls).toBe(2));
      await act(() => jest.advanceTimersByTimeAsync(5000));
      expect(
        await screen.findByLabelText('Provisioning status: Completed'),
      ).toBeInTheDocument();
      expect(calls).toBe(3);

      await act(() => jest.advanceTimersByTimeAsync(20000));
      expect(calls).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it('reloads at once when a provisioning signal arrives on the entity channel, without waiting for a poll', async () => {
    const signals = new FakeSignalApi();
    const answers = [
      makeApplication({ status: 'failed' }),
      makeApplication({ status: 'in_progress', error: undefined }),
    ];
    let calls = 0;
    server.use(
      http.get(APPLICATIONS_URL, () => {
        const app = answers[Math.min(calls, answers.length - 1)];
        calls += 1;
        return HttpResponse.json(list([app]));
      }),
    );
    await renderInTestApp(
      <EntityProvider entity={orders}>
        <EntityKafkaContent />
      </EntityProvider>,
      {
        mountedRoutes: catalogRoutes,
        apis: [
          kafkaHubTestApi(),
          mockApis.alert(),
          mockApis.permission(),
          [signalApiRef, signals],
        ],
      },
    );
    expect(
      await screen.findByLabelText('Provisioning status: Failed'),
    ).toBeInTheDocument();
    expect(signals.channels()).toContain(kafkaHubEntityChannel(REF));
    expect(calls).toBe(1);

    act(() => signals.send(kafkaHubEntityChannel(REF), 'provisioning'));
    expect(
      await screen.findByLabelText('Provisioning status: In progress'),
    ).toBeInTheDocument();
    expect(calls).toBe(2);
  });

  it('reloads until the reconcile task recorded the application', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    let calls = 0;
    server.use(
      http.get(APPLICATIONS_URL, () => {
        calls += 1;
        return HttpResponse.json(
          list(calls < 3 ? [] : [completedApplication()]),
        );
      }),
    );
    try {
      await render(orders);
      expect(
        await screen.findByText(
          /Kafka Hub has not recorded this application yet/,
        ),
      ).toBeInTheDocument();
      await act(() => jest.advanceTimersByTimeAsync(5000));
      await waitFor(() => expect(calls).toBe(2));
      await act(() => jest.advanceTimersByTimeAsync(5000));
      expect(
        await screen.findByLabelText('Provisioning status: Completed'),
      ).toBeInTheDocument();
      await act(() => jest.advanceTimersByTimeAsync(20000));
      expect(calls).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it('shows progress while loading, and the error without losing the rest of the tab', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>(r => {
      release = r;
    });
    server.use(
      http.get(APPLICATIONS_URL, async () => {
        await released;
        return HttpResponse.json(
          errorBody(403, 'NotAllowedError', 'You may not read this entity'),
          { status: 403 },
        );
      }),
    );
    await render(orders);
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    release();
    expect(
      await screen.findByText(/Could not load the provisioning status/),
    ).toBeInTheDocument();
    expect(screen.getByText('orders.*')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.queryByTestId('progress')).not.toBeInTheDocument(),
    );
  });
});
