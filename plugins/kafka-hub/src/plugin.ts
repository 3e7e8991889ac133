import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { isKafkaApplication } from '@internal/plugin-kafka-hub-common';
import { kafkaHubApiRef, KafkaHubClient } from './api';
import { rootRouteRef } from './routes';

/**
 * Kafka Hub for apps on the legacy frontend system (`App.tsx` and
 * `EntityPage.tsx`). Apps on the new frontend system use
 * `@internal/plugin-kafka-hub/alpha`.
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
 * For `<EntitySwitch.Case if={isKafkaHubApplication}>` in `EntityPage.tsx`.
 *
 * @public
 */
export const isKafkaHubApplication = isKafkaApplication;
