import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  EntityLinkErrorsList,
  NamespaceClaim,
  NamespaceClaimList,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { ClaimsTab } from './ClaimsTab';
import {
  BASE_URL,
  catalogRoutes,
  errorBody,
  kafkaHubTestApi,
} from '../ProvisioningCommon/__testUtils__';

const CLAIMS_URL = `${BASE_URL}/admin/claims`;
const LINK_ERRORS_URL = `${BASE_URL}/admin/link-errors`;
const daysFromNow = (d: number) =>
  new Date(Date.now() + d * 86_400_000).toISOString();

const payments: NamespaceClaim = {
  application: 'payments',
  prefix: 'payments.',
  entityRef: 'component:default/payments-service',
  ownerRef: 'group:default/team-payments',
  claimedAt: daysFromNow(-30),
  holderMissingSince: daysFromNow(-2),
  releasesAt: daysFromNow(5),
};
const orders: NamespaceClaim = {
  application: 'orders',
  prefix: 'orders.',
  entityRef: 'component:default/orders-service',
  ownerRef: 'group:default/team-orders',
  claimedAt: daysFromNow(-10),
};
const claimList = (items: NamespaceClaim[]): NamespaceClaimList => ({
  items,
  total: items.length,
  limit: 25,
  offset: 0,
});
const linkErrors: EntityLinkErrorsList = {
  items: [
    {
      entityRef: 'component:default/orders-service',
      updatedAt: daysFromNow(0),
      errors: [
        {
          annotation: 'kafka-hub.io/consumer-groups',
          value: 'dev/payments.settlement',
          message:
            'is inside the namespace "payments." of application "payments", claimed by component:default/payments-service (owner group:default/team-payments); link annotations only reach names outside every claimed namespace',
        },
      ],
    },
  ],
  total: 1,
  limit: 25,
  offset: 0,
};

describe('ClaimsTab', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('lists the claims with their holders, and releases one after confirmation', async () => {
    let claims = [orders, payments];
    const released: string[] = [];
    server.use(
      http.get(CLAIMS_URL, () => HttpResponse.json(claimList(claims))),
      http.get(LINK_ERRORS_URL, () => HttpResponse.json(linkErrors)),
      http.delete(`${CLAIMS_URL}/:application`, ({ params }) => {
        released.push(String(params.application));
        claims = claims.filter(c => c.application !== params.application);
        return HttpResponse.json({ released: payments });
      }),
    );
    const alertApi = mockApis.alert();
    await renderInTestApp(<ClaimsTab />, {
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), alertApi, mockApis.permission()],
    });

    const table = await screen.findByRole('table', {
      name: 'Namespace claims',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toHaveTextContent('payments');
    expect(rows[1]).toHaveTextContent('payments.*');
    expect(within(rows[1]).getByText('payments-service')).toBeInTheDocument();
    expect(within(rows[1]).getByText('team-payments')).toBeInTheDocument();
    expect(rows[1]).toHaveTextContent('2 days ago');
    expect(rows[1]).toHaveTextContent('released in 5 days');
    expect(rows[0]).toHaveTextContent('—');

    // The link conflicts, named with annotation, value and holder.
    expect(
      await screen.findByText(
        /^Annotation kafka-hub.io\/consumer-groups: "dev\/payments.settlement" is inside the namespace "payments."/,
      ),
    ).toBeInTheDocument();

    await userEvent.click(
      within(rows[1]).getByRole('button', { name: 'Release payments' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Release the namespace claim of "payments"?',
    });
    expect(dialog).toHaveTextContent(
      'stops belonging to component:default/payments-service (owner group:default/team-payments)',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    expect(released).toEqual([]);

    await userEvent.click(
      within(rows[1]).getByRole('button', { name: 'Release payments' }),
    );
    await userEvent.click(
      within(
        await screen.findByRole('dialog', {
          name: 'Release the namespace claim of "payments"?',
        }),
      ).getByRole('button', { name: 'Release' }),
    );
    await waitFor(() => expect(released).toEqual(['payments']));
    await waitFor(() =>
      expect(
        within(screen.getByRole('table', { name: 'Namespace claims' }))
          .getAllByRole('row')
          .slice(1),
      ).toHaveLength(1),
    );
    expect(alertApi.getAlerts().map(a => a.message)).toEqual([
      'Released the namespace claim of "payments"',
    ]);
  });

  it('tells the admin when the release is refused', async () => {
    server.use(
      http.get(CLAIMS_URL, () => HttpResponse.json(claimList([payments]))),
      http.get(LINK_ERRORS_URL, () =>
        HttpResponse.json({ items: [], total: 0, limit: 25, offset: 0 }),
      ),
      http.delete(`${CLAIMS_URL}/payments`, () =>
        HttpResponse.json(
          errorBody(
            403,
            'NotAllowedError',
            'Missing permission kafka-hub.admin.retry',
          ),
          { status: 403 },
        ),
      ),
    );
    const alertApi = mockApis.alert();
    await renderInTestApp(<ClaimsTab />, {
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), alertApi, mockApis.permission()],
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Release payments' }),
    );
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Release',
      }),
    );
    await waitFor(() =>
      expect(alertApi.getAlerts().map(a => a.message)).toEqual([
        'Could not release the namespace claim of "payments": Missing permission kafka-hub.admin.retry',
      ]),
    );
    expect(
      screen.getByRole('table', { name: 'Namespace claims' }),
    ).toHaveTextContent('payments');
  });
});
