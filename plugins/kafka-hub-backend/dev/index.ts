/*
 * `yarn start`: the Kafka Hub backend plugin in a backend of its own, with
 * the catalog (the entities of dev/catalog.yaml), guest sign-in and a small
 * permission policy, against the local Kafka and Apicurio of
 * scripts/services (config: dev/app-config.yaml).
 */
import { createBackend } from '@backstage/backend-defaults';
import { devPermissionPolicyModule } from './devPermissionPolicy';

const backend = createBackend();

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(devPermissionPolicyModule);
backend.add(import('../src'));

backend.start();
