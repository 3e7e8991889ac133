import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ENVIRONMENT_NAME_PATTERN,
  SCHEMA_FORMATS,
  SCHEMA_STATUSES,
  SchemaCompatibilityResult,
  SchemaFormat,
  SchemaReference,
  SchemaStatus,
  SchemaSubjectDetail,
  SchemaSubjectList,
  SchemaSummary,
  SchemaVersionList,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { Request } from 'express';
import Router from 'express-promise-router';
import { EnvironmentConfig } from '../config/types';
import { SchemaStore } from '../database/schemas/SchemaStore';
import { SchemaFilter } from '../database/schemas/types';
import { EntityAccess } from '../permissions/EntityAccess';
import { ReadableEntities } from '../permissions/ReadableEntities';
import { ErrorDetail, tierError } from './errorDetail';
import { LIST_PAGE_LIMITS, Page, pageParams } from './pageParams';
import { requestedEntities } from './requestedEntities';
import {
  registryErrorText,
  SchemaRegistryClient,
  SchemaRegistryError,
} from '../schemaRegistry';

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

const DEFAULT_VERSIONS = 100;
const MAX_VERSIONS = 500;
const MAX_SEARCH = 200;
const MAX_SUBJECT = 512;

/**
 * The synced schemas: lists, summary, detail, versions and a compatibility
 * check through the registry. Subjects linked to an entity are visible to
 * callers who may read that entity's Kafka data (lists: one conditional
 * decision per request); unlinked subjects only to callers with
 * `kafka-hub.admin.read`, who see everything. A subject the caller may not
 * read answers 404 like a missing one.
 */
export function schemaRoutes(options: SchemaRoutesOptions) {
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
  const router = Router();

  const credentialsOf = (req: Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  /**
   * The filter of a list: the asked entities (`entityRef`) and the owner's
   * applications (`owner`), narrowed to those the caller may read; unlinked
   * subjects only for admins who narrowed nothing.
   */
  async function listFilter(req: Request): Promise<SchemaFilter> {
    const query = readListQuery(req);
    const { admin, entityRefs } = await requestedEntities(
      req,
      await credentialsOf(req),
      { readable, ownedEntityRefs },
    );
    return { ...query, entityRefs, linkedOnly: !admin };
  }

  /**
   * The subject named in the path, if it exists and the caller may read it
   * (one `authorize` call); a subject the caller may not read answers
   * exactly like a missing one.
   */
  async function readableSubject(
    req: Request,
  ): Promise<{ detail: SchemaSubjectDetail; errorDetail: ErrorDetail }> {
    const credentials = await credentialsOf(req);
    const { environment, subject } = readSubjectParams(req);
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
    const { limit, offset } = pageParams(req, LIST_PAGE_LIMITS);
    const filter = await listFilter(req);
    const { items, total } = await store.listSubjects(filter, {
      limit,
      offset,
    });
    const body: SchemaSubjectList = { items, total, limit, offset };
    res.json(body);
  });

  router.get('/schemas/summary', async (req, res) => {
    const body: SchemaSummary = await store.summarize(await listFilter(req));
    res.json(body);
  });

  router.get('/schemas/:environment/:subject', async (req, res) => {
    const body: SchemaSubjectDetail = (await readableSubject(req)).detail;
    res.json(body);
  });

  router.get('/schemas/:environment/:subject/versions', async (req, res) => {
    const page: Page = pageParams(req, {
      defaultLimit: DEFAULT_VERSIONS,
      maxLimit: MAX_VERSIONS,
    });
    const { detail } = await readableSubject(req);
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
      const { detail, errorDetail } = await readableSubject(req);
      const proposal = readCompatibilityBody(req.body, detail.format);
      const registry = registries.get(detail.environment);
      if (!registry) {
        throw new NotFoundError(
          `No Schema Registry is configured for environment "${detail.environment}"`,
        );
      }
      let result: SchemaCompatibilityResult;
      try {
        result = await registry.checkCompatibility(detail.subject, proposal);
      } catch (error) {
        throw registryFailure(error, detail, errorDetail);
      }
      res.json(result);
    },
  );

  return router;
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

type Query = Request['query'][string];

/** One optional string parameter; repeated or nested ones are errors. */
function single(name: string, value: Query): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new InputError(`${name} must be given at most once, as text`);
  }
  return value;
}

