import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  SchemaCompatibilityResult,
  SchemaFormat,
  SchemaReference,
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
import { ErrorDetail, tierError } from '../router/errorDetail';
import { requestedEntities } from '../router/requestedEntities';
import {
  registryErrorText,
  SchemaRegistryClient,
  SchemaRegistryError,
} from '../schemaRegistry';
import { checkProposal } from '../schemas/versionCompatibility';

export interface SchemasApiOptions {
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

/** The filters of a list of subjects and of their summary. */
export interface SchemaListQuery {
  entityRef?: string[];
  owner?: string;
  environment?: string;
  format?: string[];
  status?: SchemaStatus[];
  search?: string;
}

/** A schema to check against a subject's versions. */
export interface SchemaProposal {
  schema: string;
  /** In any case; the subject's format by default. */
  schemaType?: string;
  references?: SchemaReference[];
}

/**
 * The synced schemas for one caller: lists, summary, detail, versions and a
 * compatibility check through the registry; what the `/schemas` routes and
 * the actions answer. Subjects linked to an entity are visible to callers
 * who may read that entity's Kafka data (lists: one conditional decision
 * per request); unlinked subjects only to callers with
 * `kafka-hub.admin.read`, who see everything. A subject the caller may not
 * read answers 404 like a missing one.
 */
export class SchemasApi {
  private readonly registries = new Map<string, SchemaRegistryClient>();

  constructor(private readonly options: SchemasApiOptions) {
    for (const env of options.environments) {
      if (env.schemaRegistry) {
        this.registries.set(
          env.name,
          new SchemaRegistryClient(env.schemaRegistry, {
            retries: options.retries ?? 1,
            fetch: options.fetch,
          }),
        );
      }
    }
  }

  /**
   * The filter of a list: the asked entities (`entityRef`) and the owner's
   * applications (`owner`), narrowed to those the caller may read; unlinked
   * subjects only for admins who narrowed nothing.
   */
  private async listFilter(
    credentials: BackstageCredentials,
    query: SchemaListQuery,
  ): Promise<SchemaFilter> {
    const { readable, ownedEntityRefs } = this.options;
    const { admin, entityRefs } = await requestedEntities(query, credentials, {
      readable,
      ownedEntityRefs,
    });
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
   * The subject, if it exists and the caller may read it (one `authorize`
   * call); a subject the caller may not read answers exactly like a missing
   * one.
   */
  private async readableSubject(
    credentials: BackstageCredentials,
    { environment, subject }: { environment: string; subject: string },
  ): Promise<{ detail: SchemaSubjectDetail; errorDetail: ErrorDetail }> {
    const { store, entityAccess } = this.options;
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

  async list(
    credentials: BackstageCredentials,
    query: SchemaListQuery & { limit?: number; offset?: number },
  ): Promise<SchemaSubjectList> {
    const { limit = 50, offset = 0, ...filters } = query;
    const filter = await this.listFilter(credentials, filters);
    const { items, total } = await this.options.store.listSubjects(filter, {
      limit,
      offset,
    });
    return { items, total, limit, offset };
  }

  async summary(
    credentials: BackstageCredentials,
    query: SchemaListQuery,
  ): Promise<SchemaSummary> {
    return this.options.store.summarize(
      await this.listFilter(credentials, query),
    );
  }

  async get(
    credentials: BackstageCredentials,
    subject: { environment: string; subject: string },
  ): Promise<SchemaSubjectDetail> {
    return (await this.readableSubject(credentials, subject)).detail;
  }

  async versions(
    credentials: BackstageCredentials,
    subject: { environment: string; subject: string },
    page: { limit?: number; offset?: number } = {},
  ): Promise<SchemaVersionList> {
    const { limit = 100, offset = 0 } = page;
    const { store } = this.options;
    const { detail } = await this.readableSubject(credentials, subject);
    const [items, total] = await Promise.all([
      store.listVersions(detail.environment, detail.subject, { limit, offset }),
      store.countVersions(detail.environment, detail.subject),
    ]);
    return { items, total, limit, offset };
  }

  /** Asks the environment's registry whether `proposal` could be registered. */
  async checkCompatibility(
    credentials: BackstageCredentials,
    subject: { environment: string; subject: string },
    { schema, schemaType, references = [] }: SchemaProposal,
  ): Promise<SchemaCompatibilityResult> {
    const { detail, errorDetail } = await this.readableSubject(
      credentials,
      subject,
    );
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
    const registry = this.registries.get(detail.environment);
    if (!registry) {
      throw new NotFoundError(
        `No Schema Registry is configured for environment "${detail.environment}"`,
      );
    }
    try {
      return await checkProposal(registry, detail.subject, proposal);
    } catch (error) {
      throw registryFailure(error, detail, errorDetail);
    }
  }
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
