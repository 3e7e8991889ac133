import { HttpAuthService } from '@backstage/backend-plugin-api';
import { SchemasApi } from '../api/SchemasApi';
import { AnyRequest, KafkaHubRouter } from './kafkaHubRouter';

export interface SchemaRoutesOptions {
  httpAuth: HttpAuthService;
  api: SchemasApi;
}

/**
 * The synced schemas ({@link SchemasApi}): lists, summary, detail, versions
 * and a compatibility check through the registry. Parameters and bodies are
 * checked by the contract (`src/schema/openapi.yaml`).
 */
export function schemaRoutes(
  router: KafkaHubRouter,
  options: SchemaRoutesOptions,
): void {
  const { httpAuth, api } = options;
  const credentialsOf = (req: AnyRequest) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  router.get('/schemas', async (req, res) => {
    res.json(await api.list(await credentialsOf(req), req.query));
  });

  router.get('/schemas/summary', async (req, res) => {
    res.json(await api.summary(await credentialsOf(req), req.query));
  });

  router.get('/schemas/:environment/:subject', async (req, res) => {
    res.json(await api.get(await credentialsOf(req), req.params));
  });

  router.get('/schemas/:environment/:subject/versions', async (req, res) => {
    res.json(
      await api.versions(await credentialsOf(req), req.params, req.query),
    );
  });

  router.post(
    '/schemas/:environment/:subject/compatibility',
    async (req, res) => {
      res.json(
        await api.checkCompatibility(
          await credentialsOf(req),
          req.params,
          req.body,
        ),
      );
    },
  );
}
