import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { KafkaHubAdminContent } from './KafkaHubAdminPage';
import {
  APPLICATIONS_URL,
  catalogRoutes,
  kafkaHubTestApi,
  list,
  permissionsDenying,
} from '../ProvisioningCommon/__testUtils__';

// Files of their own: usePermission caches answers per permission for the
// whole test file, so allowed and denied cases must not share one.
describe('KafkaHubAdminPage without admin read', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('says clearly that the caller is not allowed, and loads nothing', async () => {
    let calls = 0;
    server.use(
      http.get(APPLICATIONS_URL, () => {
        calls += 1;
        return HttpResponse.json(list([]));
      }),
    );
    await renderInTestApp(<KafkaHubAdminContent />, {
      mountedRoutes: catalogRoutes,
      apis: [
        kafkaHubTestApi(),
        mockApis.alert(),
        permissionsDenying('kafka-hub.admin.read'),
      ],
    });
    expect(
      await screen.findByText(
        'You are not allowed to use the Kafka Hub admin page',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('tab')).not.toBeInTheDocument();
    expect(calls).toBe(0);
  });
});
