import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import { HealthChecker } from '../health/HealthChecker';
import {
  applicationRoutes,
  ApplicationRoutesOptions,
} from './applicationRoutes';
import { healthRoutes } from './healthRoutes';
import {
  environmentRoutes,
  EnvironmentRoutesOptions,
} from './environmentRoutes';
import { adminTaskRoutes, AdminTaskRoutesOptions } from './adminTaskRoutes';
import { claimRoutes, ClaimRoutesOptions } from './claimRoutes';
import { schemaRoutes, SchemaRoutesOptions } from './schemaRoutes';
import {
  consumerGroupRoutes,
  ConsumerGroupRoutesOptions,
} from './consumerGroupRoutes';
import { topicRoutes, TopicRoutesOptions } from './topicRoutes';
import { EntityAccess } from '../permissions/EntityAccess';
import { ReadableEntities } from '../permissions/ReadableEntities';
import { createKafkaHubRouter } from './kafkaHubRouter';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  healthChecker: HealthChecker;
  /** The configured environments, for `GET /environments`. */
  environments: EnvironmentRoutesOptions['environments'];
  access: EntityAccess;
  /** What lists may show each caller (one conditional decision per list). */
  readable: ReadableEntities;
  applications: Omit<
    ApplicationRoutesOptions,
    'httpAuth' | 'access' | 'readable'
  >;
  schemas: Omit<
    SchemaRoutesOptions,
    'httpAuth' | 'entityAccess' | 'readable' | 'ownedEntityRefs'
  >;
  consumerGroups: Omit<
    ConsumerGroupRoutesOptions,
    'httpAuth' | 'access' | 'readable' | 'ownedEntityRefs'
  >;
  topics: Omit<TopicRoutesOptions, 'httpAuth' | 'access'>;
  tasks: Omit<AdminTaskRoutesOptions, 'httpAuth' | 'access'>;
  claims: Omit<ClaimRoutesOptions, 'httpAuth' | 'access'>;
}

/**
 * The plugin's HTTP API, mounted at `/api/kafka-hub`, served from its
 * contract `src/schema/openapi.yaml`: requests that break it answer 400
 * before any handler runs.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, access, readable } = options;
  const ownedEntityRefs = (ownerRef: string) =>
    options.applications.store.ownedEntityRefs(ownerRef);
  const router = await createKafkaHubRouter();
  healthRoutes(router, options);
  environmentRoutes(router, options);
  applicationRoutes(router, {
    httpAuth,
    access,
    readable,
    ...options.applications,
  });
  schemaRoutes(router, {
    httpAuth,
    entityAccess: access,
    readable,
    ownedEntityRefs,
    ...options.schemas,
  });
  consumerGroupRoutes(router, {
    httpAuth,
    access,
    readable,
    ownedEntityRefs,
    ...options.consumerGroups,
  });
  topicRoutes(router, { httpAuth, access, ...options.topics });
  adminTaskRoutes(router, { httpAuth, access, ...options.tasks });
  claimRoutes(router, { httpAuth, access, ...options.claims });
  return router;
}
