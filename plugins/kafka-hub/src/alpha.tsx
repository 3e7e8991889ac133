import { convertLegacyRouteRefs } from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  hasKafkaConsumerGroups,
  isKafkaApplication,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
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

/**
 * `/kafka-hub/admin`: provisioning of every application and cluster health,
 * for `kafka-hub.admin.read`. No icon, so it stays out of the sidebar.
 *
 * @alpha
 */
export const kafkaHubAdminPage = PageBlueprint.make({
  name: 'admin',
  params: {
    path: '/kafka-hub/admin',
    title: 'Kafka Hub admin',
    routeRef: routes.admin,
    loader: () =>
      import('./components/KafkaHubAdminPage').then(m => (
        <m.KafkaHubAdminContent />
      )),
  },
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
