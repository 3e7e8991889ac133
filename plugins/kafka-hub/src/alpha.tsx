import { convertLegacyRouteRefs } from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isKafkaApplication } from '@internal/plugin-kafka-hub-common';
import { kafkaHubApiRef, KafkaHubClient } from './api';
import { rootRouteRef } from './routes';
import { KafkaHubIcon } from './components/KafkaHubIcon';

const routes = convertLegacyRouteRefs({ root: rootRouteRef });

/** The backend client, through the app's fetchApi. */
export const kafkaHubApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: kafkaHubApiRef,
      deps: { fetchApi: fetchApiRef },
      factory: ({ fetchApi }) => new KafkaHubClient({ fetchApi }),
    }),
});

/** `/kafka-hub`: everything the caller may read across entities. */
export const kafkaHubPage = PageBlueprint.make({
  params: {
    path: '/kafka-hub',
    title: 'Kafka Hub',
    icon: <KafkaHubIcon />,
    routeRef: routes.root,
    loader: () =>
      import('./components/KafkaHubPage').then(m => <m.KafkaHubPage />),
  },
});

/** The entity `Kafka` tab, only on entities that declare a Kafka application. */
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
 * Kafka Hub for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'kafka-hub',
  info: { packageJson: () => import('../package.json') },
  extensions: [kafkaHubApi, kafkaHubPage, entityKafkaContent],
  routes,
});
