import { HttpAuthService } from '@backstage/backend-plugin-api';
import { ApplicationsApi } from '../api/ApplicationsApi';
import { AnyRequest, KafkaHubRouter } from './kafkaHubRouter';

export interface ApplicationRoutesOptions {
  httpAuth: HttpAuthService;
  api: ApplicationsApi;
}

/**
 * Provisioning status of Kafka applications, and retries
 * ({@link ApplicationsApi}):
 *
 * - `GET /applications?entityRef=&owner=&status=&limit=&offset=`
 * - `GET /applications/:entityRef`
 * - `POST /applications/:entityRef/retry[?all=true]`
 * - `POST /admin/retry-failed`
 *
 * Parameters are checked by the contract (`src/schema/openapi.yaml`).
 */
export function applicationRoutes(
  router: KafkaHubRouter,
  options: ApplicationRoutesOptions,
): void {
  const { httpAuth, api } = options;
  const credentialsOf = (req: AnyRequest) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  router.get('/applications', async (req, res) => {
    const { entityRef, owner, status, limit, offset } = req.query;
    res.json(
      await api.list(await credentialsOf(req), {
        entityRef,
        owner,
        status,
        limit,
        offset,
      }),
    );
  });

  router.get('/applications/:entityRef', async (req, res) => {
    res.json(await api.get(await credentialsOf(req), req.params.entityRef));
  });

  router.post('/applications/:entityRef/retry', async (req, res) => {
    const body = await api.retry(
      await credentialsOf(req),
      req.params.entityRef,
      { all: req.query.all, request: req },
    );
    res.status(202).json(body);
  });

  router.post('/admin/retry-failed', async (req, res) => {
    res.json(
      await api.retryAllFailed(await credentialsOf(req), { request: req }),
    );
  });
}
