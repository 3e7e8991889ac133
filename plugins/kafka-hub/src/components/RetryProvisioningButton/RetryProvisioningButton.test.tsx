import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { RetryProvisioningButton } from './RetryProvisioningButton';
import {
  errorBody,
  kafkaHubTestApi,
  permissionsDenying,
  retryUrl,
} from '../ProvisioningCommon/__testUtils__';

const REF = 'component:default/orders-service';

/** A handler that answers only when the test says so. */
const deferredRetry = (ref: string) => {
  let release: () => void = () => {};
  const released = new Promise<void>(resolve => {
    release = resolve;
  });
  const requests: Request[] = [];
  const handler = http.post(retryUrl(ref), async ({ request }) => {
    requests.push(request);
    await released;
    return HttpResponse.json(
      { runId: 'run-1', environments: ['prod'] },
      { status: 202 },
    );
  });
  return { handler, release, requests };
};

describe('RetryProvisioningButton', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows a spinner while the request runs, then toasts that the run started', async () => {
    const { handler, release, requests } = deferredRetry(REF);
    server.use(handler);
    const alertApi = mockApis.alert();
    const onStarted = jest.fn();
    await renderInTestApp(
      <RetryProvisioningButton
        entityRef={REF}
        status="partial"
        onStarted={onStarted}
      />,
      { apis: [kafkaHubTestApi(), alertApi, mockApis.permission()] },
    );

    const button = await screen.findByRole('button', {
      name: /Retry provisioning/,
    });
    expect(button).toBeEnabled();
    await userEvent.click(button);

    expect(
      await screen.findByLabelText('Starting provisioning'),
    ).toBeInTheDocument();
    expect(button).toBeDisabled();
    expect(requests).toHaveLength(1);
    expect(new URL(requests[0].url).search).toBe('');

    await act(async () => release());
    await waitFor(() =>
      expect(onStarted).toHaveBeenCalledWith({
        runId: 'run-1',
        environments: ['prod'],
      }),
    );
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        message: 'Provisioning retry started',
        severity: 'success',
      }),
    ]);
    await waitFor(() => expect(button).toBeEnabled());
    expect(screen.queryByLabelText('Starting provisioning')).toBeNull();
  });

  it.each([
    [
      'a double click',
      async (button: HTMLElement) => userEvent.dblClick(button),
    ],
    [
      'two clicks in the same tick, before React re-renders',
      async (button: HTMLElement) =>
        act(() => {
          fireEvent.click(button);
          fireEvent.click(button);
        }),
    ],
  ])('sends one request for %s', async (_, clickTwice) => {
    const { handler, release, requests } = deferredRetry(REF);
    server.use(handler);
    const alertApi = mockApis.alert();
    await renderInTestApp(
      <RetryProvisioningButton entityRef={REF} status="failed" />,
      { apis: [kafkaHubTestApi(), alertApi, mockApis.permission()] },
    );
    const button = await screen.findByRole('button', {
      name: /Retry provisioning/,
    });

    await clickTwice(button);
    await waitFor(() => expect(requests).toHaveLength(1));
    await act(async () => release());
    await waitFor(() => expect(alertApi.getAlerts()).toHaveLength(1));
    expect(requests).toHaveLength(1);
  });

  it("toasts the server's message when the retry is refused, and can be clicked again", async () => {
    let calls = 0;
    server.use(
      http.post(retryUrl(REF), () => {
        calls += 1;
        return HttpResponse.json(
          errorBody(
            409,
            'ConflictError',
            'A provisioning run of component:default/orders-service is already in progress',
          ),
          { status: 409 },
        );
      }),
    );
    const alertApi = mockApis.alert();
    const onFailed = jest.fn();
    await renderInTestApp(
      <RetryProvisioningButton
        entityRef={REF}
        status="failed"
        onFailed={onFailed}
      />,
      { apis: [kafkaHubTestApi(), alertApi, mockApis.permission()] },
    );
    const button = await screen.findByRole('button', {
      name: /Retry provisioning/,
    });
    await userEvent.click(button);

    await waitFor(() =>
      expect(alertApi.getAlerts()).toEqual([
        expect.objectContaining({
          message:
            'Failed to start provisioning: A provisioning run of component:default/orders-service is already in progress',
          severity: 'error',
        }),
      ]),
    );
    expect(onFailed).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(button).toBeEnabled());
    await userEvent.click(button);
    await waitFor(() => expect(calls).toBe(2));
  });

  it('re-runs every environment with all', async () => {
    const { handler, release, requests } = deferredRetry(REF);
    server.use(handler);
    release();
    await renderInTestApp(
      <RetryProvisioningButton
        entityRef={REF}
        status="completed"
        all
        label="Provision again"
      />,
      {
        apis: [kafkaHubTestApi(), mockApis.alert(), mockApis.permission()],
      },
    );
    await userEvent.click(
      await screen.findByRole('button', { name: /Provision again/ }),
    );
    await waitFor(() => expect(requests).toHaveLength(1));
    expect(new URL(requests[0].url).searchParams.get('all')).toBe('true');
  });

  it('is disabled while a run is in progress, and says why', async () => {
    await renderInTestApp(
      <RetryProvisioningButton entityRef={REF} status="in_progress" />,
      {
        apis: [kafkaHubTestApi(), mockApis.alert(), mockApis.permission()],
      },
    );
    const button = await screen.findByRole('button', {
      name: /Retry provisioning/,
    });
    expect(button).toBeDisabled();
    await userEvent.hover(button.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'A provisioning run is in progress',
    );
  });

  it('says why it is disabled to the keyboard too: tabbing to it shows the reason', async () => {
    await renderInTestApp(
      <RetryProvisioningButton entityRef={REF} status="in_progress" />,
      {
        apis: [kafkaHubTestApi(), mockApis.alert(), mockApis.permission()],
      },
    );
    const button = await screen.findByRole('button', {
      name: /Retry provisioning/,
    });
    expect(button).toBeDisabled();
    await userEvent.tab();
    expect(button.parentElement).toHaveFocus();
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'A provisioning run is in progress',
    );
  });

  it('is disabled with the given reason, e.g. a malformed annotation', async () => {
    await renderInTestApp(
      <RetryProvisioningButton
        entityRef={REF}
        status="failed"
        disabledReason="Fix the malformed annotation first: kafka-hub.io/topics"
      />,
      {
        apis: [kafkaHubTestApi(), mockApis.alert(), mockApis.permission()],
      },
    );
    const button = await screen.findByRole('button', {
      name: /Retry provisioning/,
    });
    expect(button).toBeDisabled();
    await userEvent.hover(button.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Fix the malformed annotation first: kafka-hub.io/topics',
    );
  });

  it('is hidden without the retry permission on that entity', async () => {
    // Another entity than the other tests: usePermission caches per resource.
    const ref = 'component:default/not-mine';
    const permissionApi = permissionsDenying('kafka-hub.provisioning.retry');
    const authorize = jest.spyOn(permissionApi, 'authorize');
    await renderInTestApp(
      <>
        <span>rendered</span>
        <RetryProvisioningButton entityRef={ref} status="failed" />
      </>,
      { apis: [kafkaHubTestApi(), mockApis.alert(), permissionApi] },
    );
    await waitFor(() =>
      expect(authorize).toHaveBeenCalledWith(
        expect.objectContaining({
          permission: expect.objectContaining({
            name: 'kafka-hub.provisioning.retry',
          }),
          resourceRef: ref,
        }),
      ),
    );
    expect(screen.getByText('rendered')).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });
});
