/*
 * `yarn start:legacy`: Kafka Hub's legacy exports in a `createDevApp`, as an
 * app on the legacy frontend system renders them, with mocked APIs.
 */
import { createDevApp } from '@backstage/dev-utils';
import {
  attachComponentData,
  createApiFactory,
} from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  EntityConsumerGroupsContent,
  EntityGroupKafkaContent,
  EntityKafkaContent,
  EntitySchemasContent,
  KafkaHubAdminPage,
  KafkaHubIcon,
  KafkaHubPage,
  kafkaHubApiRef,
  kafkaHubPlugin,
} from '../src';
import { allowAllPermissionApi, mockCatalogApi, mockKafkaHubApi } from './apis';
import { ordersEntity, teamEntity } from './fixtures';

/** Where EntityRefLink points; the dev app has no catalog plugin. */
const CatalogEntityPlaceholder = () => <p>The catalog's entity page.</p>;
attachComponentData(
  CatalogEntityPlaceholder,
  'core.mountPoint',
  entityRouteRef,
);

const entityTab = (entity: Entity, content: JSX.Element) => (
  <EntityProvider entity={entity}>{content}</EntityProvider>
);

createDevApp()
  .registerPlugin(kafkaHubPlugin)
  .registerApi(
    createApiFactory({
      api: kafkaHubApiRef,
      deps: {},
      factory: () => mockKafkaHubApi,
    }),
  )
  .registerApi(
    createApiFactory({
      api: catalogApiRef,
      deps: {},
      factory: () => mockCatalogApi,
    }),
  )
  .registerApi(
    createApiFactory({
      api: permissionApiRef,
      deps: {},
      factory: () => allowAllPermissionApi,
    }),
  )
  .addPage({
    path: '/kafka-hub',
    title: 'Kafka Hub',
    icon: KafkaHubIcon,
    element: <KafkaHubPage />,
  })
  .addPage({
    path: '/kafka-hub/admin',
    title: 'Admin',
    element: <KafkaHubAdminPage />,
  })
  .addPage({
    path: '/entity-kafka',
    title: 'Entity: Kafka',
    element: entityTab(ordersEntity, <EntityKafkaContent />),
  })
  .addPage({
    path: '/entity-schemas',
    title: 'Entity: Schemas',
    element: entityTab(ordersEntity, <EntitySchemasContent />),
  })
  .addPage({
    path: '/entity-consumer-groups',
    title: 'Entity: Consumer groups',
    element: entityTab(ordersEntity, <EntityConsumerGroupsContent />),
  })
  .addPage({
    path: '/group-kafka',
    title: 'Group: Kafka',
    element: entityTab(teamEntity, <EntityGroupKafkaContent />),
  })
  .addPage({
    path: '/catalog/:namespace/:kind/:name',
    element: <CatalogEntityPlaceholder />,
  })
  .render();
