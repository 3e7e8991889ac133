import {
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  kafkaHubAdminReadPermission,
  kafkaHubEntityReadPermission,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { KAFKA_ENTITY_ANNOTATIONS } from '../catalog/KafkaEntitiesReader';
import { authorizeInChunks } from './authorizeInChunks';
import {
  CatalogQuery,
  catalogConditionsToQuery,
  fieldQuery,
} from './catalogConditionsToQuery';
import { ShortLivedCache } from './ShortLivedCache';

/**
 * The entities whose Kafka data a caller may read: all of them, or these
 * refs (sorted, normalised; empty when denied).
 */
export type ReadableEntitySet =
  | { all: true }
  | { all: false; entityRefs: readonly string[] };

/** What a list, summary or search may show the caller. */
export interface ListScope {
  /** `kafka-hub.admin.read`: everything, unlinked data and full error detail. */
  admin: boolean;
  /**
   * The entities whose data the list may show: undefined for every entity
   * (admins, or a policy that allows `kafka-hub.entity.read` outright),
   * else these refs (sorted; empty when denied).
   */
  entityRefs?: readonly string[];
}

export interface ReadableEntitiesOptions {
  permissions: PermissionsService;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  /** How long a resolved set is reused for the same conditions. Default: 10 s. */
  cacheTtlMs?: number;
  /**
   * Distinct conditions kept at once (about one per user asking within the
   * TTL; a set of 10,000 refs is around 0.5 MB). Default: 100.
   */
  maxCacheEntries?: number;
  /** Entities per catalog page. Default: 1000. */
  pageSize?: number;
  now?: () => number;
}

/** Has any Kafka Hub annotation: the entities Kafka Hub links data to. */
const KAFKA_ENTITY_QUERY: CatalogQuery = {
  $any: KAFKA_ENTITY_ANNOTATIONS.map(annotation =>
    fieldQuery(`metadata.annotations.${annotation}`, { $exists: true }),
  ),
};

const REF_FIELDS = ['kind', 'metadata.name', 'metadata.namespace'];

/**
 * Resolves `kafka-hub.entity.read` for lists the way the catalog filters
 * its own lists: one `authorizeConditional` per request. Conditions made of
 * the catalog's rules become a catalog query, and the refs of the readable
 * Kafka entities are read once with the plugin's own credentials, paged.
 * Conditions with other rules fall back to `authorize` per entity, in
 * chunks under the permission backend's body limit. A resolved set is
 * reused briefly by every request with the same conditions (they carry the
 * user's ownership claims, so equal conditions select equal entities).
 */
export class ReadableEntities {
  private readonly cache: ShortLivedCache<readonly string[]>;
  private warnedAboutFallback = false;

  constructor(private readonly options: ReadableEntitiesOptions) {
    this.cache = new ShortLivedCache({
      ttlMs: options.cacheTtlMs ?? 10_000,
      maxEntries: options.maxCacheEntries ?? 100,
      now: options.now,
    });
  }

  /**
   * The scope of a list request: `kafka-hub.admin.read` and the one
   * `authorizeConditional` of `kafka-hub.entity.read` are asked at the same
   * time; the readable entities are resolved only for non-admins.
   */
  async listScope(credentials: BackstageCredentials): Promise<ListScope> {
    const [[adminDecision], decision] = await Promise.all([
      this.options.permissions.authorize(
        [{ permission: kafkaHubAdminReadPermission }],
        { credentials },
      ),
      this.decide(credentials),
    ]);
    if (adminDecision.result === AuthorizeResult.ALLOW) return { admin: true };
    const set = await this.resolve(decision, credentials);
    return { admin: false, entityRefs: set.all ? undefined : set.entityRefs };
  }

  /** The one permission call of a list request. */
  async decide(credentials: BackstageCredentials): Promise<PolicyDecision> {
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission: kafkaHubEntityReadPermission }],
      { credentials },
    );
    return decision;
  }

  /** The readable set of a decision from `decide`. */
  async resolve(
    decision: PolicyDecision,
    credentials: BackstageCredentials,
  ): Promise<ReadableEntitySet> {
    if (decision.result === AuthorizeResult.ALLOW) return { all: true };
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      return { all: false, entityRefs: [] };
    }
    const key = JSON.stringify([
      decision.pluginId,
      decision.resourceType,
      decision.conditions,
    ]);
    const entityRefs = await this.cache.get(key, () =>
      this.resolveConditions(decision, credentials),
    );
    return { all: false, entityRefs };
  }

  private async resolveConditions(
    decision: ConditionalPolicyDecision,
    credentials: BackstageCredentials,
  ): Promise<string[]> {
    const query = catalogConditionsToQuery(decision);
    if (query) {
      return this.kafkaEntityRefs({ $all: [query, KAFKA_ENTITY_QUERY] });
    }
    this.warnFallback(decision);
    const candidates = await this.kafkaEntityRefs(KAFKA_ENTITY_QUERY);
    const granted = await authorizeInChunks({
      permissions: this.options.permissions,
      credentials,
      permission: kafkaHubEntityReadPermission,
      decision,
      entityRefs: candidates,
    });
    return granted.sort();
  }

  /** Refs of the catalog entities matching `query`, read page by page. */
  private async kafkaEntityRefs(query: CatalogQuery): Promise<string[]> {
    const { catalog, auth } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const refs = new Set<string>();
    for await (const page of catalog.streamEntities(
      {
        query,
        fields: REF_FIELDS,
        pageSize: this.options.pageSize ?? 1000,
        totalItems: 'exclude',
      },
      { credentials },
    )) {
      for (const entity of page) refs.add(stringifyEntityRef(entity));
    }
    return [...refs].sort();
  }

  private warnFallback(decision: ConditionalPolicyDecision) {
    if (this.warnedAboutFallback) return;
    this.warnedAboutFallback = true;
    this.options.logger.warn(
      `The permission policy answers ${
        kafkaHubEntityReadPermission.name
      } with conditions that are not all catalog rules (plugin ${
        decision.pluginId
      }, resource type ${decision.resourceType}, rules ${ruleNames(
        decision.conditions,
      ).join(
        ', ',
      )}); Kafka Hub lists ask the permission backend once per entity instead, in chunks. This warning is logged once.`,
    );
  }
}

function ruleNames(
  criteria: PermissionCriteria<PermissionCondition>,
): string[] {
  const names = new Set<string>();
  const visit = (c: PermissionCriteria<PermissionCondition>) => {
    if ('allOf' in c) c.allOf.forEach(visit);
    else if ('anyOf' in c) c.anyOf.forEach(visit);
    else if ('not' in c) visit(c.not);
    else names.add(c.rule);
  };
  visit(criteria);
  return [...names].sort();
}
