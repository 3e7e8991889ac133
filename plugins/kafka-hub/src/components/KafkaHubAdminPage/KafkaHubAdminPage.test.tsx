import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { KafkaApplicationDetail } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { KafkaHubAdminContent, KafkaHubAdminPage } from './KafkaHubAdminPage';
import {
  APPLICATIONS_URL,
  applicationUrl,
  BASE_URL,
  catalogRoutes,
  errorBody,
  formatExactForTest,
  kafkaHubTestApi,
  list,
  makeApplication,
  RETRY_ALL_URL,
} from '../ProvisioningCommon/__testUtils__';

const REF = 'component:default/orders-service';
const minutesAgo = (n: number) =>
  new Date(Date.now() - n * 60 * 1000).toISOString();

const STACK = [
  'NetworkError: Connection to 127.0.0.1:19092 failed: connect ECONNREFUSED 127.0.0.1:19092',
  '    at Socket.onError (node_modules/@platformatic/kafka/dist/network/connection.js:210:23)',
  '    at async createTopics (src/provisioning/engine.ts:88:5)',
].join('\n');

const adminApplication = () =>
  makeApplication({
    error: `prod: ${STACK}`,
    environments: {
      dev: { status: 'success', finishedAt: minutesAgo(3) },
      stage: {
        status: 'skipped',
        message: 'Environment stage is not configured',
        finishedAt: minutesAgo(3),
      },
      prod: { status: 'failed', error: STACK, finishedAt: minutesAgo(3) },
    },
    attemptCount: 4,
    lastAttemptAt: minutesAgo(2),
    currentRunId: 'run-7f3a',
  });

const failedFraud = () =>
  makeApplication({
    entityRef: 'component:default/fraud-detector',
    application: 'fraud-detector',
    ownerRef: 'group:default/team-risk',
    status: 'failed',
    error: undefined,
    environments: {},
    attemptCount: 0,
    lastAttemptAt: undefined,
    annotationErrors: [
      {
        annotation: 'kafka-hub.io/topics',
        value: 'scores:0',
        message: '"scores:0" has an invalid partition count',
      },
    ],
  });

const detail = (): KafkaApplicationDetail => ({
  ...adminApplication(),
  errorDetail: 'full',
  runs: [
    {
      runId: 'run-7f3a',
      trigger: 'retry',
      requestedBy: 'user:default/guest',
      environments: ['prod'],
      startedAt: minutesAgo(2),
      finishedAt: minutesAgo(2),
      result: 'partial',
      error: `prod: ${STACK}`,
    },
    {
      runId: 'run-1b2c',
      trigger: 'schedule',
      requestedBy: 'kafka-hub:provisioning-task',
      environments: ['dev', 'stage', 'prod'],
      startedAt: minutesAgo(60),
      finishedAt: minutesAgo(59),
      result: 'interrupted',
    },
  ],
});

const findRow = (application: string) =>
  screen.findByRole('button', { name: `Show details of ${application}` });
const queryRow = (application: string) =>
  screen.queryByRole('button', { name: `Show details of ${application}` });

const apis = (alertApi = mockApis.alert()) =>
  [kafkaHubTestApi(), alertApi, mockApis.permission()] as const;

