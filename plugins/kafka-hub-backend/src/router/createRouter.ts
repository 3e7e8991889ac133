import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { HealthChecker } from '../health/HealthChecker';
import {
  applicationRoutes,
  ApplicationRoutesOptions,
} from './applicationRoutes';
import { healthRoutes } from './healthRoutes';
import { adminTaskRoutes, AdminTaskRoutesOptions } from './adminTaskRoutes';
import { claimRoutes, ClaimRoutesOptions } from './claimRoutes';
import { schemaRoutes, SchemaRoutesOptions } from './schemaRoutes';
import {
  consumerGroupRoutes,
  ConsumerGroupRoutesOptions,
} from './consumerGroupRoutes';
import { EntityAccess } from '../permissions/EntityAccess';
import { ReadableEntities } from '../permissions/ReadableEntities';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  healthChecker: HealthChecker;
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
  tasks: Omit<AdminTaskRoutesOptions, 'httpAuth' | 'access'>;
  claims: Omit<ClaimRoutesOptions, 'httpAuth' | 'access'>;
}

/** The plugin's HTTP API, mounted at `/api/kafka-hub`. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, access, readable } = options;
  const ownedEntityRefs = (ownerRef: string) =>
    options.applications.store.ownedEntityRefs(ownerRef);
  const router = Router();
  // Proposed schemas for the compatibility check can be large.
  router.use(express.json({ limit: '1mb' }));
  router.use(healthRoutes(options));
  router.use(
    applicationRoutes({ httpAuth, access, readable, ...options.applications }),
  );
  router.use(
    schemaRoutes({
      httpAuth,
      entityAccess: access,
      readable,
      ownedEntityRefs,
      ...options.schemas,
    }),
  );
  router.use(
    consumerGroupRoutes({
      httpAuth,
      access,
      readable,
      ownedEntityRefs,
      ...options.consumerGroups,
    }),
  );
  router.use(adminTaskRoutes({ httpAuth, access, ...options.tasks }));
  router.use(claimRoutes({ httpAuth, access, ...options.claims }));
  return router;
}
