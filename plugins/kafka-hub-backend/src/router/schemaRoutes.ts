import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  SchemaCompatibilityResult,
  SchemaFormat,
  SchemaStatus,
  SchemaSubjectDetail,
  SchemaSubjectList,
  SchemaSummary,
  SchemaVersionList,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { EnvironmentConfig } from '../config/types';
import { SchemaStore } from '../database/schemas/SchemaStore';
import { SchemaFilter } from '../database/schemas/types';
import { EntityAccess } from '../permissions/EntityAccess';
import { ReadableEntities } from '../permissions/ReadableEntities';
import { ErrorDetail, tierError } from './errorDetail';
import { AnyRequest, KafkaHubRouter } from './kafkaHubRouter';
import { requestedEntities } from './requestedEntities';
import {
  registryErrorText,
  SchemaRegistryClient,
  SchemaRegistryError,
} from '../schemaRegistry';
import { checkProposal } from '../schemas/versionCompatibility';

export interface SchemaRoutesOptions {
  httpAuth: HttpAuthService;
  entityAccess: EntityAccess;
  readable: ReadableEntities;
  /** Entity refs of one owner's applications, for `owner=`. */
  ownedEntityRefs: (ownerRef: string) => Promise<string[]>;
  store: SchemaStore;
  /** Environments whose registries answer compatibility checks. */
  environments: EnvironmentConfig[];
  /** Extra attempts of a compatibility check after a 429 or 5xx. Default: 1. */
  retries?: number;
  /** For tests: the fetch the registry clients use. */
  fetch?: typeof fetch;
}

/** The filters of `GET /schemas` and `GET /schemas/summary`. */
interface ListQuery {
  entityRef?: string[];
  owner?: string;
  environment?: string;
  format?: string[];
  status?: SchemaStatus[];
  search?: string;
}

/**
 * The synced schemas: lists, summary, detail, versions and a compatibility
 * check through the registry. Subjects linked to an entity are visible to
 * callers who may read that entity's Kafka data (lists: one conditional
 * decision per request); unlinked subjects only to callers with
 * `kafka-hub.admin.read`, who see everything. A subject the caller may not
 * read answers 404 like a missing one. Parameters and bodies are checked by
 * the contract (`src/schema/openapi.yaml`).
 */
export function schemaRoutes(
  router: KafkaHubRouter,
  options: SchemaRoutesOptions,
): void {
  const { httpAuth, entityAccess, readable, ownedEntityRefs, store } = options;
  const registries = new Map<string, SchemaRegistryClient>();
  for (const env of options.environments) {
    if (env.schemaRegistry) {
      registries.set(
        env.name,
        new SchemaRegistryClient(env.schemaRegistry, {
          retries: options.retries ?? 1,
          fetch: options.fetch,
        }),
      );
    }
  }

  const credentialsOf = (req: AnyRequest) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  /**
   * The filter of a list: the asked entities (`entityRef`) and the owner's
   * applications (`owner`), narrowed to those the caller may read; unlinked
   * subjects only for admins who narrowed nothing.
   */
  async function listFilter(
    req: AnyRequest,
    query: ListQuery,
  ): Promise<SchemaFilter> {
    const { admin, entityRefs } = await requestedEntities(
      query,
      await credentialsOf(req),
      { readable, ownedEntityRefs },
    );
    return {
      environment: query.environment,
      // The contract takes formats in any case.
      formats: query.format?.map(f => f.toUpperCase() as SchemaFormat),
      statuses: query.status,
      search: query.search?.trim() || undefined,
      entityRefs,
      linkedOnly: !admin,
    };
  }

  /**
   * The subject named in the path, if it exists and the caller may read it
   * (one `authorize` call); a subject the caller may not read answers
   * exactly like a missing one.
   */
  async function readableSubject(
    req: AnyRequest,
    { environment, subject }: { environment: string; subject: string },
  ): Promise<{ detail: SchemaSubjectDetail; errorDetail: ErrorDetail }> {
    const credentials = await credentialsOf(req);
    const detail = await store.getSubject(environment, subject);
    const notFound = () =>
      new NotFoundError(
        `No schema subject "${subject}" in environment "${environment}"`,
      );
    // Asked for a missing subject too, so both answer alike.
    const { admin } = await entityAccess.requireRead(
      credentials,
      detail?.entityRef,
      notFound,
    );
    if (!detail) throw notFound();
    return { detail, errorDetail: admin ? 'full' : 'brief' };
  }

  router.get('/schemas', async (req, res) => {
    const { limit = 50, offset = 0, ...query } = req.query;
    const filter = await listFilter(req, query);
    const { items, total } = await store.listSubjects(filter, {
      limit,
      offset,
    });
    const body: SchemaSubjectList = { items, total, limit, offset };
    res.json(body);
  });

  router.get('/schemas/summary', async (req, res) => {
    const body: SchemaSummary = await store.summarize(
      await listFilter(req, req.query),
    );
    res.json(body);
  });

  router.get('/schemas/:environment/:subject', async (req, res) => {
    const body: SchemaSubjectDetail = (await readableSubject(req, req.params))
      .detail;
    res.json(body);
  });

  router.get('/schemas/:environment/:subject/versions', async (req, res) => {
    const { limit = 100, offset = 0 } = req.query;
    const page = { limit, offset };
    const { detail } = await readableSubject(req, req.params);
    const [items, total] = await Promise.all([
      store.listVersions(detail.environment, detail.subject, page),
      store.countVersions(detail.environment, detail.subject),
    ]);
    const body: SchemaVersionList = { items, total, ...page };
    res.json(body);
  });

  router.post(
    '/schemas/:environment/:subject/compatibility',
    async (req, res) => {
      const { detail, errorDetail } = await readableSubject(req, req.params);
      const { schema, schemaType, references = [] } = req.body;
      const proposal = {
        schema,
        // The contract takes the format in any case; the subject's by default.
        format: (schemaType?.toUpperCase() as SchemaFormat) ?? detail.format,
        references: references.map(r => ({
          name: r.name,
          subject: r.subject,
          version: r.version,
        })),
      };
      const registry = registries.get(detail.environment);
      if (!registry) {
        throw new NotFoundError(
          `No Schema Registry is configured for environment "${detail.environment}"`,
        );
      }
      let result: SchemaCompatibilityResult;
      try {
        result = await checkProposal(registry, detail.subject, proposal);
      } catch (error) {
        throw registryFailure(error, detail, errorDetail);
      }
      res.json(result);
    },
  );
}

/**
 * Maps a failed check to the caller's error: 404, 400 or 503, with the
 * registry's text tiered like every error (first line for non-admins).
 */
function registryFailure(
  error: unknown,
  detail: SchemaSubjectDetail,
  errorDetail: ErrorDetail,
): Error {
  const tier = (text: string) => tierError(text, errorDetail) ?? '';
  if (error instanceof SchemaRegistryError && error.status !== undefined) {
    if (error.status === 404) {
      return new NotFoundError(
        tier(
          `The registry of "${detail.environment}" has no subject "${
            detail.subject
          }": ${error.registryMessage ?? error.message}`,
        ),
      );
    }
    if (error.status === 400 || error.status === 422) {
      return new InputError(
        tier(
          `The registry rejected the schema: ${
            error.registryMessage ?? error.message
          }`,
        ),
      );
    }
  }
  return new ServiceUnavailableError(
    tier(
      `The Schema Registry of "${
        detail.environment
      }" could not check the schema: ${registryErrorText(error)}`,
    ),
  );
}
