import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { BASE_URL } from '../ProvisioningCommon/__testUtils__';
import { renderKafkaHubPage } from './__testUtils__/adminLink';

jest.setTimeout(30_000);

describe('KafkaHubPage link to the admin page, for a caller without kafka-hub.admin.read', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('is hidden', async () => {
    server.use(
      http.get(`${BASE_URL}/health`, () =>
        HttpResponse.json({ configured: false, environments: [] }),
      ),
    );
    await renderKafkaHubPage({
      decision: AuthorizeResult.DENY,
      adminMounted: true,
    });
    expect(await screen.findByText('admin read: false')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Kafka Hub admin' })).toBeNull();
  });
});
