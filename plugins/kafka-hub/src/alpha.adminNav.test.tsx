import { render, screen } from '@testing-library/react';
import { createApp } from '@backstage/frontend-defaults';
import {
  ApiBlueprint,
  createFrontendModule,
  FrontendFeature,
} from '@backstage/frontend-plugin-api';
import { mockApis } from '@backstage/frontend-test-utils';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { SWRConfig } from 'swr';
import kafkaHubPlugin, { kafkaHubAdminNavModule } from './alpha';

// A whole app can take seconds to start on a loaded machine.
jest.setTimeout(30_000);
const STARTED = { timeout: 20_000 };

/**
 * The app as an adopter's `createApp` builds it (its default sidebar lists
 * every page with an icon), with no sign-in page and a permission API that
 * grants `kafka-hub.admin.read` only to an admin. `renderTestApp` cannot
 * render it: it finalizes synchronously, and a permission predicate needs
 * the asynchronous finalization a real app does.
 */
function renderApp(options: {
  admin: boolean;
  features: FrontendFeature[];
  path?: string;
}): {
  asked: string[];
} {
  const asked: string[] = [];
  const permissionApi = mockApis.permission({
    authorize: request => {
      asked.push(request.permission.name);
      return options.admin && request.permission.name === 'kafka-hub.admin.read'
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY;
    },
  });
  const testApp = createFrontendModule({
    pluginId: 'app',
    extensions: [
      SignInPageBlueprint.make({
        disabled: true,
        params: { loader: async () => () => null },
      }),
      ApiBlueprint.make({
        name: 'permission',
        params: defineParams =>
          defineParams({
            api: permissionApiRef,
            deps: {},
            factory: () => permissionApi,
          }),
      }),
    ],
  });
  const app = createApp({
    features: [...options.features, testApp],
    advanced: {
      configLoader: async () => ({
        config: mockApis.config({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
        }),
      }),
    },
  });
  window.history.pushState({}, '', options.path ?? '/');
  // usePermission caches decisions in SWR's global cache: each app gets
  // its own, as each browser session would.
  render(
    <SWRConfig value={{ provider: () => new Map() }}>
      {app.createRoot()}
    </SWRConfig>,
  );
  return { asked };
}

/** Links to the admin page (the sidebar's; the page header's title links to `/kafka-hub`). */
const adminLinks = () =>
  screen
    .queryAllByRole('link')
    .filter(link => link.getAttribute('href') === '/kafka-hub/admin');

describe('the admin page in the sidebar (kafkaHubAdminNavModule)', () => {
  const features = [kafkaHubPlugin, kafkaHubAdminNavModule];

  it('is shown to a caller with kafka-hub.admin.read', async () => {
    const { asked } = renderApp({ admin: true, features });
    expect(
      await screen.findByRole('link', { name: 'Kafka admin' }, STARTED),
    ).toHaveAttribute('href', '/kafka-hub/admin');
    expect(screen.getByRole('link', { name: 'Kafka Hub' })).toHaveAttribute(
      'href',
      '/kafka-hub',
    );
    expect(asked).toEqual(['kafka-hub.admin.read']);
  });

  it('is hidden from everyone else', async () => {
    const { asked } = renderApp({ admin: false, features });
    expect(
      await screen.findByRole('link', { name: 'Kafka Hub' }, STARTED),
    ).toHaveAttribute('href', '/kafka-hub');
    expect(asked).toEqual(['kafka-hub.admin.read']);
    expect(screen.queryByRole('link', { name: 'Kafka admin' })).toBeNull();
  });

  it('leaves the admin page to everyone else, which says what it needs', async () => {
    renderApp({ admin: false, features, path: '/kafka-hub/admin' });
    expect(
      await screen.findByText(
        'You are not allowed to use the Kafka Hub admin page',
        undefined,
        STARTED,
      ),
    ).toBeInTheDocument();
    expect(adminLinks()).toEqual([]);
  });

  it('opens the admin page from the sidebar for an admin', async () => {
    renderApp({ admin: true, features, path: '/kafka-hub/admin' });
    expect(
      await screen.findByRole('tab', { name: 'Provisioning' }, STARTED),
    ).toBeInTheDocument();
    expect(adminLinks()).toHaveLength(1);
    expect(
      screen.queryByText('You are not allowed to use the Kafka Hub admin page'),
    ).toBeNull();
  });

  it('is not in the sidebar without the module, even for an admin', async () => {
    const { asked } = renderApp({ admin: true, features: [kafkaHubPlugin] });
    expect(
      await screen.findByRole('link', { name: 'Kafka Hub' }, STARTED),
    ).toHaveAttribute('href', '/kafka-hub');
    expect(screen.queryByRole('link', { name: 'Kafka admin' })).toBeNull();
    // Nothing to decide: the plugin alone has no permission predicate.
    expect(asked).toEqual([]);
  });
});
