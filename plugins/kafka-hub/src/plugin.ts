import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import {
  hasKafkaConsumerGroups,
  isKafkaApplication,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { kafkaHubApiRef, KafkaHubClient } from './api';
import { adminRouteRef, rootRouteRef } from './routes';

/**
 * Kafka Hub for apps on the legacy frontend system (`App.tsx` and
 * `EntityPage.tsx`). Apps on the new frontend system use
 * `@kafka-hub/backstage-plugin-kafka-hub/alpha`.
 *
 * @public
 */
export const kafkaHubPlugin = createPlugin({
  id: 'kafka-hub',
  apis: [
    createApiFactory({
      api: kafkaHubApiRef,
      deps: { fetchApi: fetchApiRef },
      factory: ({ fetchApi }) => new KafkaHubClient({ fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    admin: adminRouteRef,
  },
});

/**
 * The `/kafka-hub` page, for `<Route path="/kafka-hub" element={<KafkaHubPage />} />`.
 *
 * @public
 */
export const KafkaHubPage = kafkaHubPlugin.provide(
  createRoutableExtension({
    name: 'KafkaHubPage',
    component: () =>
      import('./components/KafkaHubPage').then(m => m.KafkaHubPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The `/kafka-hub/admin` page (Provisioning and Clusters tabs, for
 * `kafka-hub.admin.read`), for
 * `<Route path="/kafka-hub/admin" element={<KafkaHubAdminPage />} />`.
 *
 * @public
 */
export const KafkaHubAdminPage = kafkaHubPlugin.provide(
  createRoutableExtension({
    name: 'KafkaHubAdminPage',
    component: () =>
      import('./components/KafkaHubAdminPage').then(m => m.KafkaHubAdminPage),
    mountPoint: adminRouteRef,
  }),
);

/**
 * The entity `Kafka` tab content, for `EntityPage.tsx`.
 *
 * @public
 */
export const EntityKafkaContent = kafkaHubPlugin.provide(
  createComponentExtension({
    name: 'EntityKafkaContent',
    component: {
      lazy: () =>
        import('./components/EntityKafkaContent').then(
          m => m.EntityKafkaContent,
        ),
    },
  }),
);

/**
 * The entity `Schemas` tab content, for `EntityPage.tsx`, e.g.
 * `<EntityLayout.Route path="/schemas" title="Schemas" if={isKafkaHubApplication}>`.
 * A subject's detail opens below the tab's path.
 *
 * @public
 */
export const EntitySchemasContent = kafkaHubPlugin.provide(
  createComponentExtension({
    name: 'EntitySchemasContent',
    component: {
      lazy: () =>
        import('./components/EntitySchemasContent').then(
          m => m.EntitySchemasContent,
        ),
    },
  }),
);

/**
 * The entity `Consumer groups` tab content, for `EntityPage.tsx`, e.g.
 * `<EntityLayout.Route path="/consumer-groups" title="Consumer groups" if={isKafkaHubConsumerGroupsAvailable}>`.
 * A group's detail opens below the tab's path; the environment filter is
 * kept in the URL (`?environment=dev`).
 *
 * @public
 */
export const EntityConsumerGroupsContent = kafkaHubPlugin.provide(
  createComponentExtension({
    name: 'EntityConsumerGroupsContent',
    component: {
      lazy: () =>
        import('./components/EntityConsumerGroupsContent').then(
          m => m.EntityConsumerGroupsContent,
        ),
    },
  }),
);

/**
 * The Group entity `Kafka` tab content (the team's applications), for the
 * group page of `EntityPage.tsx`.
 *
 * @public
 */
export const EntityGroupKafkaContent = kafkaHubPlugin.provide(
  createComponentExtension({
    name: 'EntityGroupKafkaContent',
    component: {
      lazy: () =>
        import('./components/GroupKafkaContent').then(m => m.GroupKafkaContent),
    },
  }),
);

/**
 * For `<EntitySwitch.Case if={isKafkaHubApplication}>` in `EntityPage.tsx`.
 *
 * @public
 */
export const isKafkaHubApplication = isKafkaApplication;

/**
 * For the `Consumer groups` tab in `EntityPage.tsx`:
 * `<EntityLayout.Route path="/consumer-groups" title="Consumer groups" if={isKafkaHubConsumerGroupsAvailable}>`.
 * True on Kafka applications and on entities that link groups by
 * annotation, the community plugin's `kafka.apache.org/consumer-groups`
 * included, so it replaces the community plugin's `isKafkaAvailable`.
 *
 * @public
 */
export const isKafkaHubConsumerGroupsAvailable = hasKafkaConsumerGroups;
