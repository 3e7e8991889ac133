import { useState } from 'react';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { KafkaApplication } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { ProvisioningErrorModal } from './ProvisioningErrorModal';
import {
  APPLICATIONS_URL,
  catalogRoutes,
  completedApplication,
  errorBody,
  kafkaHubTestApi,
  list,
  makeApplication,
  retryUrl,
} from '../ProvisioningCommon/__testUtils__';

const REF = 'component:default/orders-service';
const CONFIG = {
  app: { baseUrl: 'http://localhost:3000' },
  backend: { baseUrl: 'http://localhost:7007' },
  kafkaHub: { supportUrl: 'https://support.example.com/kafka' },
};

/** The dialog, open until its own close button is used. */
const Harness = (props: {
  entityRef?: string;
  ownerRef?: string;
  applications?: KafkaApplication[];
}) => {
  const [open, setOpen] = useState(true);
  return (
    <ProvisioningErrorModal
      open={open}
      onClose={() => setOpen(false)}
      {...props}
    />
  );
};

const inProgress = () =>
  makeApplication({ status: 'in_progress', currentRunId: undefined });

describe('ProvisioningErrorModal', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  afterEach(() => {
    jest.useRealTimers();
  });

  it('lists each environment with its outcome, the retry button and the support link', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(APPLICATIONS_URL, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json(list([makeApplication()]));
      }),
    );
    await renderInTestApp(<Harness entityRef={REF} />, {
      config: CONFIG,
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), mockApis.alert(), mockApis.permission()],
    });

    const dialog = await screen.findByRole('dialog', {
      name: 'Provisioning issues',
    });
    const section = await within(dialog).findByRole('region', {
      name: 'Provisioning of orders',
    });
    expect(
      within(section).getByLabelText('Provisioning status: Partial'),
    ).toBeInTheDocument();
    const envs = within(section).getAllByRole('listitem');
    expect(envs).toHaveLength(3);
    expect(within(envs[0]).getByText('dev')).toBeInTheDocument();
    expect(within(envs[0]).getByTitle('Success')).toBeInTheDocument();
    expect(
      within(envs[0]).getByText('Provisioned successfully'),
    ).toBeInTheDocument();
    expect(within(envs[1]).getByText('stage')).toBeInTheDocument();
    expect(within(envs[1]).getByTitle('Skipped')).toBeInTheDocument();
    expect(
      within(envs[1]).getByText('Environment stage is not configured'),
    ).toBeInTheDocument();
    expect(within(envs[2]).getByText('prod')).toBeInTheDocument();
    expect(within(envs[2]).getByTitle('Failed')).toBeInTheDocument();
    expect(
      within(envs[2]).getByText(
        'Connection error: connect ECONNREFUSED 127.0.0.1:19092',
      ),
    ).toBeInTheDocument();
    expect(
      await within(section).findByRole('button', {
        name: /Retry provisioning/,
      }),
    ).toBeEnabled();
    expect(
      within(section).getByRole('link', { name: /Contact support/ }),
    ).toHaveAttribute('href', 'https://support.example.com/kafka');
    expect(requests[0].searchParams.get('entityRef')).toBe(REF);
  });

  it("lists a team's applications with issues, and hides the support link when none is configured", async () => {
    const requests: URL[] = [];
    server.use(
      http.get(APPLICATIONS_URL, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json(
          list([
            makeApplication(),
            completedApplication({
              entityRef: 'component:default/billing',
              application: 'billing',
            }),
            makeApplication({
              entityRef: 'component:default/fraud',
              application: 'fraud',
              status: 'failed',
              environments: {},
              error: 'Provisioning was interrupted',
            }),
          ]),
        );
      }),
    );
    await renderInTestApp(<Harness ownerRef="group:default/team-orders" />, {
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), mockApis.alert(), mockApis.permission()],
    });

    expect(
      await screen.findByRole('region', { name: 'Provisioning of orders' }),
    ).toBeInTheDocument();
    const fraud = screen.getByRole('region', { name: 'Provisioning of fraud' });
    expect(
      within(fraud).getByText('Provisioning was interrupted'),
    ).toBeInTheDocument();
    expect(within(fraud).getAllByText('Not provisioned yet')).toHaveLength(3);
    expect(
      screen.queryByRole('region', { name: 'Provisioning of billing' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByText(/Contact support/)).not.toBeInTheDocument();
    expect(requests[0].searchParams.get('owner')).toBe(
      'group:default/team-orders',
    );
  });

  it('shows malformed annotations and disables the retry until they are fixed', async () => {
    server.use(
      http.get(APPLICATIONS_URL, () =>
        HttpResponse.json(
          list([
            makeApplication({
              status: 'failed',
              environments: {},
              annotationErrors: [
                {
                  annotation: 'kafka-hub.io/topics',
                  value: 'scores:0',
                  message: '"scores:0" has an invalid partition count',
                },
              ],
            }),
          ]),
        ),
      ),
    );
    await renderInTestApp(<Harness entityRef={REF} />, {
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), mockApis.alert(), mockApis.permission()],
    });
    expect(
      await screen.findByText(
        'Annotation kafka-hub.io/topics: "scores:0" "scores:0" has an invalid partition count',
      ),
    ).toBeInTheDocument();
    const retry = await screen.findByRole('button', {
      name: /Retry provisioning/,
    });
    expect(retry).toBeDisabled();
    await userEvent.hover(retry.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Fix the malformed annotation first: kafka-hub.io/topics',
    );
  });

  it('stays open during a retry, polls every 5 s while the run is in progress, toasts its end and stops polling', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const answers = [
      makeApplication(),
      inProgress(),
      inProgress(),
      completedApplication(),
    ];
    let calls = 0;
    server.use(
      http.get(APPLICATIONS_URL, () => {
        const app = answers[Math.min(calls, answers.length - 1)];
        calls += 1;
        return HttpResponse.json(list([app]));
      }),
      http.post(retryUrl(REF), () =>
        HttpResponse.json(
          { runId: 'r1', environments: ['prod'] },
          { status: 202 },
        ),
      ),
    );
    const alertApi = mockApis.alert();
    await renderInTestApp(<Harness entityRef={REF} />, {
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), alertApi, mockApis.permission()],
    });
    const user = userEvent.setup({
      advanceTimers: jest.advanceTimersByTime,
    });

    await user.click(
      await screen.findByRole('button', { name: /Retry provisioning/ }),
    );
    expect(
      await screen.findByLabelText('Provisioning status: In progress'),
    ).toBeInTheDocument();
    expect(calls).toBe(2);
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: /Retry provisioning/ }),
    ).toBeDisabled();

    await act(() => jest.advanceTimersByTimeAsync(5000));
    await waitFor(() => expect(calls).toBe(3));
    await act(() => jest.advanceTimersByTimeAsync(5000));
    await waitFor(() => expect(calls).toBe(4));

    // Finished: still shown, with its new status, and the end is toasted.
    expect(
      await screen.findByLabelText('Provisioning status: Completed'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Retry provisioning/ }),
    ).not.toBeInTheDocument();
    await waitFor(() =>
      expect(alertApi.getAlerts().map(a => a.message)).toEqual([
        'Provisioning retry started',
        'Provisioning of orders completed',
      ]),
    );

    await act(() => jest.advanceTimersByTimeAsync(20000));
    expect(calls).toBe(4);
  });

  it('stops polling when closed', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    let calls = 0;
    server.use(
      http.get(APPLICATIONS_URL, () => {
        calls += 1;
        return HttpResponse.json(list([inProgress()]));
      }),
    );
    await renderInTestApp(<Harness entityRef={REF} />, {
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), mockApis.alert(), mockApis.permission()],
    });
    const user = userEvent.setup({
      advanceTimers: jest.advanceTimersByTime,
    });
    expect(
      await screen.findByLabelText('Provisioning status: In progress'),
    ).toBeInTheDocument();
    expect(calls).toBe(1);
    await act(() => jest.advanceTimersByTimeAsync(5000));
    await waitFor(() => expect(calls).toBe(2));

    await user.click(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    await act(() => jest.advanceTimersByTimeAsync(30000));
    expect(calls).toBe(2);
  });

  it('shows what the caller loaded until its own load answers', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>(r => {
      release = r;
    });
    server.use(
      http.get(APPLICATIONS_URL, async () => {
        await released;
        return HttpResponse.json(list([completedApplication()]));
      }),
    );
    await renderInTestApp(
      <Harness entityRef={REF} applications={[makeApplication()]} />,
      {
        mountedRoutes: catalogRoutes,
        apis: [kafkaHubTestApi(), mockApis.alert(), mockApis.permission()],
      },
    );
    expect(
      await screen.findByRole('region', { name: 'Provisioning of orders' }),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('progress')).not.toBeInTheDocument();
    expect(
      screen.getByLabelText('Provisioning status: Partial'),
    ).toBeInTheDocument();
    release();
    expect(
      await screen.findByLabelText('Provisioning status: Completed'),
    ).toBeInTheDocument();
  });

  it('shows progress while loading and the error when loading fails', async () => {
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
    await renderInTestApp(<Harness entityRef={REF} />, {
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), mockApis.alert(), mockApis.permission()],
    });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    release();
    expect(
      await screen.findByText(/Could not load provisioning status/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/You may not read this entity/).length,
    ).toBeGreaterThan(0);
  });

  it('says so when there is nothing wrong', async () => {
    server.use(
      http.get(APPLICATIONS_URL, () =>
        HttpResponse.json(list([completedApplication()])),
      ),
    );
    await renderInTestApp(<Harness entityRef={REF} />, {
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), mockApis.alert(), mockApis.permission()],
    });
    expect(
      await screen.findByText('No provisioning issues.'),
    ).toBeInTheDocument();
  });
});
