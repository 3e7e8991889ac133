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

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  healthChecker: HealthChecker;
  applications: Omit<ApplicationRoutesOptions, 'httpAuth'>;
}

/** The plugin's HTTP API, mounted at `/api/kafka-hub`. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth } = options;
  const router = Router();
  router.use(express.json());
  router.use(healthRoutes(options));
  router.use(applicationRoutes({ httpAuth, ...options.applications }));
  return router;
}
