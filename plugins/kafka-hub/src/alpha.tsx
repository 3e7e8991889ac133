import { convertLegacyRouteRefs } from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  createFrontendModule,
  createFrontendPlugin,
  createRouteRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  hasKafkaConsumerGroups,
  isKafkaApplication,
  kafkaHubAdminReadPermission,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import SettingsApplicationsIcon from '@material-ui/icons/SettingsApplications';
import { kafkaHubApiRef, KafkaHubClient } from './api';
import { adminRouteRef, rootRouteRef } from './routes';
import { KafkaHubIcon } from './components/KafkaHubIcon';

const routes = convertLegacyRouteRefs({
  root: rootRouteRef,
  admin: adminRouteRef,
});

/**
 * The backend client, through the app's fetchApi.
 *
 * @alpha
 */
export const kafkaHubApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: kafkaHubApiRef,
      deps: { fetchApi: fetchApiRef },
      factory: ({ fetchApi }) => new KafkaHubClient({ fetchApi }),
    }),
});

/**
 * `/kafka-hub`: everything the caller may read across entities.
 *
 * @alpha
 */
export const kafkaHubPage = PageBlueprint.make({
  params: {
    path: '/kafka-hub',
    title: 'Kafka Hub',
    icon: <KafkaHubIcon />,
    routeRef: routes.root,
    loader: () =>
      import('./components/KafkaHubPage').then(m => <m.KafkaHubPageContent />),
  },
});

const adminPageParams = {
  path: '/kafka-hub/admin',
  title: 'Kafka Hub admin',
  routeRef: routes.admin,
  loader: () =>
    import('./components/KafkaHubAdminPage').then(m => (
      <m.KafkaHubAdminContent />
    )),
};

/**
 * `/kafka-hub/admin`: provisioning of every application and cluster health,
 * for `kafka-hub.admin.read`; everyone else is told they may not use it.
 * No icon, so it stays out of the sidebar; {@link kafkaHubAdminNavModule}
 * puts it there for admins.
 *
 * @alpha
 */
export const kafkaHubAdminPage = PageBlueprint.make({
  name: 'admin',
  params: adminPageParams,
});

// The sidebar's entry for admins: a page of its own, with its own route ref
// (the app's nav lists only pages that have one and an icon), at the admin
// page's path, rendering the same content.
const adminNavRouteRef = createRouteRef();

/**
 * The admin page in the sidebar, for admins only: install it beside the
 * plugin (`features: [kafkaHubPlugin, kafkaHubAdminNavModule]`). It adds a
 * second page at `/kafka-hub/admin`, with an icon (the app's nav lists
 * every page with one), that exists only for callers granted
 * `kafka-hub.admin.read` (the app decides the extension predicate once per
 * session, after sign-in). The plugin's own admin page stays as it is, so
 * everyone else still reaches `/kafka-hub/admin` and is told which
 * permission it needs; they just see no sidebar item.
 *
 * A module, not the plugin's default: Backstage 1.55 has no nav item of
 * its own to hide, only pages, and an app with a permission predicate
 * needs asynchronous finalization, which `renderTestApp` of
 * `@backstage/frontend-test-utils` 0.6 does not do, so the default would
 * break every adopter's tests that render the plugin in a test app.
 *
 * @alpha
 */
export const kafkaHubAdminNavModule = createFrontendModule({
  pluginId: 'kafka-hub',
  extensions: [
    PageBlueprint.make({
      name: 'admin-nav',
      if: {
        permissions: {
          $contains: `${kafkaHubAdminReadPermission.name}#${kafkaHubAdminReadPermission.attributes.action}`,
        },
      },
      params: {
        ...adminPageParams,
        // Short enough for the sidebar's open width (224 px), where
        // "Kafka Hub admin" is cut to "Kafka Hub ad…".
        title: 'Kafka admin',
        routeRef: adminNavRouteRef,
        icon: <SettingsApplicationsIcon />,
      },
    }),
  ],
});

/**
 * The entity `Kafka` tab, only on entities that declare a Kafka application.
 *
 * @alpha
 */
export const entityKafkaContent = EntityContentBlueprint.make({
  name: 'kafka',
  params: {
    path: '/kafka',
    title: 'Kafka',
    filter: entity => isKafkaApplication(entity),
    loader: () =>
      import('./components/EntityKafkaContent').then(m => (
        <m.EntityKafkaContent />
      )),
  },
});

/**
 * The entity `Schemas` tab, only on entities that declare a Kafka
 * application; a subject's detail opens at `schemas/<environment>/<subject>`.
 *
 * @alpha
 */
export const entitySchemasContent = EntityContentBlueprint.make({
  name: 'schemas',
  params: {
    path: '/schemas',
    title: 'Schemas',
    filter: entity => isKafkaApplication(entity),
    loader: () =>
      import('./components/EntitySchemasContent').then(m => (
        <m.EntitySchemasContent />
      )),
  },
});

/**
 * The entity `Consumer groups` tab, on entities that declare a Kafka
 * application or link groups by annotation, the community plugin's
 * `kafka.apache.org/consumer-groups` included; a group's detail opens at
 * `consumer-groups/<environment>/<groupId>`.
 *
 * @alpha
 */
export const entityConsumerGroupsContent = EntityContentBlueprint.make({
  name: 'consumer-groups',
  params: {
    path: '/consumer-groups',
    title: 'Consumer groups',
    filter: entity => hasKafkaConsumerGroups(entity),
    loader: () =>
      import('./components/EntityConsumerGroupsContent').then(m => (
        <m.EntityConsumerGroupsContent />
      )),
  },
});

/**
 * The Group entity `Kafka` tab: the team's applications and their schemas.
 *
 * @alpha
 */
export const entityGroupKafkaContent = EntityContentBlueprint.make({
  name: 'group-kafka',
  params: {
    path: '/kafka',
    title: 'Kafka',
    filter: entity => entity.kind.toLocaleLowerCase('en-US') === 'group',
    loader: () =>
      import('./components/GroupKafkaContent').then(m => (
        <m.GroupKafkaContent />
      )),
  },
});

/**
 * Kafka Hub for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'kafka-hub',
  info: { packageJson: () => import('../package.json') },
  extensions: [
    kafkaHubApi,
    kafkaHubPage,
    kafkaHubAdminPage,
    entityKafkaContent,
    entitySchemasContent,
    entityConsumerGroupsContent,
    entityGroupKafkaContent,
  ],
  routes,
});