describe('KafkaHubAdminPage', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('lists every application that is not completed', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(APPLICATIONS_URL, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json(
          list([adminApplication(), failedFraud()], 'full'),
        );
      }),
    );
    await renderInTestApp(<KafkaHubAdminPage />, {
      mountedRoutes: catalogRoutes,
      apis: apis(),
    });

    expect(await screen.findByText('Kafka Hub admin')).toBeInTheDocument();
    const table = await screen.findByRole('table', {
      name: 'Applications not completed',
    });
    expect(requests[0].searchParams.get('status')).toBe(
      'failed,partial,in_progress,pending',
    );
    const rows = within(table).getAllByRole('row');
    // Header, then a row and its (collapsed) detail row per application.
    expect(rows).toHaveLength(5);
    expect(
      within(rows[1]).getByRole('button', { name: 'Show details of orders' }),
    ).toBeInTheDocument();
    expect(within(rows[1]).getByText('orders-service')).toBeInTheDocument();
    expect(
      within(rows[1]).getByLabelText('Provisioning status: Partial'),
    ).toBeInTheDocument();
    expect(
      within(rows[1]).getByText(
        'prod: NetworkError: Connection to 127.0.0.1:19092 failed: connect ECONNREFUSED 127.0.0.1:19092',
      ),
    ).toBeInTheDocument();
    expect(within(rows[1]).getByText('2 minutes ago')).toBeInTheDocument();
    expect(within(rows[1]).getByText('4')).toBeInTheDocument();
    expect(within(rows[1]).getByText('team-orders')).toBeInTheDocument();
    expect(
      await within(rows[1]).findByRole('button', { name: /Retry/ }),
    ).toBeEnabled();

    expect(
      within(rows[3]).getByRole('button', {
        name: 'Show details of fraud-detector',
      }),
    ).toBeInTheDocument();
    expect(within(rows[3]).getByText('team-risk')).toBeInTheDocument();
    expect(
      within(rows[3]).getByText(
        'kafka-hub.io/topics: "scores:0" has an invalid partition count',
      ),
    ).toBeInTheDocument();
    expect(
      await within(rows[3]).findByRole('button', { name: /Retry/ }),
    ).toBeDisabled();
  });

  it('expands a row to the whole error, the copyable run id, the attempts and the run history', async () => {
    server.use(
      http.get(APPLICATIONS_URL, () =>
        HttpResponse.json(list([adminApplication()], 'full')),
      ),
      http.get(applicationUrl(REF), () => HttpResponse.json(detail())),
    );
    await renderInTestApp(<KafkaHubAdminContent />, {
      mountedRoutes: catalogRoutes,
      apis: apis(),
    });
    const toggle = await screen.findByRole('button', {
      name: 'Show details of orders',
    });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(toggle);
    expect(
      screen.getByRole('button', { name: 'Hide details of orders' }),
    ).toHaveAttribute('aria-expanded', 'true');

    const panel = await screen.findByRole('region', {
      name: 'Details of orders',
    });
    // The whole error, pre-formatted, stack included.
    const prod = within(panel).getByRole('group', { name: 'Environment prod' });
    const pre = prod.querySelector('pre');
    expect(pre?.textContent).toBe(STACK);
    expect(
      within(panel).getByRole('group', { name: 'Environment stage' }),
    ).toHaveTextContent('Environment stage is not configured');

    expect(within(panel).getByText('Current run')).toBeInTheDocument();
    expect(
      within(panel).getAllByRole('button', { name: 'Copy run ID run-7f3a' })
        .length,
    ).toBeGreaterThan(0);
    expect(within(panel).getByText('Attempts').nextSibling).toHaveTextContent(
      '4',
    );

    // Last attempt: relative, exact on hover.
    const lastAttempt = within(panel).getByText('Last attempt')
      .nextSibling as HTMLElement;
    const time = within(lastAttempt).getByText('2 minutes ago');
    await userEvent.hover(time);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      formatExactForTest(time.getAttribute('datetime')!),
    );

    const history = await within(panel).findByRole('table', {
      name: 'Run history',
    });
    const runs = within(history).getAllByRole('row');
    // Header, run-7f3a, its error in a row of its own, run-1b2c.
    expect(runs).toHaveLength(4);
    expect(runs[1]).toHaveTextContent('run-7f3a');
    expect(runs[1]).toHaveTextContent('Retry');
    expect(runs[1]).toHaveTextContent('user:default/guest');
    expect(
      within(runs[1]).getByLabelText('Provisioning status: Partial'),
    ).toBeInTheDocument();
    expect(runs[2]).toHaveAccessibleName('Error of run run-7f3a');
    expect(runs[2]).toHaveTextContent(`prod: ${STACK}`, {
      normalizeWhitespace: false,
    });
    expect(runs[3]).toHaveTextContent('run-1b2c');
    expect(runs[3]).toHaveTextContent('Schedule');
    expect(runs[3]).toHaveTextContent('Interrupted');
    expect(
      within(runs[3]).getByRole('button', { name: 'Copy run ID run-1b2c' }),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Hide details of orders' }),
    );
    await waitFor(() =>
      expect(
        screen.queryByRole('region', { name: 'Details of orders' }),
      ).not.toBeInTheDocument(),
    );
  });

  it('filters by status', async () => {
    const statuses: Array<string | null> = [];
    server.use(
      http.get(APPLICATIONS_URL, ({ request }) => {
        const status = new URL(request.url).searchParams.get('status');
        statuses.push(status);
        return HttpResponse.json(
          list(
            {
              failed: [failedFraud()],
              pending: [],
            }[status ?? ''] ?? [adminApplication(), failedFraud()],
            'full',
          ),
        );
      }),
    );
    await renderInTestApp(<KafkaHubAdminContent />, {
      mountedRoutes: catalogRoutes,
      apis: apis(),
    });
    expect(await findRow('orders')).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByLabelText('Status'), 'failed');
    await waitFor(() => expect(queryRow('orders')).not.toBeInTheDocument());
    expect(queryRow('fraud-detector')).toBeInTheDocument();
    expect(statuses).toEqual(['failed,partial,in_progress,pending', 'failed']);

    await userEvent.selectOptions(screen.getByLabelText('Status'), 'pending');
    expect(
      await screen.findByText('No applications with status Pending'),
    ).toBeInTheDocument();
  });

  it("keeps polling a filtered list: an application the backend's own retry leaves partial appears without a reload", async () => {
    jest.useFakeTimers({ advanceTimers: true });
    // The backend's run-due task is retrying orders: under "Partial" it is
    // missing until that run ends, and nothing the list shows is running.
    const partialAnswers = [[], [], [adminApplication()]];
    let partialCalls = 0;
    server.use(
      http.get(APPLICATIONS_URL, ({ request }) => {
        if (new URL(request.url).searchParams.get('status') !== 'partial') {
          return HttpResponse.json(list([failedFraud()], 'full'));
        }
        const items =
          partialAnswers[Math.min(partialCalls, partialAnswers.length - 1)];
        partialCalls += 1;
        return HttpResponse.json(list(items, 'full'));
      }),
    );
    try {
      await renderInTestApp(<KafkaHubAdminContent />, {
        mountedRoutes: catalogRoutes,
        apis: apis(),
      });
      const user = userEvent.setup({
        advanceTimers: jest.advanceTimersByTime,
      });
      expect(await findRow('fraud-detector')).toBeInTheDocument();
      await user.selectOptions(screen.getByLabelText('Status'), 'partial');
      expect(
        await screen.findByText('No applications with status Partial'),
      ).toBeInTheDocument();
      expect(partialCalls).toBe(1);

      // 5 s, then 5 s again (one repeat is normal), then the run has ended.
      await act(() => jest.advanceTimersByTimeAsync(5000));
      await waitFor(() => expect(partialCalls).toBe(2));
      await act(() => jest.advanceTimersByTimeAsync(5000));
      expect(await findRow('orders')).toBeInTheDocument();
      expect(partialCalls).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it('pages on the server, and starts a new filter at its first page', async () => {
    const failed = Array.from({ length: 30 }, (_, i) =>
      makeApplication({
        entityRef: `component:default/app-${String(i).padStart(2, '0')}`,
        application: `app-${String(i).padStart(2, '0')}`,
        status: 'failed',
      }),
    );
    const requests: URL[] = [];
    server.use(
      http.get(APPLICATIONS_URL, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        const limit = Number(url.searchParams.get('limit') ?? 50);
        const offset = Number(url.searchParams.get('offset') ?? 0);
        return HttpResponse.json({
          ...list(failed.slice(offset, offset + limit), 'full'),
          total: failed.length,
          limit,
          offset,
        });
      }),
    );
    await renderInTestApp(<KafkaHubAdminContent />, {
      mountedRoutes: catalogRoutes,
      apis: apis(),
    });
    expect(await findRow('app-00')).toBeInTheDocument();
    expect(screen.getByText('1-25 of 30')).toBeInTheDocument();
    expect(queryRow('app-25')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await findRow('app-25')).toBeInTheDocument();
    expect(queryRow('app-00')).not.toBeInTheDocument();
    expect(requests.at(-1)?.searchParams.get('offset')).toBe('25');

    await userEvent.selectOptions(screen.getByLabelText('Status'), 'failed');
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('status')).toBe('failed'),
    );
    expect(requests.at(-1)?.searchParams.has('offset')).toBe(false);
    expect(await findRow('app-00')).toBeInTheDocument();
  });

  it('refreshes on demand', async () => {
    let calls = 0;
    server.use(
      http.get(APPLICATIONS_URL, () => {
        calls += 1;
        return HttpResponse.json(
          list(calls === 1 ? [adminApplication()] : [failedFraud()], 'full'),
        );
      }),
    );
    await renderInTestApp(<KafkaHubAdminContent />, {
      mountedRoutes: catalogRoutes,
      apis: apis(),
    });
    expect(await findRow('orders')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await findRow('fraud-detector')).toBeInTheDocument();
    expect(queryRow('orders')).not.toBeInTheDocument();
    expect(calls).toBe(2);
  });

  it('retries all failed with one request, toasts the counts and reloads', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>(r => {
      release = r;
    });
    let listCalls = 0;
    let retryCalls = 0;
    server.use(
      http.get(APPLICATIONS_URL, () => {
        listCalls += 1;
        return HttpResponse.json(list([adminApplication()], 'full'));
      }),
      http.post(RETRY_ALL_URL, async () => {
        retryCalls += 1;
        await released;
        return HttpResponse.json({ total: 3, started: 2, skipped: 1 });
      }),
    );
    const alertApi = mockApis.alert();
    await renderInTestApp(<KafkaHubAdminContent />, {
      mountedRoutes: catalogRoutes,
      apis: apis(alertApi),
    });
    const button = await screen.findByRole('button', {
      name: /Retry all failed/,
    });
    await userEvent.dblClick(button);
    expect(
      await screen.findByLabelText('Starting retries'),
    ).toBeInTheDocument();
    release();
    await waitFor(() =>
      expect(alertApi.getAlerts().map(a => a.message)).toEqual([
        'Retry started for 2 of 3 failed or partial applications; 1 already in progress',
      ]),
    );
    expect(retryCalls).toBe(1);
    await waitFor(() => expect(listCalls).toBe(2));
  });

  it("toasts the server's message when retrying all fails", async () => {
    server.use(
      http.get(APPLICATIONS_URL, () =>
        HttpResponse.json(list([adminApplication()], 'full')),
      ),
      http.post(RETRY_ALL_URL, () =>
        HttpResponse.json(errorBody(403, 'NotAllowedError', 'Unauthorized'), {
          status: 403,
        }),
      ),
    );
    const alertApi = mockApis.alert();
    await renderInTestApp(<KafkaHubAdminContent />, {
      mountedRoutes: catalogRoutes,
      apis: apis(alertApi),
    });
    await userEvent.click(
      await screen.findByRole('button', { name: /Retry all failed/ }),
    );
    await waitFor(() =>
      expect(alertApi.getAlerts()).toEqual([
        expect.objectContaining({
          message: 'Failed to retry all failed applications: Unauthorized',
          severity: 'error',
        }),
      ]),
    );
  });

  it('says "All clear" when every application is completed', async () => {
    server.use(
      http.get(APPLICATIONS_URL, () => HttpResponse.json(list([], 'full'))),
    );
    await renderInTestApp(<KafkaHubAdminContent />, {
      mountedRoutes: catalogRoutes,
      apis: apis(),
    });
    expect(await screen.findByText('All clear')).toBeInTheDocument();
  });

  it('shows progress while loading, then the error when loading fails', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>(r => {
      release = r;
    });
    server.use(
      http.get(APPLICATIONS_URL, async () => {
        await released;
        return HttpResponse.json(
          errorBody(503, 'ServiceUnavailableError', 'database is unreachable'),
          { status: 503 },
        );
      }),
    );
    await renderInTestApp(<KafkaHubAdminContent />, {
      mountedRoutes: catalogRoutes,
      apis: apis(),
    });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    release();
    expect(
      await screen.findByText(/Could not load the provisioning status/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/database is unreachable/).length,
    ).toBeGreaterThan(0);
  });

  it('shows cluster health on the Clusters tab', async () => {
    server.use(
      http.get(`${BASE_URL}/health`, () =>
        HttpResponse.json({
          configured: true,
          environments: [
            {
              environment: 'dev',
              checkedAt: new Date().toISOString(),
              kafka: { status: 'up', latencyMs: 9 },
              schemaRegistry: { status: 'up', latencyMs: 4 },
            },
          ],
        }),
      ),
    );
    await renderInTestApp(<KafkaHubAdminContent />, {
      mountedRoutes: catalogRoutes,
      mountPath: '/kafka-hub/admin',
      initialRouteEntries: ['/kafka-hub/admin/clusters'],
      apis: apis(),
    });
    expect(await screen.findByText('Reachable · 9 ms')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Clusters' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(
      screen.getByRole('tab', { name: 'Provisioning' }),
    ).toBeInTheDocument();
  });
});
