/*
 * `yarn start`: Kafka Hub in an app on the new frontend system, with the
 * plugin's `./alpha` default export and mocked APIs (no backend needed).
 * Open /kafka-hub, /kafka-hub/admin, or the catalog's entities
 * (orders-service, payments-service: Kafka, Schemas and Consumer groups
 * tabs; team-orders: Kafka tab). The legacy frontend system: dev/legacy.tsx.
 */
import '@backstage/cli/asset-types';
import { useEffect } from 'react';
import ReactDOM from 'react-dom/client';
import { createApp } from '@backstage/frontend-defaults';
import {
  ApiBlueprint,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import {
  SignInPageBlueprint,
  SignInPageProps,
} from '@backstage/plugin-app-react';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import kafkaHubPlugin from '../src/alpha';
import { kafkaHubApiRef } from '../src/api';
import {
  allowAllPermissionApi,
  devIdentityApi,
  mockCatalogApi,
  mockKafkaHubApi,
} from './apis';
// The dev app is an app: it loads the UI library's styles as packages/app does.
// eslint-disable-next-line @backstage/no-ui-css-imports-in-non-frontend
import '@backstage/ui/css/styles.css';

/** Signs in at once as the fixtures' team member, without an auth backend. */
const DevSignInPage = ({ onSignInSuccess }: SignInPageProps) => {
  useEffect(() => onSignInSuccess(devIdentityApi), [onSignInSuccess]);
  return null;
};

// A module's extension replaces the plugin's extension with the same id.
const kafkaHubMocks = createFrontendModule({
  pluginId: 'kafka-hub',
  extensions: [
    ApiBlueprint.make({
      params: defineParams =>
        defineParams({
          api: kafkaHubApiRef,
          deps: {},
          factory: () => mockKafkaHubApi,
        }),
    }),
  ],
});

const catalogMocks = createFrontendModule({
  pluginId: 'catalog',
  extensions: [
    ApiBlueprint.make({
      params: defineParams =>
        defineParams({
          api: catalogApiRef,
          deps: {},
          factory: () => mockCatalogApi,
        }),
    }),
  ],
});

const appMocks = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SignInPageBlueprint.make({
      params: { loader: async () => DevSignInPage },
    }),
    ApiBlueprint.make({
      name: 'permission',
      params: defineParams =>
        defineParams({
          api: permissionApiRef,
          deps: {},
          factory: () => allowAllPermissionApi,
        }),
    }),
  ],
});

const app = createApp({
  features: [
    catalogPlugin,
    kafkaHubPlugin,
    kafkaHubMocks,
    catalogMocks,
    appMocks,
  ],
});

ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());
