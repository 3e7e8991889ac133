import { screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { KafkaHubAdminContent } from './KafkaHubAdminPage';
import {
  APPLICATIONS_URL,
  catalogRoutes,
  kafkaHubTestApi,
  list,
  makeApplication,
  permissionsDenying,
} from '../ProvisioningCommon/__testUtils__';

// A file of its own: usePermission caches answers per permission for the
// whole test file, so allowed and denied cases must not share one.
describe('KafkaHubAdminPage without the retry permissions', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('hides "Retry all failed" and the row retries without their permissions', async () => {
    server.use(
      http.get(APPLICATIONS_URL, () =>
        HttpResponse.json(list([makeApplication()], 'full')),
      ),
    );
    const permissionApi = permissionsDenying(
      'kafka-hub.admin.retry',
      'kafka-hub.provisioning.retry',
    );
    const authorize = jest.spyOn(permissionApi, 'authorize');
    await renderInTestApp(<KafkaHubAdminContent />, {
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), permissionApi],
    });
    expect(
      await screen.findByRole('button', { name: 'Show details of orders' }),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(authorize.mock.calls.map(([r]) => r.permission.name)).toEqual(
        expect.arrayContaining([
          'kafka-hub.admin.read',
          'kafka-hub.admin.retry',
          'kafka-hub.provisioning.retry',
        ]),
      ),
    );
    expect(screen.getByRole('button', { name: 'Refresh' })).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Retry/ }),
    ).not.toBeInTheDocument();
  });
});
