/*
 * The Kafka Hub demo backend: catalog, guest sign-in, the permission
 * framework with a catalog-driven policy, and the Kafka Hub plugin.
 */

import { createBackend } from '@backstage/backend-defaults';
import { kafkaHubDemoPolicyModule } from './permissions/module';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(kafkaHubDemoPolicyModule);

backend.add(import('@kafka-hub/backstage-plugin-kafka-hub-backend'));

backend.start();
