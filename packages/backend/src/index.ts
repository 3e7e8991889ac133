/*
 * The Kafka Hub demo backend: catalog, guest sign-in, the permission
 * framework with a catalog-driven policy, notifications, signals (live
 * updates of open pages), the MCP server of the actions registry, and the
 * Kafka Hub plugin.
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

// Kafka Hub tells owners about failed provisioning and stopped groups.
backend.add(import('@backstage/plugin-notifications-backend'));
// Live updates: open Kafka Hub pages reload on Kafka Hub's signals.
backend.add(import('@backstage/plugin-signals-backend'));
// Kafka Hub's actions (backend.actions.pluginSources) as MCP tools.
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.add(import('@kafka-hub/backstage-plugin-kafka-hub-backend'));

backend.start();
