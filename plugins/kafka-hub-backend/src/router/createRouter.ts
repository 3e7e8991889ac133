import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import { HealthChecker } from '../health/HealthChecker';
import { ApplicationsApi } from '../api/ApplicationsApi';
import { ConsumerGroupsApi } from '../api/ConsumerGroupsApi';
import { SchemasApi } from '../api/SchemasApi';
import { applicationRoutes } from './applicationRoutes';
import { healthRoutes } from './healthRoutes';
import {
  environmentRoutes,
  EnvironmentRoutesOptions,
} from './environmentRoutes';
import { adminTaskRoutes, AdminTaskRoutesOptions } from './adminTaskRoutes';
import { claimRoutes, ClaimRoutesOptions } from './claimRoutes';
import { schemaRoutes } from './schemaRoutes';
import { consumerGroupRoutes } from './consumerGroupRoutes';
import { topicRoutes } from './topicRoutes';
import { TopicsApi } from '../api/TopicsApi';
import { MessagesApi } from '../api/MessagesApi';
import { messageRoutes } from './messageRoutes';
import { EntityAccess } from '../permissions/EntityAccess';
import { createKafkaHubRouter } from './kafkaHubRouter';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  healthChecker: HealthChecker;
  /** The configured environments, for `GET /environments`. */
  environments: EnvironmentRoutesOptions['environments'];
  access: EntityAccess;
  /** What `/applications` answers each caller (also the actions'). */
  applications: ApplicationsApi;
  /** What `/schemas` answers each caller (also the actions'). */
  schemas: SchemasApi;
  /** What `/consumer-groups` answers each caller (also the actions'). */
  consumerGroups: ConsumerGroupsApi;
  /** What `/applications/{entityRef}/topics` answers each caller (also the actions'). */
  topics: TopicsApi;
  /** What `/applications/{entityRef}/topics/{topic}/messages` answers each caller. */
  messages: MessagesApi;
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
  const { httpAuth, access } = options;
  const router = await createKafkaHubRouter();
  healthRoutes(router, options);
  environmentRoutes(router, options);
  applicationRoutes(router, { httpAuth, api: options.applications });
  schemaRoutes(router, { httpAuth, api: options.schemas });
  consumerGroupRoutes(router, { httpAuth, api: options.consumerGroups });
  topicRoutes(router, { httpAuth, api: options.topics });
  messageRoutes(router, { httpAuth, api: options.messages });
  adminTaskRoutes(router, { httpAuth, access, ...options.tasks });
  claimRoutes(router, { httpAuth, access, ...options.claims });
  return router;
}
