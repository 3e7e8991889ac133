import { screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { NamespaceClaimList } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { ClaimsTab } from './ClaimsTab';
import {
  BASE_URL,
  catalogRoutes,
  kafkaHubTestApi,
  permissionsDenying,
} from '../ProvisioningCommon/__testUtils__';

// A file of its own: usePermission caches answers per permission for the
// whole test file.
describe('ClaimsTab without kafka-hub.admin.retry', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('lists the claims without a release button', async () => {
    const claims: NamespaceClaimList = {
      items: [
        {
          application: 'payments',
          prefix: 'payments.',
          entityRef: 'component:default/payments-service',
          ownerRef: 'group:default/team-payments',
          claimedAt: new Date().toISOString(),
        },
      ],
      total: 1,
      limit: 25,
      offset: 0,
    };
    server.use(
      http.get(`${BASE_URL}/admin/claims`, () => HttpResponse.json(claims)),
      http.get(`${BASE_URL}/admin/link-errors`, () =>
        HttpResponse.json({ items: [], total: 0, limit: 25, offset: 0 }),
      ),
    );
    const permissionApi = permissionsDenying('kafka-hub.admin.retry');
    const authorize = jest.spyOn(permissionApi, 'authorize');
    await renderInTestApp(<ClaimsTab />, {
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), permissionApi],
    });
    await waitFor(() =>
      expect(authorize.mock.calls.map(([r]) => r.permission.name)).toContain(
        'kafka-hub.admin.retry',
      ),
    );
    expect(
      await screen.findByRole('table', { name: 'Namespace claims' }),
    ).toHaveTextContent('payments-service');
    expect(
      await screen.findByText('Every link annotation links what it names.'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Release payments' }),
    ).not.toBeInTheDocument();
  });
});
