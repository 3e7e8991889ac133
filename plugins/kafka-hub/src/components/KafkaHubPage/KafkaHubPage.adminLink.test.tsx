import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { BASE_URL } from '../ProvisioningCommon/__testUtils__';
import { renderKafkaHubPage } from './__testUtils__/adminLink';

jest.setTimeout(30_000);

describe('KafkaHubPage link to the admin page, for an admin', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  beforeEach(() =>
    server.use(
      http.get(`${BASE_URL}/health`, () =>
        HttpResponse.json({ configured: false, environments: [] }),
      ),
    ),
  );

  it('is shown, one click from the page', async () => {
    await renderKafkaHubPage({
      decision: AuthorizeResult.ALLOW,
      adminMounted: true,
    });
    expect(
      await screen.findByRole('link', { name: 'Kafka Hub admin' }),
    ).toHaveAttribute('href', '/kafka-hub/admin');
  });

  it('is left out, not an error, where the app has not mounted the admin page', async () => {
    await renderKafkaHubPage({
      decision: AuthorizeResult.ALLOW,
      adminMounted: false,
    });
    expect(await screen.findByText('admin read: true')).toBeInTheDocument();
    expect(
      await screen.findByText('Kafka Hub is not configured'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Kafka Hub admin' })).toBeNull();
  });
});