/** A list parameter: repeated, comma-separated, or both. */
function list(name: string, value: Query): string[] | undefined {
  if (value === undefined) return undefined;
  const values = Array.isArray(value) ? value : [value];
  if (values.some(v => typeof v !== 'string')) {
    throw new InputError(`${name} must be text`);
  }
  const items = (values as string[])
    .flatMap(v => v.split(','))
    .map(v => v.trim())
    .filter(v => v !== '');
  if (items.length === 0) {
    throw new InputError(`${name} must not be empty`);
  }
  return items;
}

function readEnvironment(name: string, value: string): string {
  if (!ENVIRONMENT_NAME_PATTERN.test(value)) {
    throw new InputError(
      `${name} "${value}" is not a valid environment name (letters, digits, '-' and '_')`,
    );
  }
  return value;
}

/** The filters of a list request, but the entities it covers. */
function readListQuery(
  req: Request,
): Omit<SchemaFilter, 'entityRefs' | 'linkedOnly'> {
  const environment = single('environment', req.query.environment);
  const formats = list('format', req.query.format)?.map(f => {
    const format = f.toUpperCase() as SchemaFormat;
    if (!SCHEMA_FORMATS.includes(format)) {
      throw new InputError(
        `format must be one of ${SCHEMA_FORMATS.join(', ')}, got "${f}"`,
      );
    }
    return format;
  });
  const statuses = list('status', req.query.status)?.map(s => {
    if (!SCHEMA_STATUSES.includes(s as SchemaStatus)) {
      throw new InputError(
        `status must be one of ${SCHEMA_STATUSES.join(', ')}, got "${s}"`,
      );
    }
    return s as SchemaStatus;
  });
  const search = single('search', req.query.search);
  if (search !== undefined && search.length > MAX_SEARCH) {
    throw new InputError(`search must be at most ${MAX_SEARCH} characters`);
  }
  return {
    environment:
      environment === undefined
        ? undefined
        : readEnvironment('environment', environment),
    formats,
    statuses,
    search: search?.trim() || undefined,
  };
}

function readSubjectParams(req: Request): {
  environment: string;
  subject: string;
} {
  const { environment, subject } = req.params;
  if (subject.length > MAX_SUBJECT) {
    throw new InputError(`subject must be at most ${MAX_SUBJECT} characters`);
  }
  return { environment: readEnvironment('environment', environment), subject };
}

function readCompatibilityBody(
  body: unknown,
  subjectFormat: SchemaFormat,
): { schema: string; format: SchemaFormat; references: SchemaReference[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputError(
      'The body must be a JSON object: { schema, schemaType?, references? }',
    );
  }
  const { schema, schemaType, references } = body as Record<string, unknown>;
  if (typeof schema !== 'string' || schema.trim() === '') {
    throw new InputError('schema must be a non-empty string');
  }
  let format = subjectFormat;
  if (schemaType !== undefined) {
    if (
      typeof schemaType !== 'string' ||
      !SCHEMA_FORMATS.includes(schemaType.toUpperCase() as SchemaFormat)
    ) {
      throw new InputError(
        `schemaType must be one of ${SCHEMA_FORMATS.join(', ')}`,
      );
    }
    format = schemaType.toUpperCase() as SchemaFormat;
  }
  const refs = references ?? [];
  if (
    !Array.isArray(refs) ||
    !refs.every(
      r =>
        typeof r === 'object' &&
        r !== null &&
        typeof r.name === 'string' &&
        typeof r.subject === 'string' &&
        Number.isSafeInteger(r.version),
    )
  ) {
    throw new InputError(
      'references must be an array of { name, subject, version }',
    );
  }
  return {
    schema,
    format,
    references: (refs as SchemaReference[]).map(r => ({
      name: r.name,
      subject: r.subject,
      version: r.version,
    })),
  };
}
