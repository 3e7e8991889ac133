import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { ProvisioningAlert } from './ProvisioningAlert';
import {
  APPLICATIONS_URL,
  catalogRoutes,
  completedApplication,
  errorBody,
  kafkaHubTestApi,
  list,
  makeApplication,
} from '../ProvisioningCommon/__testUtils__';

const REF = 'component:default/orders-service';
const TEAM = 'group:default/team-orders';

const apis = () =>
  [kafkaHubTestApi(), mockApis.alert(), mockApis.permission()] as const;

describe('ProvisioningAlert', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('counts one application with issues and opens the dialog on "View details"', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(APPLICATIONS_URL, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json(list([makeApplication()]));
      }),
    );
    await renderInTestApp(<ProvisioningAlert entityRef={REF} />, {
      mountedRoutes: catalogRoutes,
      apis: apis(),
    });
    expect(
      await screen.findByText('1 application has provisioning issues'),
    ).toBeInTheDocument();
    expect(requests[0].searchParams.get('entityRef')).toBe(REF);

    await userEvent.click(screen.getByRole('button', { name: 'View details' }));
    const dialog = await screen.findByRole('dialog', {
      name: 'Provisioning issues',
    });
    expect(
      await within(dialog).findByText(
        'Connection error: connect ECONNREFUSED 127.0.0.1:19092',
      ),
    ).toBeInTheDocument();
  });

  it('can be dismissed for the session, and comes back when another application starts failing', async () => {
    window.sessionStorage.clear();
    let items = [makeApplication()];
    server.use(
      http.get(APPLICATIONS_URL, () => HttpResponse.json(list(items))),
    );
    const first = await renderInTestApp(<ProvisioningAlert ownerRef={TEAM} />, {
      mountedRoutes: catalogRoutes,
      apis: apis(),
    });
    expect(
      await screen.findByText('1 application has provisioning issues'),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Dismiss for this session' }),
    );
    expect(
      screen.queryByText('1 application has provisioning issues'),
    ).not.toBeInTheDocument();
    first.unmount();

    // Another page of the same session, given the same applications (so
    // nothing loads): still dismissed.
    const second = await renderInTestApp(
      <ProvisioningAlert ownerRef={TEAM} applications={items} />,
      { mountedRoutes: catalogRoutes, apis: apis() },
    );
    expect(screen.queryByText(/provisioning issues/)).not.toBeInTheDocument();
    second.unmount();
    // The same issues for another scope are not dismissed.
    const other = await renderInTestApp(
      <ProvisioningAlert
        ownerRef="group:default/team-payments"
        applications={items}
      />,
      { mountedRoutes: catalogRoutes, apis: apis() },
    );
    expect(
      screen.getByText('1 application has provisioning issues'),
    ).toBeInTheDocument();
    other.unmount();

    // A second application fails: the banner is back.
    items = [
      makeApplication(),
      makeApplication({
        entityRef: 'component:default/billing-worker',
        application: 'billing',
        status: 'failed',
      }),
    ];
    await renderInTestApp(<ProvisioningAlert ownerRef={TEAM} />, {
      mountedRoutes: catalogRoutes,
      apis: apis(),
    });
    expect(
      await screen.findByText('2 applications have provisioning issues'),
    ).toBeInTheDocument();
  });

  it("counts a team's failed and partial applications only", async () => {
    const requests: URL[] = [];
    server.use(
      http.get(APPLICATIONS_URL, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json(
          list([
            makeApplication(),
            makeApplication({
              entityRef: 'component:default/a',
              status: 'failed',
            }),
            completedApplication({ entityRef: 'component:default/b' }),
            makeApplication({
              entityRef: 'component:default/c',
              status: 'pending',
            }),
            makeApplication({
              entityRef: 'component:default/d',
              status: 'in_progress',
            }),
          ]),
        );
      }),
    );
    await renderInTestApp(<ProvisioningAlert ownerRef={TEAM} />, {
      mountedRoutes: catalogRoutes,
      apis: apis(),
    });
    expect(
      await screen.findByText('2 applications have provisioning issues'),
    ).toBeInTheDocument();
    expect(requests[0].searchParams.get('owner')).toBe(TEAM);
  });

  it('renders nothing when all is well', async () => {
    let calls = 0;
    server.use(
      http.get(APPLICATIONS_URL, () => {
        calls += 1;
        return HttpResponse.json(
          list([
            completedApplication(),
            makeApplication({ status: 'pending' }),
          ]),
        );
      }),
    );
    await renderInTestApp(
      <>
        <span>page</span>
        <ProvisioningAlert entityRef={REF} />
      </>,
      { mountedRoutes: catalogRoutes, apis: apis() },
    );
    await waitFor(() => expect(calls).toBe(1));
    expect(screen.getByText('page')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.queryByText(/provisioning issues/)).not.toBeInTheDocument();
  });

  it('renders nothing when loading fails, and says why in the console', async () => {
    const consoleError = jest
      .spyOn(console, 'error')
      .mockImplementation(() => {});
    server.use(
      http.get(APPLICATIONS_URL, () =>
        HttpResponse.json(errorBody(500, 'Error', 'database is locked'), {
          status: 500,
        }),
      ),
    );
    await renderInTestApp(
      <>
        <span>page</span>
        <ProvisioningAlert entityRef={REF} />
      </>,
      { mountedRoutes: catalogRoutes, apis: apis() },
    );
    await waitFor(() =>
      expect(consoleError).toHaveBeenCalledWith(
        `Kafka Hub: could not load the provisioning status of ${REF}`,
        expect.objectContaining({ statusCode: 500 }),
      ),
    );
    expect(screen.getByText('page')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    consoleError.mockRestore();
  });

  it('uses the applications it is given without loading them, and tells the caller when the dialog closes', async () => {
    let calls = 0;
    server.use(
      http.get(APPLICATIONS_URL, () => {
        calls += 1;
        return HttpResponse.json(list([completedApplication()]));
      }),
    );
    const onChange = jest.fn();
    await renderInTestApp(
      <ProvisioningAlert
        entityRef={REF}
        applications={[makeApplication()]}
        onChange={onChange}
      />,
      { mountedRoutes: catalogRoutes, apis: apis() },
    );
    expect(
      screen.getByText('1 application has provisioning issues'),
    ).toBeInTheDocument();
    expect(calls).toBe(0);

    // The dialog loads fresh data while it is open.
    await userEvent.click(screen.getByRole('button', { name: 'View details' }));
    await waitFor(() => expect(calls).toBe(1));
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it('reloads when the dialog closes, and disappears once the issue is fixed', async () => {
    let calls = 0;
    server.use(
      http.get(APPLICATIONS_URL, () => {
        calls += 1;
        return HttpResponse.json(
          list([calls < 3 ? makeApplication() : completedApplication()]),
        );
      }),
    );
    await renderInTestApp(<ProvisioningAlert entityRef={REF} />, {
      mountedRoutes: catalogRoutes,
      apis: apis(),
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'View details' }),
    );
    await screen.findByRole('dialog');
    await waitFor(() => expect(calls).toBe(2));
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() =>
      expect(
        screen.queryByText('1 application has provisioning issues'),
      ).not.toBeInTheDocument(),
    );
    expect(calls).toBe(3);
  });
});
